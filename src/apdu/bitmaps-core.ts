/**
 * Bitmap primitives shared by the named-bit tables (bitmaps.ts,
 * bitmaps-terminal.ts): the bit definition type, name index, test/set/clear
 * and the bit-by-bit explainer. Bits are numbered as the EMV tables print them:
 * byte 1 is the leftmost byte, b8 (mask 0x80) its most significant bit.
 */

export interface BitDef {
  /** camelCase identifier, stable for programs. */
  name: string;
  /** 1-based byte number as in the spec tables. */
  byte: number;
  /** Bit mask within that byte (b8 = 0x80 ... b1 = 0x01). */
  mask: number;
  /** The spec's wording. */
  description: string;
}

/** Map from bit name to its definition, for `TVR.expiredApplication` style access. */
export type BitIndex<T extends readonly BitDef[]> = { readonly [K in T[number]['name']]: BitDef };

export function bitIndex<const T extends readonly BitDef[]>(table: T): BitIndex<T> {
  const out: Record<string, BitDef> = {};
  for (const def of table) out[def.name] = def;
  return out as BitIndex<T>;
}

/** True when `bit` is set in `bytes` (a byte beyond the end counts as unset). */
export function isBitSet(bytes: Uint8Array, bit: BitDef): boolean {
  return ((bytes[bit.byte - 1] ?? 0) & bit.mask) !== 0;
}

/** Sets `bit` in place; throws a RangeError if the bitmap is too short for it. */
export function setBit(bytes: Uint8Array, bit: BitDef): void {
  if (bit.byte > bytes.length) throw new RangeError(`bit ${bit.name} is in byte ${bit.byte} of a ${bytes.length}-byte bitmap`);
  bytes[bit.byte - 1] = bytes[bit.byte - 1]! | bit.mask;
}

/** Clears `bit` in place. */
export function clearBit(bytes: Uint8Array, bit: BitDef): void {
  if (bit.byte > bytes.length) throw new RangeError(`bit ${bit.name} is in byte ${bit.byte} of a ${bytes.length}-byte bitmap`);
  bytes[bit.byte - 1] = bytes[bit.byte - 1]! & ~bit.mask;
}

/** A bitmap of `length` bytes with the given bits set. */
export function bitmapOf(length: number, bits: readonly BitDef[]): Uint8Array {
  const out = new Uint8Array(length);
  for (const b of bits) setBit(out, b);
  return out;
}

/** Definitions of the bits set in `bytes`, in table order. */
export function setBitsOf(bytes: Uint8Array, table: readonly BitDef[]): BitDef[] {
  return table.filter((b) => isBitSet(bytes, b));
}

/**
 * The spec's wording for every set bit, followed by "byte N bK: RFU" lines for
 * set bits the table does not define.
 */
export function explainBits(bytes: Uint8Array, table: readonly BitDef[]): string[] {
  const byPosition = positionIndex(table);
  const out: string[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte === 0) continue;
    for (let bit = 7; bit >= 0; bit--) {
      const mask = 1 << bit;
      if ((byte & mask) === 0) continue;
      const def = byPosition.get((i + 1) * 256 + mask);
      out.push(def ? def.description : `byte ${i + 1} b${bit + 1}: RFU bit set`);
    }
  }
  return out;
}

const positionIndexes = new WeakMap<readonly BitDef[], Map<number, BitDef>>();

/** Definitions keyed by byte * 256 + mask, built once per table. */
function positionIndex(table: readonly BitDef[]): Map<number, BitDef> {
  let index = positionIndexes.get(table);
  if (!index) {
    index = new Map(table.map((d) => [d.byte * 256 + d.mask, d] as const));
    positionIndexes.set(table, index);
  }
  return index;
}

