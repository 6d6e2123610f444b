/**
 * The ISO 8583:1987 data elements emvsim speaks, as a table. The codec
 * (codec.ts) is driven entirely by this table: adding a field is one line.
 *
 * Variant (documented in docs/issuer.md):
 * - MTI: 4 ASCII digits.
 * - Bitmaps: binary, 8 bytes primary, 8 bytes secondary when bit 1 is set.
 * - Numeric (n), alphanumeric (an, ans) and track (z) fields: ASCII characters,
 *   one byte per digit or character (no BCD).
 * - LLVAR / LLLVAR length prefixes: 2 or 3 ASCII digits, counting characters for
 *   n/an/ans/z fields and bytes for b fields.
 * - Binary (b) fields: raw bytes; `max` counts bytes.
 * - Frame: 2-byte big-endian length header before each message (framing.ts).
 *
 * Deviations from the 1987 dictionary, each to carry what EMV needs:
 * - 52 (PIN data) is LLVAR b..16 instead of b 64 so that an ISO 9564 format 4
 *   (AES, 16-byte) PIN block fits; a format 0 block is 8 bytes either way.
 * - 53 (security related control information) n16: digits 1-2 carry the PIN
 *   block format ("00", "01", "03", "04"), the rest is zeros.
 * - 55 (ICC system related data, from ISO 8583:1993) is LLLVAR b..255: BER-TLV.
 */

export type FieldFormat = 'n' | 'an' | 'ans' | 'b' | 'z';
export type FieldLength = 'fixed' | 'llvar' | 'lllvar';

export interface FieldSpec {
  number: number;
  name: string;
  format: FieldFormat;
  length: FieldLength;
  /** Exact length (fixed) or maximum length (LLVAR/LLLVAR): characters, or bytes for b. */
  max: number;
}

const f = (number: number, name: string, format: FieldFormat, length: FieldLength, max: number): FieldSpec => ({
  number,
  name,
  format,
  length,
  max,
});

/** ISO 8583:1987 §4.3 data element directory, the subset emvsim uses. */
export const FIELD_SPECS: readonly FieldSpec[] = [
  f(2, 'primary account number', 'n', 'llvar', 19),
  f(3, 'processing code', 'n', 'fixed', 6),
  f(4, 'amount, transaction', 'n', 'fixed', 12),
  f(7, 'transmission date and time (MMDDhhmmss)', 'n', 'fixed', 10),
  f(11, 'system trace audit number', 'n', 'fixed', 6),
  f(12, 'time, local transaction (hhmmss)', 'n', 'fixed', 6),
  f(13, 'date, local transaction (MMDD)', 'n', 'fixed', 4),
  f(14, 'date, expiration (YYMM)', 'n', 'fixed', 4),
  f(18, 'merchant type (MCC)', 'n', 'fixed', 4),
  f(19, 'acquiring institution country code', 'n', 'fixed', 3),
  f(22, 'point of service entry mode', 'n', 'fixed', 3),
  f(23, 'card sequence number', 'n', 'fixed', 3),
  f(25, 'point of service condition code', 'n', 'fixed', 2),
  f(32, 'acquiring institution identification code', 'n', 'llvar', 11),
  f(35, 'track 2 data', 'z', 'llvar', 37),
  f(37, 'retrieval reference number', 'an', 'fixed', 12),
  f(38, 'authorisation identification response', 'an', 'fixed', 6),
  f(39, 'response code', 'an', 'fixed', 2),
  f(41, 'card acceptor terminal identification', 'ans', 'fixed', 8),
  f(42, 'card acceptor identification code', 'ans', 'fixed', 15),
  f(43, 'card acceptor name/location', 'ans', 'fixed', 40),
  f(44, 'additional response data', 'ans', 'llvar', 25),
  f(49, 'currency code, transaction', 'n', 'fixed', 3),
  f(52, 'personal identification number data', 'b', 'llvar', 16),
  f(53, 'security related control information', 'n', 'fixed', 16),
  f(54, 'additional amounts', 'an', 'lllvar', 120),
  f(55, 'ICC system related data', 'b', 'lllvar', 255),
  f(63, 'reserved private (response text)', 'ans', 'lllvar', 999),
  f(64, 'message authentication code', 'b', 'fixed', 8),
  f(70, 'network management information code', 'n', 'fixed', 3),
  f(90, 'original data elements', 'n', 'fixed', 42),
  f(128, 'message authentication code', 'b', 'fixed', 8),
];

const BY_NUMBER = new Map<number, FieldSpec>(FIELD_SPECS.map((s) => [s.number, s]));

export function fieldSpec(number: number): FieldSpec | undefined {
  return BY_NUMBER.get(number);
}

/** Character classes (ISO 8583:1987 §4.1): n digits, an alphanumeric (space allowed as pad), ans printable, z track 2. */
export const FORMAT_PATTERNS: Record<Exclude<FieldFormat, 'b'>, RegExp> = {
  n: /^[0-9]*$/,
  an: /^[0-9A-Za-z ]*$/,
  ans: /^[\x20-\x7E]*$/,
  // ISO 7813 track 2 in character form: digits and the '=' field separator (also 'D' as some terminals send it).
  z: /^[0-9=D]*$/,
};
