/**
 * Combination Selection (EMV Book B v2.x §3.3): the PPSE directory, matching
 * its entries against the reader's Combinations {AID, Kernel ID}, and Final
 * Combination Selection (priority order, Extended Selection, the SELECT (AID)
 * command). Requirement numbers as tagged in emerald79/libpay
 * src/libemv/emv_ep.c. Pure functions: Entry Point (entry-point.ts) sends the
 * commands.
 */
import { type Bytes, ascii, concat, equal, fromHex, toHex } from '../../apdu/index.js';
import { EmvsimError } from '../../apdu/index.js';
import { parseDol } from '../../apdu/index.js';
import { type Tlv, decodeTlv, findTag } from '../../apdu/index.js';
import type { Combination, PreProcessingIndicators } from './pre-processing.js';

export const PPSE_NAME = ascii('2PAY.SYS.DDF01');

/** One Directory Entry (61) of the PPSE FCI. */
export interface DirectoryEntry {
  /** Position in the PPSE, 0-based (§3.3.3.2 "order"). */
  order: number;
  adfName: Bytes | undefined;
  label: string | undefined;
  /** Application Priority Indicator (87), raw byte. */
  priority: number | undefined;
  /** Kernel Identifier (9F2A) value, possibly empty. */
  kernelIdentifier: Bytes | undefined;
  extendedSelection: Bytes | undefined;
}

/** The PPSE FCI could not be parsed: Entry Point treats it as a PPSE without entries (§3.3.2.4). */
export class PpseFormatError extends EmvsimError {
  constructor(message: string) {
    super('PPSE_FORMAT', `PPSE FCI: ${message}`);
  }
}

/** The Directory Entries of a PPSE FCI: 6F { A5 { BF0C { 61* } } } (Book B §3.3.2). Throws PpseFormatError. */
export function parsePpse(fci: Bytes): DirectoryEntry[] {
  let tlv: Tlv[];
  try {
    tlv = decodeTlv(fci);
  } catch (err) {
    throw new PpseFormatError(err instanceof Error ? err.message : String(err));
  }
  const a5 = tlv[0]?.tag === '6F' ? findTag(tlv[0].children ?? [], 'A5') : undefined;
  const bf0c = a5 ? findTag(a5.children ?? [], 'BF0C') : undefined;
  if (!bf0c) return [];
  const entries: DirectoryEntry[] = [];
  for (const t of bf0c.children ?? []) {
    if (t.tag !== '61' || !t.children) continue;
    const get = (tag: string) => t.children!.find((c) => c.tag === tag)?.value;
    const label = get('50');
    const priority = get('87');
    entries.push({
      order: entries.length,
      adfName: get('4F'),
      label: label ? String.fromCharCode(...label) : undefined,
      priority: priority && priority.length === 1 ? priority[0] : undefined,
      kernelIdentifier: get('9F2A'),
      extendedSelection: get('9F29'),
    });
  }
  return entries;
}

/**
 * Default Kernel IDs by RID when the card gives no Kernel Identifier (Book B Table 3-6):
 * Mastercard 2, Visa 3, American Express 4, JCB 5, Discover 6, UnionPay 7. Any other RID has
 * no default (Requested Kernel ID 0: any kernel). Two open implementations reproduce the table:
 * openemv/emv-utils src/emv_ep.c ("Book B v2.11, 3.3.2.5, table 3-6", schemes by RID in
 * src/emv_fields.c: Discover A000000152) and emerald79/libpay src/libemv/emv_ep.c
 * rid_to_kernel_id, whose Discover row reads A000000015, not a Discover RID (D-PAS AIDs are
 * A0000001523010/4010): emvsim follows openemv there. openemv also maps Discover Zip
 * (A000000324) to 6; whether Table 3-6 lists that RID is not settled publicly, so it has no default here.
 */
const DEFAULT_KERNEL_BY_RID: ReadonlyMap<string, number> = new Map([
  ['A000000004', 2],
  ['A000000003', 3],
  ['A000000025', 4],
  ['A000000065', 5],
  ['A000000152', 6],
  ['A000000333', 7],
]);

export function defaultKernelId(aid: Bytes): number {
  return DEFAULT_KERNEL_BY_RID.get(toHex(aid.subarray(0, 5))) ?? 0;
}

/**
 * Requested Kernel ID of a directory entry (§3.3.2.5 C), or undefined when the entry is to be
 * skipped. b8b7 of byte 1 = 00/01: byte 1; 10/11: bytes 1-3 (at least 3 bytes needed), and with
 * a zero short kernel ID the whole value (its meaning is outside Book B).
 */
export function requestedKernelId(entry: DirectoryEntry, matchingAid: Bytes): Bytes | undefined {
  const k = entry.kernelIdentifier;
  if (!k || k.length === 0) return Uint8Array.of(defaultKernelId(matchingAid));
  if ((k[0]! & 0xc0) === 0x00 || (k[0]! & 0xc0) === 0x40) return k.subarray(0, 1);
  if (k.length < 3) return undefined;
  return (k[0]! & 0x3f) !== 0 ? k.subarray(0, 3) : k;
}

/** A Combination retained for final selection (§3.3.2.5 E). */
export interface Candidate {
  /** Index of the reader combination. */
  combination: number;
  adfName: Bytes;
  aid: Bytes;
  kernelId: Bytes;
  priority: number | undefined;
  extendedSelection: Bytes | undefined;
  order: number;
  label: string | undefined;
}

function startsWith(name: Bytes, prefix: Bytes): boolean {
  return prefix.length <= name.length && equal(name.subarray(0, prefix.length), prefix);
}

/**
 * The Candidate List (§3.3.2.5): for every combination whose 'Contactless Application Not
 * Allowed' indicator is 0, every directory entry in PPSE order, bullets A-E.
 */
export function buildCandidateList(combinations: readonly Combination[], indicators: readonly (PreProcessingIndicators | undefined)[], entries: readonly DirectoryEntry[]): Candidate[] {
  const list: Candidate[] = [];
  combinations.forEach((c, index) => {
    const ind = indicators[index];
    if (!ind || ind.contactlessApplicationNotAllowed) return;
    const aid = fromHex(c.aid);
    const kernelId = fromHex(c.kernelId);
    for (const entry of entries) {
      // A: ADF Name present and coded as Book 1 §12.2.1 (5 to 16 bytes).
      const adf = entry.adfName;
      if (!adf || adf.length < 5 || adf.length > 16) continue;
      // B: full or partial match of the terminal AID.
      if (!startsWith(adf, aid)) continue;
      // C: Requested Kernel ID.
      const requested = requestedKernelId(entry, aid);
      if (!requested) continue;
      // D: zero = any kernel; otherwise equal to the combination's Kernel ID.
      const any = requested.length === 1 && requested[0] === 0;
      if (!any && !equal(requested, kernelId)) continue;
      // E: add the combination.
      list.push({ combination: index, adfName: adf, aid, kernelId, priority: entry.priority, extendedSelection: entry.extendedSelection, order: entry.order, label: entry.label });
    }
  });
  return list;
}

/** Priority rank of an Application Priority Indicator: b4-b1, 0 or absent = lowest (§3.3.3.2). */
function rank(priority: number | undefined): number {
  const p = (priority ?? 0) & 0x0f;
  return p === 0 ? 16 : p;
}

/**
 * The candidate Final Combination Selection picks (§3.3.3.1, §3.3.3.2): the only one; else the
 * highest priority; among equals the lowest PPSE order (then the first configured combination).
 */
export function chooseCandidate(list: readonly Candidate[]): Candidate | undefined {
  let best: Candidate | undefined;
  for (const c of list) {
    if (!best || rank(c.priority) < rank(best.priority) || (rank(c.priority) === rank(best.priority) && c.order < best.order)) best = c;
  }
  return best;
}

/** The candidate list without `chosen` (§3.3.3.5, §3.4.1.1, §3.5.1.4: return to Start C). */
export function removeCandidate(list: readonly Candidate[], chosen: Candidate): Candidate[] {
  return list.filter((c) => c !== chosen);
}

/**
 * The data field of the final SELECT (AID): the ADF Name, with the Extended Selection appended
 * when the card gave one and the combination supports it (§3.3.3.3, §3.3.3.4).
 */
export function finalSelectName(candidate: Candidate, combination: Combination): Bytes {
  if (candidate.extendedSelection && candidate.extendedSelection.length > 0 && combination.extendedSelectionSupport === true) {
    return concat(candidate.adfName, candidate.extendedSelection);
  }
  return candidate.adfName;
}

/** SELECT by name, first occurrence, FCI requested (Book 1 §11.3.2). */
export function selectCommand(name: Bytes): Bytes {
  return concat(Uint8Array.of(0x00, 0xa4, 0x04, 0x00, name.length), name, Uint8Array.of(0x00));
}

/**
 * §3.3.3.6: a Visa AID selected for Kernel 3 whose FCI has no PDOL or a PDOL without 9F66
 * goes to Kernel 1 when the reader has it, else the candidate is dropped (undefined).
 */
export function visaKernelAdjustment(candidate: Candidate, fci: Bytes, kernel1Available: boolean): Bytes | undefined {
  const visa = toHex(candidate.adfName.subarray(0, 5)) === 'A000000003';
  if (!visa || !(candidate.kernelId.length === 1 && candidate.kernelId[0] === 0x03)) return candidate.kernelId;
  let pdol: Bytes | undefined;
  try {
    pdol = findTag(decodeTlv(fci), '9F38')?.value;
  } catch {
    pdol = undefined;
  }
  if (pdol && pdolHasTag(pdol, '9F66')) return candidate.kernelId;
  return kernel1Available ? Uint8Array.of(0x01) : undefined;
}

function pdolHasTag(pdol: Bytes, tag: string): boolean {
  try {
    return parseDol(pdol).some((e) => e.tag === tag);
  } catch {
    return false; // a malformed PDOL does not ask for the TTQ
  }
}
