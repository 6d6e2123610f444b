/**
 * BER-TLV as EMV uses it (EMV Book 3 Annex B; ISO/IEC 8825-1 subset):
 * tags of 1 to 4 bytes, definite lengths of 1 to 5 bytes (short form, 81..84),
 * constructed objects decoded recursively, '00' padding bytes skipped before,
 * between and after objects, and ISO 7816-4 'FF' filler skipped at the end of a
 * buffer (see isTlvPadding). Truncation is a TlvError
 * with the absolute offset of the object at fault; nothing is dropped silently.
 */
import { type Bytes, byteHex, concat, fromHex, toHex } from './bytes.js';
import { TlvError } from './errors.js';

export interface Tlv {
  /** Tag in uppercase hex, e.g. "9F02". */
  tag: string;
  /** Length of the value in bytes. */
  length: number;
  /** The value bytes (for constructed objects, the encoded children). */
  value: Bytes;
  /** Bit 6 of the first tag byte (Annex B1). */
  constructed: boolean;
  /** Decoded children of a constructed object. */
  children?: Tlv[];
  /** Absolute offset of the first tag byte in the decoded buffer. */
  offset: number;
}

export interface DecodeOptions {
  /** Decode constructed objects recursively (default true). */
  recursive?: boolean;
  /** Offset added to reported positions (for nested buffers). */
  baseOffset?: number;
  /**
   * Deepest nesting of constructed objects accepted (default 32; EMV templates
   * nest 4 deep at most). Deeper input is a TlvError, not a stack overflow.
   */
  maxDepth?: number;
}

const DEFAULT_MAX_DEPTH = 32;

const MAX_TAG_BYTES = 4;
const MAX_LENGTH_BYTES = 4;

/**
 * Offset where the trailing padding of `buf` begins: the bytes from there to the
 * end are all '00' or 'FF' (buf.length when the last byte is neither).
 */
function trailingPaddingStart(buf: Bytes): number {
  let i = buf.length;
  while (i > 0 && (buf[i - 1] === 0x00 || buf[i - 1] === 0xff)) i--;
  return i;
}

/**
 * True when the byte at `pos` pads between objects. Book 3 Annex B allows '00'
 * before, between and after objects. ISO 7816-4 §5.2.2.1 also lets 'FF' pad
 * (erased EEPROM at the end of a record), but 'FF' is also the first byte of
 * tags (EMV Contactless C-2 'FF81xx' templates, and 'FF 00' would be read as an
 * empty object), so an 'FF' pads only when it is the last byte or only '00'/'FF'
 * follow it to the end of the buffer. `paddingFrom` is trailingPaddingStart(buf)
 * (computed once per buffer; pass it when testing many positions).
 */
export function isTlvPadding(buf: Bytes, pos: number, paddingFrom = trailingPaddingStart(buf)): boolean {
  const b = buf[pos];
  if (b === 0x00) return true;
  return b === 0xff && pos >= paddingFrom;
}

export function isConstructedTag(tag: string | Bytes): boolean {
  const first = typeof tag === 'string' ? parseInt(tag.slice(0, 2), 16) : tag[0]!;
  return (first & 0x20) !== 0;
}

/** toHex(buf.subarray(start, end)) without the subarray: one- and two-byte tags are most of every record. */
function tagHex(buf: Bytes, start: number, end: number): string {
  if (end - start === 1) return byteHex(buf[start]!);
  if (end - start === 2) return byteHex(buf[start]!) + byteHex(buf[start + 1]!);
  return toHex(buf.subarray(start, end));
}

/** Reads a tag at `pos`; returns the tag hex and its length in bytes. */
export function readTag(buf: Bytes, pos: number, base = 0): { tag: string; size: number } {
  const start = pos;
  const first = buf[pos];
  if (first === undefined) throw new TlvError('missing tag', base + pos);
  pos++;
  if ((first & 0x1f) === 0x1f) {
    // Subsequent bytes follow while b8 is set (Annex B1).
    for (;;) {
      const b = buf[pos];
      if (b === undefined) throw new TlvError('truncated multi-byte tag', base + start);
      pos++;
      if (pos - start > MAX_TAG_BYTES) throw new TlvError(`tag longer than ${MAX_TAG_BYTES} bytes`, base + start);
      if ((b & 0x80) === 0) break;
    }
  }
  return { tag: tagHex(buf, start, pos), size: pos - start };
}

/** Reads a definite length at `pos` (Annex B2). */
export function readLength(buf: Bytes, pos: number, base = 0): { length: number; size: number } {
  const first = buf[pos];
  if (first === undefined) throw new TlvError('missing length', base + pos);
  if (first < 0x80) return { length: first, size: 1 };
  const n = first & 0x7f;
  if (n === 0) throw new TlvError('indefinite length (80) is not allowed in EMV', base + pos);
  if (n > MAX_LENGTH_BYTES) {
    const lead = first.toString(16).toUpperCase();
    throw new TlvError(`length field ${lead} announces ${n} length bytes; at most ${MAX_LENGTH_BYTES} are supported`, base + pos);
  }
  if (pos + 1 + n > buf.length) throw new TlvError('truncated length field', base + pos);
  let length = 0;
  for (let i = 0; i < n; i++) length = length * 256 + buf[pos + 1 + i]!;
  return { length, size: 1 + n };
}

/** Decodes a sequence of BER-TLV objects. */
export function decodeTlv(input: Bytes | string, options: DecodeOptions = {}): Tlv[] {
  const buf = typeof input === 'string' ? fromHex(input) : input;
  const recursive = options.recursive ?? true;
  const base = options.baseOffset ?? 0;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const out: Tlv[] = [];
  const paddingFrom = trailingPaddingStart(buf);
  let pos = 0;
  while (pos < buf.length) {
    if (isTlvPadding(buf, pos, paddingFrom)) {
      pos++;
      continue;
    }
    const start = pos;
    const { tag, size: tagSize } = readTag(buf, pos, base);
    pos += tagSize;
    const { length, size: lenSize } = readLength(buf, pos, base);
    pos += lenSize;
    if (pos + length > buf.length) {
      throw new TlvError(
        `tag ${tag} declares ${length} value bytes but only ${buf.length - pos} remain`,
        base + start,
      );
    }
    const value = buf.subarray(pos, pos + length);
    const constructed = isConstructedTag(tag);
    const obj: Tlv = { tag, length, value, constructed, offset: base + start };
    if (constructed && recursive) {
      if (maxDepth <= 0) throw new TlvError(`constructed objects nested too deeply`, base + start);
      obj.children = decodeTlv(value, { recursive, baseOffset: base + pos, maxDepth: maxDepth - 1 });
    }
    out.push(obj);
    pos += length;
  }
  return out;
}

/** Encodes a tag's length field in the shortest form. */
export function encodeLength(length: number): Bytes {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`bad length ${length}`);
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  let v = length;
  while (v > 0) {
    bytes.unshift(v & 0xff);
    v = Math.floor(v / 256);
  }
  if (bytes.length > MAX_LENGTH_BYTES) throw new RangeError(`length ${length} too large`);
  return Uint8Array.from([0x80 | bytes.length, ...bytes]);
}

/** Validated tag encodings, keyed by the tag text (encoding is hot in kernels and benchmarks). */
const tagCache = new Map<string, Bytes>();
const TAG_CACHE_LIMIT = 4096;

/** Validates tag hex (a well-formed 1..4 byte BER tag). */
export function tagBytes(tag: string): Bytes {
  return validatedTag(tag).slice();
}

/** The cached encoding of a tag; callers must not modify it. */
function validatedTag(tag: string): Bytes {
  const cached = tagCache.get(tag);
  if (cached) return cached;
  const bytes = fromHex(tag);
  const { size } = readTag(bytes, 0);
  if (size !== bytes.length) throw new TlvError(`'${tag}' is not a single well-formed tag`, 0);
  if (tagCache.size < TAG_CACHE_LIMIT) tagCache.set(tag, bytes);
  return bytes;
}

/** Encodes one object; a constructed value may be given as children. */
export function encodeTlv(tag: string, value: Bytes | Tlv[] | TlvInput[]): Bytes {
  const t = validatedTag(tag); // concat copies it
  const v = value instanceof Uint8Array ? value : encodeTlvList(value);
  return concat(t, encodeLength(v.length), v);
}

/** Minimal object description for encoding. */
export interface TlvInput {
  tag: string;
  value?: Bytes;
  children?: TlvInput[];
}

/** Encodes a list; objects with children are re-encoded from their children. */
export function encodeTlvList(list: readonly (Tlv | TlvInput)[]): Bytes {
  return concat(...list.map((o) => encodeTlv(o.tag, o.children ? o.children : (o.value ?? new Uint8Array(0)))));
}

/** First object with `tag`, searched depth-first through constructed objects. */
export function findTag(list: readonly Tlv[], tag: string): Tlv | undefined {
  const want = tag.toUpperCase();
  for (const o of list) {
    if (o.tag === want) return o;
    if (o.children) {
      const hit = findTag(o.children, want);
      if (hit) return hit;
    }
  }
  return undefined;
}

/** Every object with `tag`, depth-first. */
export function findAll(list: readonly Tlv[], tag: string): Tlv[] {
  const want = tag.toUpperCase();
  const out: Tlv[] = [];
  const walk = (l: readonly Tlv[]) => {
    for (const o of l) {
      if (o.tag === want) out.push(o);
      if (o.children) walk(o.children);
    }
  };
  walk(list);
  return out;
}

/** Object at a path of tags, e.g. ['6F', 'A5', '88']. */
export function findPath(list: readonly Tlv[], path: readonly string[]): Tlv | undefined {
  let level: readonly Tlv[] | undefined = list;
  let hit: Tlv | undefined;
  for (const t of path) {
    if (!level) return undefined;
    const want = t.toUpperCase();
    hit = level.find((o) => o.tag === want);
    if (!hit) return undefined;
    level = hit.children;
  }
  return hit;
}

/**
 * Flattens primitive objects into a tag -> value map (first occurrence wins),
 * the usual way a kernel stores the data read from the card.
 */
export function flattenTlv(list: readonly Tlv[], into: Map<string, Bytes> = new Map()): Map<string, Bytes> {
  for (const o of list) {
    if (o.children) flattenTlv(o.children, into);
    else if (!into.has(o.tag)) into.set(o.tag, o.value);
  }
  return into;
}
