/**
 * Bytes and hex over Uint8Array. Hex input tolerates spaces, colons, tabs and
 * new lines between digits (as traces and specs print it); anything else is a
 * HexError naming the character position.
 */
import { HexError } from './errors.js';

export type Bytes = Uint8Array;

const HEX_DIGITS = '0123456789ABCDEF';
const SEPARATORS = new Set([' ', ':', '\t', '\n', '\r']);

/** Value of each ASCII hex digit, -1 for any other code unit below 128. */
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX_VALUE[HEX_DIGITS.charCodeAt(i)] = i;
  HEX_VALUE[HEX_DIGITS.toLowerCase().charCodeAt(i)] = i;
}

/** Parses hex text ("6F 1A", "6f:1a", "6F1A") into bytes. */
export function fromHex(text: string): Bytes {
  // Fast path for the usual case, digits only (tag values, profiles, traces): no intermediate arrays.
  if ((text.length & 1) === 0) {
    const out = new Uint8Array(text.length >> 1);
    let i = 0;
    for (; i < text.length; i += 2) {
      const hi = HEX_VALUE[text.charCodeAt(i)] ?? -1;
      const lo = HEX_VALUE[text.charCodeAt(i + 1)] ?? -1;
      if ((hi | lo) < 0) break;
      out[i >> 1] = (hi << 4) | lo;
    }
    if (i === text.length) return out;
  }
  return fromSeparatedHex(text);
}

/** fromHex with separators between digits, and the errors naming the position. */
function fromSeparatedHex(text: string): Bytes {
  const digits: number[] = [];
  const positions: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (SEPARATORS.has(ch)) continue;
    const v = parseInt(ch, 16);
    if (Number.isNaN(v)) throw new HexError(`invalid hex digit '${ch}'`, i);
    digits.push(v);
    positions.push(i);
  }
  if (digits.length % 2 !== 0) {
    throw new HexError('odd number of hex digits', positions[positions.length - 1] ?? 0);
  }
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = (digits[2 * i]! << 4) | digits[2 * i + 1]!;
  return out;
}

/** The two uppercase hex digits of each byte value: one string append per byte (2-3x faster on keys and records). */
const HEX_PAIRS: readonly string[] = Array.from({ length: 256 }, (_, b) => HEX_DIGITS[b >> 4]! + HEX_DIGITS[b & 15]!);

/** The two uppercase hex digits of one byte (0-255). */
export function byteHex(byte: number): string {
  return HEX_PAIRS[byte & 0xff]!;
}

/** Uppercase hex without separators (the project-wide convention). */
export function toHex(bytes: Bytes, separator = ''): string {
  let s = '';
  if (!separator) {
    for (let i = 0; i < bytes.length; i++) s += HEX_PAIRS[bytes[i]!]!;
    return s;
  }
  for (let i = 0; i < bytes.length; i++) {
    if (i > 0) s += separator;
    s += HEX_PAIRS[bytes[i]!]!;
  }
  return s;
}

/** Accepts hex text or bytes; returns bytes. */
export function bytesOf(input: string | Bytes): Bytes {
  return typeof input === 'string' ? fromHex(input) : input;
}

export function concat(...parts: Bytes[]): Bytes {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function equal(a: Bytes, b: Bytes): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Constant-time comparison for MACs and cryptograms. */
export function constantTimeEqual(a: Bytes, b: Bytes): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

export function xor(a: Bytes, b: Bytes): Bytes {
  if (a.length !== b.length) throw new RangeError(`xor of ${a.length} and ${b.length} bytes`);
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

/** Big-endian unsigned integer of up to 6 bytes. */
export function readUint(bytes: Bytes, offset = 0, length = bytes.length - offset): number {
  if (length > 6) throw new RangeError('readUint supports at most 6 bytes');
  let v = 0;
  for (let i = 0; i < length; i++) v = v * 256 + bytes[offset + i]!;
  return v;
}

/** Big-endian unsigned integer into `length` bytes. */
export function uintBytes(value: number, length: number): Bytes {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not an unsigned integer: ${value}`);
  if (value >= 256 ** length) throw new RangeError(`${value} does not fit in ${length} bytes`);
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = value % 256;
    value = Math.floor(value / 256);
  }
  return out;
}

/** Packed BCD (format n): digits "000000001234" -> 00 00 00 00 12 34. */
export function bcd(digits: string | number | bigint, length: number): Bytes {
  const s = String(digits);
  if (!/^[0-9]*$/.test(s)) throw new RangeError(`not decimal digits: ${s}`);
  if (s.length > length * 2) throw new RangeError(`${s} does not fit in ${length} BCD bytes`);
  return fromHex(s.padStart(length * 2, '0'));
}

/** Decodes packed BCD to a digit string; throws on a nibble above 9. */
export function fromBcd(bytes: Bytes): string {
  const hex = toHex(bytes);
  if (!/^[0-9]*$/.test(hex)) throw new RangeError(`not BCD: ${hex}`);
  return hex;
}

/** Compressed numeric (format cn): digits left-justified, padded with F. */
export function cn(digits: string, length: number): Bytes {
  if (!/^[0-9]*$/.test(digits)) throw new RangeError(`not decimal digits: ${digits}`);
  if (digits.length > length * 2) throw new RangeError(`${digits} does not fit in ${length} cn bytes`);
  return fromHex(digits.padEnd(length * 2, 'F'));
}

/** Digits of a cn value, stopping at the first F pad nibble. */
export function fromCn(bytes: Bytes): string {
  const hex = toHex(bytes);
  const end = hex.indexOf('F');
  return end < 0 ? hex : hex.slice(0, end);
}

export function ascii(text: string): Bytes {
  return new TextEncoder().encode(text);
}

export function toAscii(bytes: Bytes): string {
  let s = '';
  for (const b of bytes) s += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
  return s;
}
