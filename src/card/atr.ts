/**
 * Answers-To-Reset of the emulated card (ISO/IEC 7816-3 §8, EMV Book 1 §8.3):
 * the EMV basic ATRs for T=0 and for T=1 (TA3 = FE: IFSC 254; TB3 = 45: BWI 4,
 * CWI 5; TCK present because T=1 is announced).
 */
import { type Bytes, concat, fromHex } from '../apdu/index.js';
import type { Protocol } from '../apdu/index.js';

/** Historical bytes: category 80, compact-TLV card service data and a status indicator 9000. */
const HISTORICAL = fromHex('8031 8066 B084 0C01 6E01 8300 9000');

export function answerToReset(protocol: Protocol): Bytes {
  const k = HISTORICAL.length;
  if (protocol === 'T=0') {
    // T0 = 6K: TB1 and TC1 follow; no TD1 means T=0 only.
    return concat(Uint8Array.of(0x3b, 0x60 | k, 0x00, 0x00), HISTORICAL);
  }
  // T0 = EK: TB1 TC1 TD1; TD1 = 81 (TD2 follows, T=1); TD2 = 31 (TA3 TB3 follow, T=1).
  const body = concat(Uint8Array.of(0xe0 | k, 0x00, 0x00, 0x81, 0x31, 0xfe, 0x45), HISTORICAL);
  let tck = 0;
  for (const b of body) tck ^= b;
  return concat(Uint8Array.of(0x3b), body, Uint8Array.of(tck));
}
