/**
 * Judging a terminal scenario as a lab does: the outcome, cryptogram,
 * authorisation response code, TVR (Book 3 Annex C5) and TSI (Annex C6) with
 * the bits named, CVM results (Annex C4), PIN try counter, liability, the
 * card's state afterwards and ordered APDU assertions. Each difference is a
 * Mismatch with the expected and actual values side by side.
 */
import { type BitDef, TSI_BITS, TVR_BITS, bitmapOf, setBitsOf } from '../apdu/index.js';
import { fromHex, toHex } from '../apdu/index.js';
import { COMMAND_INS, type NonVolatileState } from '../card/index.js';
import type { TraceExchange, TraceRecord } from '../apdu/index.js';
import type { TransactionOutcome } from '../terminal/index.js';
import { hexMatches, normalisePattern } from './patterns.js';
import type { ApduAssertion, BitExpectation, Expectation, Mismatch } from './types.js';

function setBitNames(hex: string, table: readonly BitDef[]): string[] {
  return setBitsOf(fromHex(hex), table).map((b) => b.name);
}

/** "0008000000 (newCard)": the value with its set bits named. */
export function namedBits(hex: string, table: readonly BitDef[]): string {
  const names = setBitNames(hex, table);
  return `${hex}${names.length > 0 ? ` (${names.join(', ')})` : ' (no bit set)'}`;
}

/** The bitmap with the named bits set (names the scenario schema checked against the table). */
function maskOf(names: readonly string[], table: readonly BitDef[], bytes: number): Uint8Array {
  return bitmapOf(bytes, names.map((n) => table.find((d) => d.name === n)!));
}

/** Compares a TVR or TSI with its expectation; undefined when it matches. */
function compareBits(label: 'TVR' | 'TSI', expectation: BitExpectation, actualHex: string, table: readonly BitDef[], bytes: number): Mismatch | undefined {
  const actual = fromHex(actualHex);
  let value: Uint8Array;
  let mask: Uint8Array;
  let wanted: string;
  if (typeof expectation === 'string' || (!Array.isArray(expectation) && expectation.hex !== undefined)) {
    const hex = typeof expectation === 'string' ? expectation : expectation.hex!;
    value = fromHex(hex.replace(/\s/g, ''));
    mask = typeof expectation !== 'string' && expectation.mask ? fromHex(expectation.mask.replace(/\s/g, '')) : new Uint8Array(bytes).fill(0xff);
    wanted = `${namedBits(toHex(value), table)}${mask.every((m) => m === 0xff) ? '' : ` under mask ${toHex(mask)}`}`;
  } else if (Array.isArray(expectation)) {
    value = maskOf(expectation, table, bytes);
    mask = new Uint8Array(bytes).fill(0xff);
    wanted = namedBits(toHex(value), table);
  } else {
    const set = expectation.set ?? [];
    const clear = expectation.clear ?? [];
    value = maskOf(set, table, bytes);
    mask = maskOf([...set, ...clear], table, bytes);
    wanted = [set.length > 0 ? `set: ${set.join(', ')}` : '', clear.length > 0 ? `clear: ${clear.join(', ')}` : ''].filter(Boolean).join('; ');
  }
  const differing = table.filter((b) => (mask[b.byte - 1]! & b.mask) !== 0 && ((value[b.byte - 1]! ^ (actual[b.byte - 1] ?? 0)) & b.mask) !== 0);
  const rfuDiffers = mask.some((m, i) => ((value[i]! ^ (actual[i] ?? 0)) & m & ~table.filter((b) => b.byte === i + 1).reduce((a, b) => a | b.mask, 0)) !== 0);
  if (differing.length === 0 && !rfuDiffers) return undefined;
  return {
    field: label.toLowerCase(),
    expected: wanted,
    actual: namedBits(actualHex, table),
    detail: differing.map((b) => `${((actual[b.byte - 1] ?? 0) & b.mask) !== 0 ? 'unexpectedly set' : 'expected but not set'}: ${b.name} (byte ${b.byte} ${b.mask.toString(16).padStart(2, '0')}: ${b.description})`),
  };
}

function exchanges(trace: readonly TraceRecord[]): TraceExchange[] {
  return trace.filter((r): r is TraceExchange => r.type === 'apdu');
}

/** A command assertion: a command name (GENERATE AC) or a hex pattern of the C-APDU. */
function commandMatches(pattern: string, x: TraceExchange): boolean {
  const ins = COMMAND_INS[pattern.toUpperCase()];
  if (ins !== undefined) return parseInt(x.command.slice(2, 4), 16) === ins;
  return hexMatches(pattern, x.command.replace(/XX/g, '00')) || hexMatches(pattern, x.command);
}

function apduAssertions(list: readonly ApduAssertion[], trace: readonly TraceRecord[]): Mismatch[] {
  const xs = exchanges(trace);
  const out: Mismatch[] = [];
  let from = 0;
  list.forEach((a, i) => {
    const label = `${a.command ?? '(any command)'}${a.sw ? ` -> ${a.sw}` : ''}`;
    if (a.absent) {
      const hit = xs.find((x) => (a.command === undefined || commandMatches(a.command, x)) && (a.sw === undefined || hexMatches(a.sw, x.sw)));
      if (hit) out.push({ field: `apdus[${i}]`, expected: `no ${label}`, actual: `#${hit.index} ${hit.name} ${hit.command} -> ${hit.sw}` });
      return;
    }
    // Ordered: each assertion matches an exchange after the previous assertion's match.
    const at = xs.findIndex((x, k) => k >= from && (a.command === undefined || commandMatches(a.command, x)) && (a.sw === undefined || hexMatches(a.sw, x.sw)));
    if (at < 0) {
      const sameCommand = xs.slice(from).filter((x) => a.command === undefined || commandMatches(a.command, x));
      out.push({
        field: `apdus[${i}]`,
        expected: label,
        actual: sameCommand.length > 0 ? sameCommand.map((x) => `#${x.index} ${x.command} -> ${x.sw}`).join('; ') : 'no such command after the previous assertion',
      });
      return;
    }
    from = at + 1;
  });
  return out;
}

export interface Observed {
  outcome: TransactionOutcome;
  cardState: NonVolatileState;
  hostCalls: number;
  /** decidedBy of the host's last answer. */
  hostDecidedBy?: string | undefined;
}

/** Every difference between the expectation and what happened. */
export function judge(expect: Expectation, seen: Observed): Mismatch[] {
  const o = seen.outcome;
  const out: Mismatch[] = [];
  const eq = (field: string, expected: unknown, actual: unknown): void => {
    if (expected !== undefined && expected !== actual) out.push({ field, expected: String(expected), actual: actual === undefined ? '(none)' : String(actual) });
  };
  eq('outcome', expect.outcome, o.outcome);
  if (expect.reason !== undefined && !o.reason.toLowerCase().includes(expect.reason.toLowerCase())) out.push({ field: 'reason', expected: `contains '${expect.reason}'`, actual: o.reason });
  eq('cryptogram', expect.cryptogram, o.cryptogram ?? 'none');
  eq('authorisationResponseCode', expect.authorisationResponseCode, o.authorisationResponseCode);
  if (expect.tvr !== undefined) {
    const m = compareBits('TVR', expect.tvr, o.tvr, TVR_BITS, 5);
    if (m) out.push(m);
  }
  if (expect.tsi !== undefined) {
    const m = compareBits('TSI', expect.tsi, o.tsi, TSI_BITS, 2);
    if (m) out.push(m);
  }
  if (expect.cvmResults !== undefined && !hexMatches(expect.cvmResults, o.cvmResults)) {
    out.push({ field: 'cvmResults', expected: normalisePattern(expect.cvmResults), actual: o.cvmResults });
  }
  eq('pinTryCounter', expect.pinTryCounter, o.pinTryCounter);
  eq('liability', expect.liability, o.liability.party);
  if (expect.application !== undefined) eq('application', expect.application.toUpperCase(), o.application?.aid.toUpperCase());
  if (expect.hostCalled !== undefined) eq('hostCalled', expect.hostCalled, seen.hostCalls > 0);
  eq('hostDecidedBy', expect.hostDecidedBy, seen.hostDecidedBy);
  for (const [k, v] of Object.entries(expect.cardState ?? {})) eq(`cardState.${k}`, v, seen.cardState[k as keyof NonVolatileState]);
  if (expect.apdus) out.push(...apduAssertions(expect.apdus, o.trace));
  return out;
}

/** What happened, in a few lines (shown with a failure). */
export function summarise(o: TransactionOutcome): string[] {
  return [
    `outcome ${o.outcome}: ${o.reason}`,
    `cryptogram ${o.cryptogram ?? 'none'}  ARC ${o.authorisationResponseCode ?? '-'}  CVM results ${o.cvmResults}  PIN try counter ${o.pinTryCounter ?? '-'}  liability ${o.liability.party}`,
    `TVR ${namedBits(o.tvr, TVR_BITS)}`,
    `TSI ${namedBits(o.tsi, TSI_BITS)}`,
  ];
}
