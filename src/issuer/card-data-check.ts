/**
 * Checks of the card data a terminal sends without a chip cryptogram
 * (magnetic stripe, fallback, manual key entry: no field 55). Without an ARQC
 * the issuer can only compare what the terminal read with the card record:
 *
 *   - expiry (field 14) or track 2 (field 35) is required     30, decidedBy 'field 14'
 *   - track 2 well formed, its PAN equal to field 2           30, decidedBy 'field 35'
 *   - expiry of field 14 / track 2 equal to the card record   54, decidedBy 'expiry'
 *   - a chip card (service code 2xx/6xx, ISO/IEC 7813) swiped (POS entry mode 02/90) is honoured only as
 *     a fallback (POS entry mode 80, the terminal says its chip read failed)    05, decidedBy 'service-code'
 *
 * Field 35 format errors arriving over ISO 8583 are already answered 30 by the mapping (naming field 35);
 * the same check here covers in-process requests.
 */
import type { AuthorisationRequest } from '../terminal/index.js';
import type { CardRecord } from './db/records.js';
import { isChipServiceCode, isTrack2Problem, splitTrack2, type Track2 } from '../apdu/index.js';

export interface CardDataDecline {
  code: string;
  decidedBy: string;
  reason: string;
}

/** POS entry mode positions 1-2 (ISO 8583:1987 field 22) of a magnetic stripe read. */
const SWIPED = new Set(['02', '90']);
const FALLBACK = '80';

/** The decline for a request without ICC data whose card data does not match the card, else undefined. */
export function checkNonChipCardData(card: CardRecord, request: AuthorisationRequest): CardDataDecline | undefined {
  const mode = request.posEntryMode.slice(0, 2);
  let track: Track2 | undefined;
  if (request.track2 !== undefined) {
    const parsed = splitTrack2(request.track2);
    if (isTrack2Problem(parsed)) return { code: '30', decidedBy: 'field 35', reason: parsed.error };
    if (parsed.pan !== request.pan) return { code: '30', decidedBy: 'field 35', reason: `PAN ${parsed.pan} in track 2 differs from field 2 ${request.pan}` };
    track = parsed;
  }
  if (!track && !request.expiry) {
    return { code: '30', decidedBy: 'field 14', reason: `no chip data (entry mode ${request.posEntryMode}): expiry (field 14) or track 2 (field 35) required` };
  }
  if (request.expiry && request.expiry.slice(0, 4) !== card.expiry) {
    return { code: '54', decidedBy: 'expiry', reason: `expiry ${request.expiry.slice(0, 4)} (field 14) differs from the card's ${card.expiry}` };
  }
  if (track && track.expiry !== card.expiry) {
    return { code: '54', decidedBy: 'expiry', reason: `expiry ${track.expiry} in track 2 (field 35) differs from the card's ${card.expiry}` };
  }
  if (track && SWIPED.has(mode) && isChipServiceCode(track.serviceCode)) {
    return {
      code: '05',
      decidedBy: 'service-code',
      reason: `service code ${track.serviceCode}: chip card read by magnetic stripe (entry mode ${request.posEntryMode}) without fallback (entry mode ${FALLBACK})`,
    };
  }
  return undefined;
}
