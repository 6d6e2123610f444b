/**
 * What the card saw: the command/response log of a lab case (recorded at the
 * card, below whatever terminal and reader sit above it), matched against
 * plan rules and decoded for people: data the terminal sent is split by the
 * card's own DOLs (PDOL for GET PROCESSING OPTIONS, CDOL1/CDOL2 for the first
 * and second GENERATE AC, Book 3 §5.4) so that every field has a name, with
 * TVR and CVM Results bits named.
 */
import {
  commandName,
  describeReferenceControl,
  describeStatusWord,
  explainCvmResults,
  explainTvr,
  formatTlvLines,
  fromHex,
  parseDol,
  toHex,
  tryDecodeTlv,
  type Bytes,
  type TraceExchange,
  type TraceRecord,
} from './deps.js';
import type { CardExchange, CommandMatcher, Matcher } from './types.js';

/** Command names a plan may use (Book 3 §6.5, ISO/IEC 7816-4 §11). */
export const KNOWN_COMMANDS: ReadonlySet<string> = new Set([
  'SELECT',
  'READ RECORD',
  'GET PROCESSING OPTIONS',
  'GET DATA',
  'GET CHALLENGE',
  'GET RESPONSE',
  'VERIFY',
  'INTERNAL AUTHENTICATE',
  'EXTERNAL AUTHENTICATE',
  'GENERATE AC',
  'PIN CHANGE/UNBLOCK',
  'APPLICATION BLOCK',
  'APPLICATION UNBLOCK',
  'CARD BLOCK',
  'PUT DATA',
  'UPDATE RECORD',
]);

/** Field names of DOL data, by tag (Book 3 Annex A). */
export const DOL_FIELDS: Readonly<Record<string, string>> = {
  amountMinor: '9F02',
  amountOtherMinor: '9F03',
  country: '9F1A',
  currency: '5F2A',
  type: '9C',
  date: '9A',
  tvr: '95',
  cvmResults: '9F34',
  unpredictableNumber: '9F37',
  arc: '8A',
  terminalType: '9F35',
};
const FIELD_BY_TAG = new Map(Object.entries(DOL_FIELDS).map(([name, tag]) => [tag, name]));

export function commandBytes(e: CardExchange): Bytes {
  return fromHex(e.command.replace(/XX/g, '00'));
}

/** Command data of a short APDU (Lc at offset 4), or an empty array. */
export function commandData(e: CardExchange): Bytes {
  const c = commandBytes(e);
  if (c.length <= 5) return new Uint8Array(0);
  const lc = c[4]!;
  return lc !== 0 && (c.length === 5 + lc || c.length === 6 + lc) ? c.subarray(5, 5 + lc) : new Uint8Array(0);
}

/** Secure-messaging class of issuer script commands (Book 3 §6.5, Book 2 §9.2: CLA 84 / 8C / 0C / 04). */
export function isScriptCommand(e: CardExchange): boolean {
  const cla = commandBytes(e)[0]!;
  return (cla & 0x0c) !== 0 && e.name !== 'SELECT';
}

function hexPatternMatches(pattern: string, hex: string): boolean {
  const p = pattern.replace(/\s/g, '').toUpperCase();
  const star = p.endsWith('*');
  const body = star ? p.slice(0, -1) : p;
  if (star ? hex.length < body.length : hex.length !== body.length) return false;
  for (let i = 0; i < body.length; i++) if (body[i] !== 'X' && body[i] !== hex[i]) return false;
  return true;
}

function normalise(m: Matcher): CommandMatcher {
  return typeof m === 'string' ? { command: m } : m;
}

export function matches(e: CardExchange, matcher: Matcher): boolean {
  const m = normalise(matcher);
  const c = commandBytes(e);
  if (m.command !== undefined && e.name !== m.command.toUpperCase()) return false;
  if (m.script !== undefined && isScriptCommand(e) !== m.script) return false;
  if (m.cla !== undefined && !hexPatternMatches(m.cla, toHex(c.subarray(0, 1)))) return false;
  if (m.p1 !== undefined && !hexPatternMatches(m.p1, toHex(c.subarray(2, 3)))) return false;
  if (m.p2 !== undefined && !hexPatternMatches(m.p2, toHex(c.subarray(3, 4)))) return false;
  if (m.data !== undefined && !hexPatternMatches(m.data, toHex(commandData(e)))) return false;
  if (m.cryptogram !== undefined && (e.name !== 'GENERATE AC' || describeReferenceControl(c[2]!).cryptogram !== m.cryptogram)) return false;
  if (m.sw !== undefined && !hexPatternMatches(m.sw, e.sw)) return false;
  return true;
}

/** A matcher in words, for messages. */
export function describeMatcher(matcher: Matcher): string {
  const m = normalise(matcher);
  const parts: string[] = [];
  if (m.script) parts.push('issuer script command');
  parts.push(m.command ?? (m.script ? '' : 'any command'));
  if (m.cryptogram) parts.push(`requesting ${m.cryptogram}`);
  if (m.cla) parts.push(`CLA ${m.cla}`);
  if (m.p1) parts.push(`P1 ${m.p1}`);
  if (m.p2) parts.push(`P2 ${m.p2}`);
  if (m.data) parts.push(`data ${m.data}`);
  if (m.sw) parts.push(`answered ${m.sw}`);
  return parts.filter(Boolean).join(' ');
}

/** One exchange in one line: "#3 GENERATE AC (ARQC requested) -> 9000". */
export function describeExchange(e: CardExchange): string {
  const c = commandBytes(e);
  const extra = e.name === 'GENERATE AC' ? ` (${describeReferenceControl(c[2]!).text})` : e.name === 'SELECT' ? ` ${selectName(commandData(e))}` : '';
  return `run ${e.run} #${e.index} ${e.name}${extra} -> ${e.sw}`;
}

function selectName(data: Bytes): string {
  const ascii = /^[\x20-\x7e]+$/.test(Buffer.from(data).toString('latin1')) ? Buffer.from(data).toString('latin1') : undefined;
  return ascii && data.length > 4 && !/^[0-9A-F]+$/.test(ascii) ? `'${ascii}'` : toHex(data);
}

/** The DOL-related data split by the DOL (hex DOL), by tag. */
export function splitDol(dolHex: string, data: Bytes): Map<string, Bytes> {
  const out = new Map<string, Bytes>();
  let offset = 0;
  try {
    for (const { tag, length } of parseDol(dolHex.replace(/\s/g, ''))) {
      if (!out.has(tag)) out.set(tag, data.subarray(offset, Math.min(offset + length, data.length)));
      offset += length;
    }
  } catch {
    // A DOL the card cannot parse was already an error at personalisation.
  }
  return out;
}

/** The card's DOL that the data of this exchange answers, or undefined. */
export interface CardDols {
  pdol: string;
  cdol1: string;
  cdol2: string;
}

export function dolDataOf(e: CardExchange, generateAcIndex: number, dols: CardDols): Map<string, Bytes> | undefined {
  const data = commandData(e);
  if (e.name === 'GET PROCESSING OPTIONS') {
    // Command template 83 L data (Book 3 §6.5.8.3).
    return data[0] === 0x83 ? splitDol(dols.pdol, data.subarray(2)) : undefined;
  }
  if (e.name === 'GENERATE AC') return splitDol(generateAcIndex === 0 ? dols.cdol1 : dols.cdol2, data);
  return undefined;
}

/** Named, decoded lines for DOL fields (TVR and CVM Results bits named). */
export function describeFields(fields: Map<string, Bytes>): string[] {
  const lines: string[] = [];
  for (const [tag, value] of fields) {
    const name = FIELD_BY_TAG.get(tag);
    lines.push(`${tag}${name ? ` ${name}` : ''} = ${toHex(value)}`);
    if (tag === '95') lines.push(...explainTvr(value).map((l) => `    ${l}`));
    if (tag === '9F34' && value.length === 3) lines.push(...explainCvmResults(value).map((l) => `    ${l}`));
  }
  return lines;
}

/** The whole log decoded for reports. */
export function decodeLog(log: readonly CardExchange[], dols: CardDols): string[] {
  const lines: string[] = [];
  const acIndex = new Map<number, number>();
  for (const e of log) {
    const n = acIndex.get(e.run) ?? 0;
    lines.push(describeExchange(e));
    lines.push(`  > ${e.command}`);
    const fields = dolDataOf(e, n, dols);
    if (e.name === 'GENERATE AC') acIndex.set(e.run, n + 1);
    if (fields) lines.push(...describeFields(fields).map((l) => `    ${l}`));
    else if (e.command.includes('XX')) lines.push('    data masked (PIN)');
    else {
      const tlv = tryDecodeTlv(commandData(e));
      if (tlv && commandData(e).length > 0) lines.push(...formatTlvLines(tlv, '    '));
    }
    lines.push(`  < ${e.response}`);
    const data = fromHex(e.response).subarray(0, -2);
    const tlv = data.length > 0 ? tryDecodeTlv(data) : undefined;
    if (tlv) lines.push(...formatTlvLines(tlv, '    '));
    lines.push(`    ${e.sw} ${swMeaning(e.sw)}`);
  }
  return lines;
}

export function swMeaning(sw: string): string {
  try {
    return describeStatusWord(parseInt(sw, 16)).meaning;
  } catch {
    return '';
  }
}

/** Book 3 step a command belongs to (Book 3 §10 order), for the report's step strip. */
export const STEPS = [
  'selection',
  'initiate processing',
  'read data',
  'offline data authentication',
  'cardholder verification',
  'risk management',
  'action analysis',
  'online / issuer authentication',
  'issuer scripts',
  'completion',
] as const;
export type Step = (typeof STEPS)[number];

export function stepOf(e: CardExchange, generateAcIndex: number): Step {
  if (isScriptCommand(e)) return 'issuer scripts';
  switch (e.name) {
    case 'SELECT':
      return 'selection';
    case 'GET PROCESSING OPTIONS':
      return 'initiate processing';
    case 'READ RECORD':
      return 'read data';
    case 'INTERNAL AUTHENTICATE':
      return 'offline data authentication';
    case 'VERIFY':
    case 'GET CHALLENGE':
      return 'cardholder verification';
    case 'GET DATA': {
      const c = commandBytes(e);
      return c[2] === 0x9f && c[3] === 0x17 ? 'cardholder verification' : 'risk management';
    }
    case 'GENERATE AC':
      return generateAcIndex === 0 ? 'action analysis' : 'completion';
    case 'EXTERNAL AUTHENTICATE':
      return 'online / issuer authentication';
    default:
      return 'read data';
  }
}

/** The commands of one run as the card saw them, numbered from 1 (resets left out). */
export function exchangesOf(run: number, records: readonly TraceRecord[]): CardExchange[] {
  return records
    .filter((r): r is TraceExchange => r.type === 'apdu')
    .map((r, i) => {
      const c = fromHex(r.command.replace(/XX/g, '00'));
      return { run, index: i + 1, command: r.command, response: r.response, sw: r.sw, name: c.length >= 2 ? commandName(c[0]!, c[1]!) : '?', timeMs: Date.parse(r.time) };
    });
}
