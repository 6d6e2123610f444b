/**
 * M/Chip issuer application data (9F10) and card verification results, for profiles with
 * `iadFormat: mchip` (the Mastercard-like card). EMV Book 3 Annex C7 leaves 9F10 to the scheme;
 * the layout below is checked byte by byte against two independent public decoders (docs/card-images.md,
 * "Sources"): jPOS org.jpos.emv.CVRMastercard ("based on A.19 CVR, M/Chip 4 Issuer Guide to Debit and
 * Credit Parameter Management, December 2004") with org.jpos.emv.IssuerApplicationData, and
 * coolbong/node-tlv lib/decoder/Gac.js (CardVerificationResultsMaster, IssuerApplicationDataMaster).
 *   DKI (1) | CVN (1) | CVR (6) | DAC / ICC dynamic number (2) | counters (8)   = 18 bytes
 *   (M/Chip Advance adds 8 more counter bytes and/or the last online ATC: 20, 26 or 28 bytes.)
 * CVR (6 bytes): the bit table is src/apdu/card-verification-results.ts, shared with the 9F10 explainer.
 * Not produced by this card (nothing in the profile models them): byte 2 b4, b3; byte 4 b1;
 * byte 5 b5 (one cumulative limit only), b4; byte 6. Byte 2 b8 is set after INTERNAL AUTHENTICATE.
 * International / domestic (byte 4 b3 / b2) compare the Terminal Country Code (9F1A) the terminal
 * sent in CDOL1 with the issuer country of the profile (standing in for M/Chip's CRM Country Code,
 * card data C8); neither bit when CDOL1 has no 9F1A.
 */
import { type Bytes, concat, encodeMchipCvr, type MchipCvrFlag, toHex, VISA_CVR } from '../../apdu/index.js';
import { dolValue } from '../dol-view.js';
import type { CardEngine } from '../engine.js';
import { ARQC, type Decision, TC, riskLimits } from './risk.js';

/** The CVR this card returns in 9F10 bytes 3-8, from the transaction's volatile and persistent state. */
export function mchipCardVerificationResults(card: CardEngine, d: Decision, first: number | undefined, second: number | undefined, cda: boolean): Bytes {
  const v = card.v;
  const nv = card.nv;
  const flags: MchipCvrFlag[] = [];
  const set = (flag: MchipCvrFlag, when: boolean) => {
    if (when) flags.push(flag);
  };
  set('offlinePinPerformed', v.offlinePinPerformed);
  set('offlineEncipheredPinPerformed', v.offlinePinPerformed && v.offlinePinEnciphered);
  set('offlinePinSuccessful', v.offlinePinPerformed && !v.offlinePinFailed);
  set('ddaReturned', v.ddaReturned);
  set(second === undefined ? 'cdaFirst' : 'cdaSecond', cda);
  set('issuerAuthenticationPerformed', v.issuerAuthResult !== undefined);
  const scripts = v.scriptCommands > 0 || v.scriptFailed ? { n: v.scriptCommands, failed: v.scriptFailed } : { n: nv.scriptCommandsLastTransaction, failed: nv.scriptFailedLastTransaction };
  set('lastOnlineNotCompleted', (d.cvrByte3 & VISA_CVR.lastOnlineNotCompleted.mask) !== 0); // risk.ts historyFlags (VIS CVR byte 3)
  set('unableToGoOnline', d.unableToGoOnline);
  set('offlinePinNotPerformed', !v.offlinePinPerformed);
  set('offlinePinFailed', v.offlinePinFailed);
  set('ptlExceeded', nv.pinTryCounter === 0);
  const terminalCountry = v.cdol1Data ? dolValue(card.layout.cdol1, v.cdol1Data, '9F1A') : undefined;
  if (terminalCountry) set(toHex(terminalCountry) === card.profile.issuerCountry.padStart(4, '0') ? 'domestic' : 'international', true);
  const limits = riskLimits(card);
  set('lowerConsecutiveExceeded', nv.consecutiveOffline >= limits.lower);
  set('upperConsecutiveExceeded', nv.consecutiveOffline >= limits.upper);
  set('lowerCumulativeExceeded', nv.cumulativeOfflineAmount > limits.cumulativeAmount);
  set('issuerAuthenticationFailed', v.issuerAuthResult === false || nv.issuerAuthFailedLastOnline);
  set('scriptReceived', scripts.n > 0);
  set('scriptFailed', scripts.failed);
  return encodeMchipCvr({
    firstAc: first === TC ? 'TC' : first === ARQC ? 'ARQC' : 'AAC',
    // The second GENERATE AC answers TC or AAC only (an ARQC request gets 6A86, generate-ac.ts).
    secondAc: second === undefined ? 'not requested' : second === TC ? 'TC' : 'AAC',
    // Low-order nibbles, not saturated values (both decoders: "right/low order nibble of ...").
    scriptCounter: scripts.n,
    pinTryCounter: nv.pinTryCounter,
    flags,
  });
}

/** 9F10 in the M/Chip layout: DKI | CVN | CVR | DAC (0000) | counters (8 x 00). */
export function mchipIssuerApplicationData(card: CardEngine, cvr: Bytes): Bytes {
  const c = card.profile.cryptogram;
  return concat(Uint8Array.of(c.dki & 0xff, c.cvn & 0xff), cvr, new Uint8Array(2), new Uint8Array(8));
}
