/**
 * Data Object Lists (EMV 4.4 Book 3 §5.4): PDOL '9F38', CDOL1/2 '8C'/'8D',
 * TDOL '97', DDOL '9F49'. A DOL is a list of (tag, length) entries without
 * values; the terminal answers it with the concatenated values, each fitted to
 * the requested length, and the card splits that data back by the same list.
 */
import { type Bytes, fromHex } from './bytes.js';
import { TlvError } from './errors.js';
import { isConstructedTag, readLength, readTag } from './tlv.js';
import { lookupTag } from './tags.js';

const MAX_DOL_ENTRY_LENGTH = 255;

export interface DolEntry {
  /** Tag in uppercase hex. */
  tag: string;
  /** Requested value length in bytes. */
  length: number;
  /** Offset of the entry's tag inside the DOL. */
  offset: number;
}

/**
 * Parses a DOL: tags as in BER-TLV (Annex B1), each followed by a length
 * coded as a BER length field (Annex B2; one byte in practice, at most 255).
 * A truncated or oversized entry is a TlvError with the entry's offset (plus
 * `baseOffset`).
 */
export function parseDol(input: Bytes | string, baseOffset = 0): DolEntry[] {
  const dol = typeof input === 'string' ? fromHex(input) : input;
  const entries: DolEntry[] = [];
  let pos = 0;
  while (pos < dol.length) {
    const start = pos;
    const { tag, size } = readTag(dol, pos, baseOffset);
    pos += size;
    if (pos >= dol.length) throw new TlvError(`DOL entry ${tag} has no length`, baseOffset + start);
    const { length, size: lengthSize } = readLength(dol, pos, baseOffset);
    // A DOL asks for at most 255 bytes per element (a one-byte length, or 81 xx).
    if (length > MAX_DOL_ENTRY_LENGTH) {
      throw new TlvError(`DOL entry ${tag} requests ${length} bytes (at most ${MAX_DOL_ENTRY_LENGTH})`, baseOffset + start);
    }
    pos += lengthSize;
    entries.push({ tag, length, offset: baseOffset + start });
  }
  return entries;
}

/** Total length of the data a DOL asks for. */
export function dolDataLength(dol: readonly DolEntry[]): number {
  return dol.reduce((n, e) => n + e.length, 0);
}

/**
 * Fits one value to a DOL entry's length by the rules of Book 3 §5.4:
 * - longer than requested: numeric (n) values lose their leftmost bytes (the
 *   rightmost digits are kept), all other formats lose their rightmost bytes;
 * - shorter: n is padded with leading hex zeroes, cn with trailing hex 'FF's,
 *   every other format with trailing hex zeroes.
 */
export function fitDolValue(tag: string, value: Bytes, length: number): Bytes {
  if (value.length === length) return value;
  const format = lookupTag(tag)?.format ?? 'b';
  if (value.length > length) {
    return format === 'n' ? value.slice(value.length - length) : value.slice(0, length);
  }
  const out = new Uint8Array(length);
  if (format === 'n') {
    out.set(value, length - value.length);
  } else {
    out.set(value, 0);
    if (format === 'cn') out.fill(0xff, value.length);
  }
  return out;
}

/**
 * Builds the data for a DOL (Book 3 §5.4): for each entry the value from
 * `source`, fitted by `fitDolValue`; a data object the terminal does not have,
 * and any constructed tag, is sent as hex zeroes of the requested length.
 */
export function buildDolData(dol: readonly DolEntry[] | Bytes | string, source: (tag: string) => Bytes | undefined): Bytes {
  const entries = Array.isArray(dol) ? (dol as readonly DolEntry[]) : parseDol(dol as Bytes | string);
  const out = new Uint8Array(dolDataLength(entries));
  let pos = 0;
  for (const { tag, length } of entries) {
    const value = isConstructedTag(tag) ? undefined : source(tag);
    if (value !== undefined) out.set(fitDolValue(tag, value, length), pos);
    pos += length; // absent: the zeroes already there
  }
  return out;
}

/**
 * Splits DOL-related data back into values, in DOL order (the card's side of
 * §5.4: it knows the list it asked for). Data shorter or longer than the DOL
 * requests is a TlvError at the offset where the data stops matching.
 */
export function parseDolData(dol: readonly DolEntry[] | Bytes | string, input: Bytes | string): Map<string, Bytes> {
  const entries = Array.isArray(dol) ? (dol as readonly DolEntry[]) : parseDol(dol as Bytes | string);
  const data = typeof input === 'string' ? fromHex(input) : input;
  const out = new Map<string, Bytes>();
  let pos = 0;
  for (const { tag, length } of entries) {
    if (pos + length > data.length) {
      throw new TlvError(`DOL data ends inside the value of ${tag} (${length} bytes requested, ${data.length - pos} left)`, pos);
    }
    if (!out.has(tag)) out.set(tag, data.slice(pos, pos + length));
    pos += length;
  }
  if (pos !== data.length) throw new TlvError(`DOL data has ${data.length - pos} bytes beyond the ${pos} the DOL requests`, pos);
  return out;
}

/** Encodes DOL entries back to bytes (tag + one-byte or BER length). */
export function encodeDol(entries: readonly { tag: string; length: number }[]): Bytes {
  const parts: number[] = [];
  for (const { tag, length } of entries) {
    parts.push(...fromHex(tag));
    if (length < 0x80) parts.push(length);
    else if (length <= 0xff) parts.push(0x81, length);
    else throw new RangeError(`DOL entry ${tag}: length ${length} is too large`);
  }
  return Uint8Array.from(parts);
}
