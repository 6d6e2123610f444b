/**
 * Message authentication for the ISO 8583 link (fields 64 and 128).
 *
 * ISO 8583:1987 §4.3: the MAC is the last data element of a message: field 64
 * when the message has only a primary bitmap, field 128 when it has a
 * secondary bitmap (and 64 is then absent). It authenticates every byte before
 * it: MTI, bitmap(s) with the MAC bit already set, and all fields up to the
 * MAC field. The algorithm is ANSI X9.19, i.e. ISO/IEC 9797-1 MAC algorithm 3
 * (retail MAC: single-DES CBC under K1, final block D(K2) then E(K1)) with
 * padding method 1 (zeros), under a 16-byte terminal MAC key; the full 8-byte
 * MAC fills the b 64 field (src/crypto `retailMac`).
 *
 * A message that fails verification is answered 63 (ISO 8583:1987 response
 * code "security violation") by the server and changes nothing.
 */
import { type Bytes, constantTimeEqual, concat } from '../../apdu/index.js';
import { EmvsimError } from '../../apdu/index.js';
import { retailMac } from '../../crypto/index.js';
import { encodeMessage, type Iso8583Message } from './codec.js';

export const MAC_LENGTH = 8;

/** A message whose MAC is missing, misplaced or wrong; `field` is 64 or 128. */
export class MacError extends EmvsimError {
  readonly field: number;
  constructor(field: number, message: string) {
    super('MAC', `field ${field}: ${message}`);
    this.field = field;
  }
}

function hasFieldsAbove64(message: Iso8583Message): boolean {
  for (const n of message.fields.keys()) if (n > 64 && n !== 128) return true;
  return false;
}

/** The ANSI X9.19 MAC over `data` (the message bytes before the MAC field). */
export function messageMac(key: Bytes, data: Bytes): Bytes {
  return retailMac(key, data, 1, MAC_LENGTH);
}

/**
 * Encodes `message` with its MAC: field 64, or 128 when the message needs a
 * secondary bitmap. The MAC field is fixed-length and last, so the bytes before
 * it do not depend on its value: encode with zeros, then fill in the MAC.
 */
export function encodeSignedMessage(message: Iso8583Message, key: Bytes): Bytes {
  const field = hasFieldsAbove64(message) ? 128 : 64;
  const fields = new Map(message.fields);
  fields.delete(64);
  fields.delete(128);
  fields.set(field, new Uint8Array(MAC_LENGTH));
  const body = encodeMessage({ mti: message.mti, fields });
  const covered = body.subarray(0, body.length - MAC_LENGTH);
  return concat(covered, messageMac(key, covered));
}

/**
 * Verifies the MAC of a decoded message against its raw body. Throws MacError
 * when the MAC field is missing, in the wrong place (64 beside a secondary
 * bitmap, 128 without one) or does not match.
 */
export function verifyMessageMac(body: Bytes, message: Iso8583Message, key: Bytes): void {
  const secondary = body.length > 4 && (body[4]! & 0x80) !== 0;
  const field = secondary ? 128 : 64;
  const other = secondary ? 64 : 128;
  if (message.fields.has(other)) {
    throw new MacError(other, `the MAC belongs in field ${field} when the message has ${secondary ? 'a' : 'no'} secondary bitmap`);
  }
  const mac = message.fields.get(field);
  if (mac === undefined) throw new MacError(field, 'message authentication code missing');
  if (!(mac instanceof Uint8Array) || mac.length !== MAC_LENGTH) throw new MacError(field, `needs ${MAC_LENGTH} bytes`);
  // The MAC field is the last element (decodeMessage accepts no trailing bytes), so it is the last 8 bytes.
  const expected = messageMac(key, body.subarray(0, body.length - MAC_LENGTH));
  if (!constantTimeEqual(expected, body.subarray(body.length - MAC_LENGTH))) {
    throw new MacError(field, 'MAC does not verify under the terminal MAC key');
  }
}
