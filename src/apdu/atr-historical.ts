/**
 * Historical bytes of an ATR, ISO/IEC 7816-4 §8.1.1 (the category indicator,
 * COMPACT-TLV objects of Table 83, the status indicator, card capabilities of
 * Tables 86 to 88). EMV Book 1 §8.3 leaves their content to the issuer, so a
 * proprietary layout is reported as such, never rejected.
 */
import { type Bytes, toAscii, toHex } from './bytes.js';

export interface CompactTlvObject {
  /** Tag nibble (high nibble of the header byte). */
  tag: number;
  name: string;
  value: string;
  /** Human notes for the objects we decode (card capabilities, AID...). */
  notes: string[];
}

export interface HistoricalBytes {
  hex: string;
  /** Category indicator T1 (first historical byte) when present. */
  category?: number;
  categoryMeaning: string;
  objects: CompactTlvObject[];
  /** Status indicator: life cycle status (LCS) and SW1SW2, when given. */
  status?: { lcs?: number; sw?: string };
  /**
   * Why the COMPACT-TLV objects could not all be decoded (with the ATR byte
   * offset). Not an error: some card families, e.g. PC/SC Part 3 storage cards,
   * put BER-style objects after category 80.
   */
  problem?: string;
}

/** COMPACT-TLV tags (ISO/IEC 7816-4 Table 83). */
const COMPACT_TAGS: Record<number, string> = {
  0x1: 'country code',
  0x2: 'issuer identification number',
  0x3: 'card service data',
  0x4: 'initial access data',
  0x5: "card issuer's data",
  0x6: 'pre-issuing data',
  0x7: 'card capabilities',
  0x8: 'status indicator',
  0xf: 'application identifier',
};

/** Decodes T1..TK; `offset` is the position of T1 in the ATR (for error offsets). */
export function decodeHistoricalBytes(bytes: Bytes, offset: number): HistoricalBytes {
  const hex = toHex(bytes);
  if (bytes.length === 0) return { hex, categoryMeaning: 'no historical bytes', objects: [] };
  const category = bytes[0]!;
  if (category === 0x00) {
    // Category 00: COMPACT-TLV objects, then a mandatory 3-byte status indicator (LCS SW1 SW2).
    if (bytes.length < 4) {
      return { hex, category, categoryMeaning: 'category 00 but too short for the status indicator', objects: [] };
    }
    const status = bytes.subarray(bytes.length - 3);
    return {
      hex,
      category,
      categoryMeaning: 'COMPACT-TLV objects followed by a status indicator (LCS, SW1 SW2)',
      ...decodeCompactTlv(bytes.subarray(1, bytes.length - 3), offset + 1),
      status: { lcs: status[0]!, sw: toHex(status.subarray(1)) },
    };
  }
  if (category === 0x80) {
    const decoded = decodeCompactTlv(bytes.subarray(1), offset + 1);
    const statusObject = decoded.objects.find((o) => o.tag === 0x8);
    const result: HistoricalBytes = { hex, category, categoryMeaning: 'COMPACT-TLV objects (status indicator optional)', ...decoded };
    if (statusObject) result.status = statusFromObject(statusObject.value);
    return result;
  }
  if (category === 0x10) {
    return { hex, category, categoryMeaning: `DIR data reference ${toHex(bytes.subarray(1, 2))}`, objects: [] };
  }
  if (category >= 0x81 && category <= 0x8f) {
    return { hex, category, categoryMeaning: 'reserved for future use (81..8F)', objects: [] };
  }
  return { hex, category, categoryMeaning: `proprietary format ("${toAscii(bytes)}")`, objects: [] };
}

function statusFromObject(valueHex: string): { lcs?: number; sw?: string } {
  // Table 84 uses the length: 1 byte LCS, 2 bytes SW, 3 bytes LCS + SW.
  const n = valueHex.length / 2;
  if (n === 1) return { lcs: parseInt(valueHex, 16) };
  if (n === 2) return { sw: valueHex };
  if (n === 3) return { lcs: parseInt(valueHex.slice(0, 2), 16), sw: valueHex.slice(2) };
  return {};
}

function decodeCompactTlv(bytes: Bytes, offset: number): { objects: CompactTlvObject[]; problem?: string } {
  const out: CompactTlvObject[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const header = bytes[pos]!;
    const tag = header >> 4;
    const length = header & 0x0f;
    if (pos + 1 + length > bytes.length) {
      const problem = `COMPACT-TLV object ${toHex(Uint8Array.of(header))} declares ${length} bytes, ${bytes.length - pos - 1} remain (ATR byte offset ${offset + pos})`;
      return { objects: out, problem };
    }
    const value = bytes.subarray(pos + 1, pos + 1 + length);
    out.push({ tag, name: COMPACT_TAGS[tag] ?? 'unknown', value: toHex(value), notes: notesFor(tag, value) });
    pos += 1 + length;
  }
  return { objects: out };
}

function notesFor(tag: number, value: Bytes): string[] {
  if (tag === 0x7) return cardCapabilities(value);
  if (tag === 0xf) return [`AID ${toHex(value)}`];
  if (tag === 0x1 && value.length === 2) return [`ISO 3166-1 country ${toHex(value).slice(1)}`];
  return [];
}

/** Card capabilities, ISO/IEC 7816-4 Tables 86 (selection methods), 87 (data coding) and 88. */
function cardCapabilities(v: Bytes): string[] {
  const notes: string[] = [];
  const first = v[0];
  if (first !== undefined) {
    const methods: Array<[number, string]> = [
      [0x80, 'DF selection by full DF name'],
      [0x40, 'DF selection by partial DF name'],
      [0x20, 'DF selection by path'],
      [0x10, 'DF selection by file identifier'],
      [0x08, 'implicit DF selection'],
      [0x04, 'short EF identifier supported'],
      [0x02, 'record number supported'],
      [0x01, 'record identifier supported'],
    ];
    for (const [bit, text] of methods) if (first & bit) notes.push(text);
  }
  const second = v[1];
  if (second !== undefined) notes.push(`data coding byte ${toHex(Uint8Array.of(second))}`);
  const third = v[2];
  if (third !== undefined) {
    if (third & 0x80) notes.push('command chaining');
    if (third & 0x40) notes.push('extended Lc and Le fields');
    const channels = third & 0x07;
    const assignment = (third >> 3) & 0x03;
    if (assignment !== 0) notes.push(`logical channels: up to ${channels === 7 ? '8 or more' : channels + 1}`);
    else notes.push('no logical channel');
  }
  return notes;
}
