/**
 * M/Chip issuer application data (9F10) and card verification results, for profiles with
 * `iadFormat: mchip` (the Mastercard-like card). EMV Book 3 Annex C7 leaves 9F10 to the scheme;
 * the layout below is checked byte by byte against two independent public decoders (docs/card-images.md,
 * "Sources"): jPOS org.jpos.emv.CVRMastercard ("based on A.19 CVR, M/Chip 4 Issuer Guide to Debit and
 * Credit Parameter Management, December 2004") with org.jpos.emv.IssuerApplicationData, and
 * coolbong/node-tlv lib/decoder/Gac.js (CardVerificationResultsMaster, IssuerApplicationDataMaster).
 *   DKI (1) | CVN (1) | CVR (6) | DAC / ICC dynamic number (2) | counters (8)   = 18 bytes
 *   (M/Chip Advance adds 8 more counter bytes and/or the last online ATC: 20, 26 or 28 bytes.)
 * CVR (6 bytes):
 *   byte 1  b8b7 AC returned in 2nd GENERATE AC (00 AAC, 01 TC, 10 not requested)
 *           b6b5 AC returned in 1st GENERATE AC (00 AAC, 01 TC, 10 ARQC)
 *           b3 offline PIN verification performed  b2 offline encrypted PIN verification performed
 *           b1 offline PIN verification successful
 *   byte 2  b8 DDA returned  b7 CDA returned in 1st GENERATE AC  b6 CDA returned in 2nd GENERATE AC
 *           b5 issuer authentication performed  b4 CIAC-default skipped on CAT3  b3 offline change PIN result
 *   byte 3  b8-b5 low-order nibble of the script counter  b4-b1 low-order nibble of the PIN try counter
 *   byte 4  b8 last online transaction not completed  b7 unable to go online
 *           b6 offline PIN verification not performed  b5 offline PIN verification failed
 *           b4 PIN try limit exceeded  b3 international transaction  b2 domestic transaction
 *           b1 terminal erroneously considers offline PIN OK
 *   byte 5  b8 lower consecutive offline limit exceeded  b7 upper consecutive offline limit
 *           exceeded  b6 lower cumulative offline limit exceeded  b5 upper cumulative offline
 *           limit exceeded  b4 go online on next transaction was set  b3 issuer authentication
 *           failed  b2 script received  b1 script failed
 *   byte 6  b2 match found in additional check table  b1 no match found (M/Chip Advance uses
 *           b8-b3 for counter 2 / accumulator 2 / MTA / days offline)
 * Not produced by this card (nothing in the profile models them): byte 2 b4, b3; byte 4 b1;
 * byte 5 b5 (one cumulative limit only), b4; byte 6. Byte 2 b8 is set after INTERNAL AUTHENTICATE.
 * International / domestic (byte 4 b3 / b2) compare the Terminal Country Code (9F1A) the terminal
 * sent in CDOL1 with the issuer country of the profile (standing in for M/Chip's CRM Country Code,
 * card data C8); neither bit when CDOL1 has no 9F1A.
 */
import { type Bytes, concat, toHex } from '../../apdu/index.js';
import { dolValue } from '../dol-view.js';
import type { CardEngine } from '../engine.js';
import { ARQC, type Decision, TC, riskLimits } from './risk.js';

const acBits = (t: number) => (t === TC ? 0x1 : t === ARQC ? 0x2 : 0x0);

export function mchipCardVerificationResults(card: CardEngine, d: Decision, first: number | undefined, second: number | undefined, cda: boolean): Bytes {
  const v = card.v;
  const nv = card.nv;
  let b1 = second === undefined ? 0x80 : acBits(second) << 6;
  if (first !== undefined) b1 |= acBits(first) << 4;
  if (v.offlinePinPerformed) b1 |= 0x04;
  if (v.offlinePinPerformed && v.offlinePinEnciphered) b1 |= 0x02;
  if (v.offlinePinPerformed && !v.offlinePinFailed) b1 |= 0x01;
  let b2 = v.ddaReturned ? 0x80 : 0;
  if (cda) b2 |= second === undefined ? 0x40 : 0x20;
  if (v.issuerAuthResult !== undefined) b2 |= 0x10;
  const scripts = v.scriptCommands > 0 || v.scriptFailed ? { n: v.scriptCommands, failed: v.scriptFailed } : { n: nv.scriptCommandsLastTransaction, failed: nv.scriptFailedLastTransaction };
  // Low-order nibbles, not saturated values (both decoders: "right/low order nibble of ...").
  const b3 = ((scripts.n & 0x0f) << 4) | (nv.pinTryCounter & 0x0f);
  let b4 = 0;
  if (d.cvrByte3 & 0x80) b4 |= 0x80; // last online transaction not completed (risk.ts historyFlags)
  if (d.unableToGoOnline) b4 |= 0x40;
  if (!v.offlinePinPerformed) b4 |= 0x20;
  if (v.offlinePinFailed) b4 |= 0x10;
  if (nv.pinTryCounter === 0) b4 |= 0x08;
  const terminalCountry = v.cdol1Data ? dolValue(card.layout.cdol1, v.cdol1Data, '9F1A') : undefined;
  if (terminalCountry) b4 |= toHex(terminalCountry) === card.profile.issuerCountry.padStart(4, '0') ? 0x02 : 0x04;
  const limits = riskLimits(card);
  let b5 = 0;
  if (nv.consecutiveOffline >= limits.lower) b5 |= 0x80;
  if (nv.consecutiveOffline >= limits.upper) b5 |= 0x40;
  if (nv.cumulativeOfflineAmount > limits.cumulativeAmount) b5 |= 0x20;
  if (v.issuerAuthResult === false || nv.issuerAuthFailedLastOnline) b5 |= 0x04;
  if (scripts.n > 0) b5 |= 0x02;
  if (scripts.failed) b5 |= 0x01;
  return Uint8Array.of(b1, b2, b3, b4, b5, 0x00);
}

/** 9F10 in the M/Chip layout: DKI | CVN | CVR | DAC (0000) | counters (8 x 00). */
export function mchipIssuerApplicationData(card: CardEngine, cvr: Bytes): Bytes {
  const c = card.profile.cryptogram;
  return concat(Uint8Array.of(c.dki & 0xff, c.cvn & 0xff), cvr, new Uint8Array(2), new Uint8Array(8));
}
