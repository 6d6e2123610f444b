/**
 * The card's side of a data object list (EMV Book 3 §5.4): the card knows its
 * own DOL (PDOL, CDOL1, CDOL2, DDOL) and needs the expected data length and
 * the value the terminal supplied for a given tag.
 */
import type { Bytes } from '../apdu/index.js';
import { parseDol } from '../apdu/index.js';

export interface DolView {
  /** Total length of the DOL-related data the terminal must send. */
  length: number;
  /** Offset and length of each tag's value in the DOL-related data. */
  entries: Map<string, { offset: number; length: number }>;
}

/** Reads a DOL (tag + length pairs, no values). */
export function viewDol(dol: Bytes): DolView {
  const entries = new Map<string, { offset: number; length: number }>();
  let offset = 0;
  for (const { tag, length } of parseDol(dol)) {
    if (!entries.has(tag)) entries.set(tag, { offset, length });
    offset += length;
  }
  return { length: offset, entries };
}

/** The value of `tag` in DOL-related data, or undefined when the DOL does not list it. */
export function dolValue(view: DolView, data: Bytes, tag: string): Bytes | undefined {
  const e = view.entries.get(tag);
  if (!e || e.offset + e.length > data.length) return undefined;
  return data.subarray(e.offset, e.offset + e.length);
}
