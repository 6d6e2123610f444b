/**
 * Table-driven ISO 8583:1987 message codec (MTI, binary bitmaps, data elements
 * per fields.ts). Decoding is strict: every byte must belong to a field the
 * bitmap announces, and any fault is an Iso8583Error naming the field number
 * and the byte offset. The fields decoded before a fault travel with the error
 * (`partial`) so a server can still echo STAN/RRN/terminal in its format-error
 * (30) answer.
 */
import { type Bytes, concat, toAscii } from '../../apdu/index.js';
import { ParseError } from '../../apdu/index.js';
import { FORMAT_PATTERNS, type FieldSpec, fieldSpec } from './fields.js';

export type FieldValue = string | Bytes;

export interface Iso8583Message {
  /** Message type indicator, e.g. "0100". */
  mti: string;
  /** Data elements by number (2..128); binary fields are bytes, all others strings. */
  fields: Map<number, FieldValue>;
}

/** A malformed or invalid ISO 8583 message. `field` is the data element at fault (0 = MTI, 1 = bitmap). */
export class Iso8583Error extends ParseError {
  readonly field: number;
  partial: Iso8583Message | undefined;
  constructor(field: number, message: string, offset: number, partial?: Iso8583Message) {
    super('ISO8583', `${field === 0 ? 'MTI' : field === 1 ? 'bitmap' : `field ${field}`}: ${message}`, offset);
    this.field = field;
    this.partial = partial;
  }
}

const encoder = new TextEncoder();
const MTI_PATTERN = /^[0-9]{4}$/;

/** Encodes one field value per its spec; n fixed values are left-padded with zeros, an/ans with trailing spaces. */
export function encodeField(spec: FieldSpec, value: FieldValue): Bytes {
  let body: Bytes;
  let count: number;
  if (spec.format === 'b') {
    if (!(value instanceof Uint8Array)) throw new Iso8583Error(spec.number, 'binary field needs bytes', 0);
    body = value;
    count = value.length;
    if (spec.length === 'fixed' && count !== spec.max) {
      throw new Iso8583Error(spec.number, `needs exactly ${spec.max} bytes, got ${count}`, 0);
    }
  } else {
    if (typeof value !== 'string') throw new Iso8583Error(spec.number, `${spec.format} field needs a string`, 0);
    let text = value;
    if (spec.length === 'fixed' && text.length < spec.max) {
      text = spec.format === 'n' ? text.padStart(spec.max, '0') : text.padEnd(spec.max, ' ');
    }
    if (!FORMAT_PATTERNS[spec.format].test(text)) {
      throw new Iso8583Error(spec.number, `'${text}' is not valid ${spec.format} data`, 0);
    }
    body = encoder.encode(text);
    count = text.length;
  }
  if (count > spec.max) throw new Iso8583Error(spec.number, `${count} exceeds the maximum length ${spec.max}`, 0);
  if (spec.length === 'fixed') return body;
  const prefixDigits = spec.length === 'llvar' ? 2 : 3;
  return concat(encoder.encode(String(count).padStart(prefixDigits, '0')), body);
}

/** Encodes a message (without the 2-byte length header). */
export function encodeMessage(message: Iso8583Message): Bytes {
  if (!MTI_PATTERN.test(message.mti)) throw new Iso8583Error(0, `'${message.mti}' is not four digits`, 0);
  const numbers = [...message.fields.keys()].sort((a, b) => a - b);
  const secondary = numbers.some((n) => n > 64);
  const bitmap = new Uint8Array(secondary ? 16 : 8);
  if (secondary) bitmap[0]! |= 0x80;
  const parts: Bytes[] = [];
  for (const n of numbers) {
    const spec = fieldSpec(n);
    if (!spec) throw new Iso8583Error(n, 'not in the field table', 0);
    bitmap[(n - 1) >> 3]! |= 0x80 >> ((n - 1) & 7);
    parts.push(encodeField(spec, message.fields.get(n)!));
  }
  return concat(encoder.encode(message.mti), bitmap, ...parts);
}

function readDigits(buf: Bytes, pos: number, count: number, field: number, partial: Iso8583Message): number {
  if (pos + count > buf.length) throw new Iso8583Error(field, 'truncated length prefix', pos, partial);
  let v = 0;
  for (let i = 0; i < count; i++) {
    const c = buf[pos + i]!;
    if (c < 0x30 || c > 0x39) throw new Iso8583Error(field, `length prefix byte ${c} is not an ASCII digit`, pos + i, partial);
    v = v * 10 + (c - 0x30);
  }
  return v;
}

/** Decodes a message body (without the length header). */
export function decodeMessage(buf: Bytes): Iso8583Message {
  const partial: Iso8583Message = { mti: '', fields: new Map() };
  if (buf.length < 4) throw new Iso8583Error(0, 'message shorter than the MTI', 0, partial);
  const mti = String.fromCharCode(...buf.subarray(0, 4));
  if (!MTI_PATTERN.test(mti)) throw new Iso8583Error(0, `'${toAscii(buf.subarray(0, 4))}' is not four digits`, 0, partial);
  partial.mti = mti;
  if (buf.length < 12) throw new Iso8583Error(1, 'truncated primary bitmap', 4, partial);
  const secondary = (buf[4]! & 0x80) !== 0;
  if (secondary && buf.length < 20) throw new Iso8583Error(1, 'truncated secondary bitmap', 12, partial);
  const bitmap = buf.subarray(4, secondary ? 20 : 12);
  let pos = 4 + bitmap.length;
  for (let n = 2; n <= bitmap.length * 8; n++) {
    if ((bitmap[(n - 1) >> 3]! & (0x80 >> ((n - 1) & 7))) === 0) continue;
    if (n === 65) throw new Iso8583Error(65, 'bit 65 (tertiary bitmap) is not supported', 12, partial);
    const spec = fieldSpec(n);
    if (!spec) throw new Iso8583Error(n, 'present in the bitmap but not in the field table', pos, partial);
    const start = pos;
    let count = spec.max;
    if (spec.length !== 'fixed') {
      const digits = spec.length === 'llvar' ? 2 : 3;
      count = readDigits(buf, pos, digits, n, partial);
      pos += digits;
      if (count > spec.max) throw new Iso8583Error(n, `length ${count} exceeds the maximum ${spec.max}`, start, partial);
    }
    if (pos + count > buf.length) {
      throw new Iso8583Error(n, `needs ${count} bytes but only ${buf.length - pos} remain`, start, partial);
    }
    const raw = buf.subarray(pos, pos + count);
    if (spec.format === 'b') {
      partial.fields.set(n, Uint8Array.from(raw));
    } else {
      const text = String.fromCharCode(...raw);
      if (!FORMAT_PATTERNS[spec.format].test(text)) {
        throw new Iso8583Error(n, `'${toAscii(raw)}' is not valid ${spec.format} data`, pos, partial);
      }
      partial.fields.set(n, text);
    }
    pos += count;
  }
  if (pos !== buf.length) throw new Iso8583Error(1, `${buf.length - pos} bytes after the last field`, pos, partial);
  return partial;
}

/** Field accessors that name the field when it is missing or of the wrong kind. */
export function textField(message: Iso8583Message, n: number): string {
  const v = message.fields.get(n);
  if (v === undefined) throw new Iso8583Error(n, 'mandatory field missing', 0, message);
  if (typeof v !== 'string') throw new Iso8583Error(n, 'expected a character field', 0, message);
  return v;
}

export function optionalText(message: Iso8583Message, n: number): string | undefined {
  const v = message.fields.get(n);
  return typeof v === 'string' ? v : undefined;
}

export function optionalBytes(message: Iso8583Message, n: number): Bytes | undefined {
  const v = message.fields.get(n);
  return v instanceof Uint8Array ? v : undefined;
}
