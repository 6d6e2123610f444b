/**
 * INTERNAL AUTHENTICATE (EMV Book 3 §6.5.9, Book 2 §6.5 DDA) and EXTERNAL
 * AUTHENTICATE (Book 3 §6.5.4, issuer authentication).
 */
import type { DecodedCommand } from '../../apdu/index.js';
import { encodeTlv } from '../../apdu/index.js';
import { createDdaSignature } from '../../crypto/index.js';
import { type Answer, type CardEngine, ok, sw } from '../engine.js';
import { transactionInitiated } from '../state.js';
import { checkIssuerAuthenticationData } from './card-crypto.js';
import { ARQC } from './risk.js';

/**
 * Signs the DDOL-related data with the ICC private key (Signed Dynamic Application Data).
 * Dynamic data authentication is a step of a transaction (Book 3 §10.3, after GPO and
 * READ RECORD); before GPO the card answers 6985 (CCD application state machine).
 */
export function internalAuthenticate(card: CardEngine, cmd: DecodedCommand): Answer {
  const oda = card.profile.oda;
  if ((oda !== 'dda' && oda !== 'cda') || !card.iccKey) return sw(0x6d00); // SDA-only cards do not know the command
  if (cmd.p1 !== 0 || cmd.p2 !== 0) return sw(0x6a86);
  if (card.selectedApplication === undefined || !transactionInitiated(card.v)) return sw(0x6985);
  if (cmd.data.length === 0 || cmd.data.length > card.iccKey.modulus.length) return sw(0x6700);
  const sdad = createDdaSignature({ iccKey: card.iccKey, iccDynamicNumber: card.randomBytes(8), ddolData: cmd.data });
  card.v.ddaReturned = true;
  if (card.profile.generateAcFormat === 1) return ok(encodeTlv('80', sdad));
  return ok(encodeTlv('77', [{ tag: '9F4B', value: sdad }]));
}

/**
 * Checks the ARPC after an ARQC, once per transaction and before the second
 * GENERATE AC: 9000 when it verifies, 6300 when it does not (Book 3 §6.5.4.4).
 */
export function externalAuthenticate(card: CardEngine, cmd: DecodedCommand): Answer {
  if (cmd.p1 !== 0 || cmd.p2 !== 0) return sw(0x6a86);
  if (card.selectedApplication === undefined) return sw(0x6985);
  const v = card.v;
  if (v.phase !== 'first-ac-done' || v.firstAcType !== ARQC || !v.firstAc || v.issuerAuthResult !== undefined) return sw(0x6985);
  const result = checkIssuerAuthenticationData(card, v.firstAc, cmd.data);
  if (result === undefined) return sw(0x6700);
  v.issuerAuthResult = result;
  return sw(result ? 0x9000 : 0x6300);
}
