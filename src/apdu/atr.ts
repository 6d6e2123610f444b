/**
 * Answer-To-Reset parser, ISO/IEC 7816-3 §8.2 and EMV Book 1 §8.3.
 *
 *   TS T0 {TAi TBi TCi TDi}... T1..TK [TCK]
 *
 * TS is the initial character (3B direct convention, 3F inverse convention;
 * bytes are taken as already decoded, the way readers report them). T0 holds
 * Y1 (which of TA1..TD1 follow) and K (number of historical bytes). Each TDi
 * holds Y(i+1) and a protocol type T. TCK is present whenever a protocol other
 * than T=0 is indicated (§8.2.5); the XOR of T0..TCK is then 00.
 * Every malformation is an AtrError naming the byte offset.
 */
import { type Bytes, fromHex, toHex } from './bytes.js';
import { AtrError } from './errors.js';
import { decodeHistoricalBytes, type HistoricalBytes } from './atr-historical.js';

export type { HistoricalBytes, CompactTlvObject } from './atr-historical.js';

/** One group of interface bytes: TAi TBi TCi TDi for i = index (1-based). */
export interface InterfaceByteGroup {
  index: number;
  ta?: number;
  tb?: number;
  tc?: number;
  td?: number;
  /** Protocol T the bytes of this group qualify (from TD(i-1); group 1 and 2 are global/T=0). */
  qualifies: number | 'global';
}

export interface Atr {
  /** The ATR bytes in hex. */
  hex: string;
  /** TS: 3B direct, 3F inverse (ISO/IEC 7816-3 §8.1). */
  convention: 'direct' | 'inverse';
  /** T0: Y1 indicator bits (high nibble). */
  y1: number;
  /** K: number of historical bytes (low nibble of T0). */
  historicalLength: number;
  interfaceBytes: InterfaceByteGroup[];
  /** Protocol types offered, in ATR order; [0] when no TD1 (T=0 implied, §8.2.3). T=15 is not a protocol. */
  protocols: number[];
  /** Clock rate conversion integer Fi and its factor (TA1 high nibble; default 372). */
  fi: number;
  /** Maximum clock frequency in MHz for Fi (Table 7). */
  fMaxMhz: number;
  /** Baud rate adjustment integer Di (TA1 low nibble; default 1). */
  di: number;
  /** TA1 present (else the defaults Fi=372, Di=1 apply). */
  ta1Present: boolean;
  /** TC1: extra guard time N (EMV Book 1 §8.3.3.3; 255 = minimum guard time). Default 0. */
  extraGuardTime: number;
  /** TA2 present: specific mode (§8.3 / EMV Book 1 §8.3.3.5). */
  specificMode?: { protocol: number; canChange: boolean; implicitParameters: boolean };
  /** TC2: T=0 work waiting integer WI (default 10, §10.2). */
  workWaitingIntegerT0: number;
  /** T=1 parameters from the first TA/TB/TC qualified by T=1 (§11.4). */
  t1?: { ifsc: number; bwi: number; cwi: number; errorDetection: 'LRC' | 'CRC' };
  /** Global interface bytes qualified by T=15 (§8.3): clock stop and class indicator. */
  t15?: { clockStop: 'not supported' | 'state L' | 'state H' | 'no preference'; classes: string[] };
  /** Historical bytes T1..TK, raw and decoded (ISO/IEC 7816-4 §8.1.1). */
  historical: HistoricalBytes;
  /** TCK when present (always checked: XOR T0..TCK = 00). */
  tck?: number;
}

/** Fi and f(max) by the high nibble of TA1 (ISO/IEC 7816-3 Table 7); undefined = RFU. */
const FI_TABLE: ReadonlyArray<readonly [number, number] | undefined> = [
  [372, 4], [372, 5], [558, 6], [744, 8], [1116, 12], [1488, 16], [1860, 20], undefined,
  undefined, [512, 5], [768, 7.5], [1024, 10], [1536, 15], [2048, 20], undefined, undefined,
];
/** Di by the low nibble of TA1 (ISO/IEC 7816-3 Table 8); 0 = RFU. */
const DI_TABLE: readonly number[] = [0, 1, 2, 4, 8, 16, 32, 64, 12, 20, 0, 0, 0, 0, 0, 0];

/** ISO/IEC 7816-3 §8.2.1: at most 32 characters after TS. */
const MAX_ATR_LENGTH = 33;

export function parseAtr(input: Bytes | string): Atr {
  const b = typeof input === 'string' ? fromHex(input) : input;
  if (b.length === 0) throw new AtrError('empty ATR (missing TS)', 0);
  if (b.length > MAX_ATR_LENGTH) {
    throw new AtrError(`${b.length} bytes is longer than the ${MAX_ATR_LENGTH} allowed`, MAX_ATR_LENGTH);
  }
  const ts = b[0]!;
  if (ts !== 0x3b && ts !== 0x3f) throw new AtrError(`TS must be 3B or 3F, got ${toHex(b.subarray(0, 1))}`, 0);
  const t0 = b[1];
  if (t0 === undefined) throw new AtrError('truncated: T0 missing', 1);

  const groups: InterfaceByteGroup[] = [];
  const protocols: number[] = [];
  let pos = 2;
  let y = t0 >> 4;
  const need = (name: string): number => {
    const v = b[pos];
    if (v === undefined) throw new AtrError(`truncated: ${name} announced but missing`, pos);
    pos++;
    return v;
  };
  for (let i = 1; ; i++) {
    // Groups 1 and 2 are global; group i >= 3 is specific to the T of TD(i-1) (§8.2.3).
    const prevTd = groups[i - 2]?.td;
    const qualifies: number | 'global' = i <= 2 || prevTd === undefined ? 'global' : prevTd & 0x0f;
    const group: InterfaceByteGroup = { index: i, qualifies };
    if (y & 0x1) group.ta = need(`TA${i}`);
    if (y & 0x2) group.tb = need(`TB${i}`);
    if (y & 0x4) group.tc = need(`TC${i}`);
    if (y & 0x8) group.td = need(`TD${i}`);
    groups.push(group);
    if (group.td === undefined) break;
    const t = group.td & 0x0f;
    // T=15 only qualifies global interface bytes; it is not a protocol.
    if (t !== 15 && !protocols.includes(t)) protocols.push(t);
    y = group.td >> 4;
  }
  if (protocols.length === 0) protocols.push(0);

  const k = t0 & 0x0f;
  const histStart = pos;
  if (histStart + k > b.length) {
    throw new AtrError(`truncated: ${k} historical bytes announced, ${b.length - histStart} present`, b.length);
  }
  const historicalBytes = b.subarray(histStart, histStart + k);
  pos = histStart + k;

  // §8.2.5: TCK absent if only T=0 is indicated; present in all other cases (T=15 included).
  const tckRequired = groups.some((g) => g.td !== undefined && (g.td & 0x0f) !== 0);
  let tck: number | undefined;
  if (tckRequired) {
    if (pos >= b.length) throw new AtrError('truncated: TCK missing (a protocol other than T=0 is indicated)', pos);
    tck = b[pos]!;
    let x = 0;
    for (let i = 1; i <= pos; i++) x ^= b[i]!;
    if (x !== 0) {
      throw new AtrError(`TCK ${toHex(Uint8Array.of(tck))} is wrong: XOR of T0..TCK is ${toHex(Uint8Array.of(x))}, expected 00`, pos);
    }
    pos++;
  }
  if (pos < b.length) throw new AtrError(`${b.length - pos} unexpected byte(s) after the ATR`, pos);

  return {
    hex: toHex(b),
    convention: ts === 0x3b ? 'direct' : 'inverse',
    y1: t0 >> 4,
    historicalLength: k,
    interfaceBytes: groups,
    protocols,
    ...decodeGlobalBytes(groups),
    historical: decodeHistoricalBytes(historicalBytes, histStart),
    ...(tck !== undefined ? { tck } : {}),
  };
}

type GlobalFields = Pick<
  Atr,
  'fi' | 'fMaxMhz' | 'di' | 'ta1Present' | 'extraGuardTime' | 'specificMode' | 'workWaitingIntegerT0' | 't1' | 't15'
>;

/** Offset of TA1 inside the ATR: TS and T0 come first. */
const TA1_OFFSET = 2;

function decodeGlobalBytes(groups: InterfaceByteGroup[]): GlobalFields {
  const g1 = groups[0]!;
  let fi = 372;
  let fMaxMhz = 5;
  let di = 1;
  if (g1.ta !== undefined) {
    const f = FI_TABLE[g1.ta >> 4];
    const d = DI_TABLE[g1.ta & 0x0f]!;
    if (!f) throw new AtrError(`TA1 ${hex1(g1.ta)}: Fi index ${g1.ta >> 4} is reserved`, TA1_OFFSET);
    if (d === 0) throw new AtrError(`TA1 ${hex1(g1.ta)}: Di index ${g1.ta & 0x0f} is reserved`, TA1_OFFSET);
    [fi, fMaxMhz] = f;
    di = d;
  }
  const out: GlobalFields = {
    fi,
    fMaxMhz,
    di,
    ta1Present: g1.ta !== undefined,
    extraGuardTime: g1.tc ?? 0,
    workWaitingIntegerT0: 10,
  };
  const g2 = groups[1];
  if (g2?.ta !== undefined) {
    out.specificMode = {
      protocol: g2.ta & 0x0f,
      canChange: (g2.ta & 0x80) === 0,
      implicitParameters: (g2.ta & 0x10) !== 0,
    };
  }
  if (g2?.tc !== undefined) out.workWaitingIntegerT0 = g2.tc;

  // §11.4: the first TA/TB/TC for T=1 (group 3 or later) carry IFSC, BWI/CWI and the EDC type.
  const t1Groups = groups.filter((g) => g.index >= 3 && g.qualifies === 1);
  if (t1Groups.length > 0) {
    const ta = t1Groups.find((g) => g.ta !== undefined)?.ta;
    const tb = t1Groups.find((g) => g.tb !== undefined)?.tb;
    const tc = t1Groups.find((g) => g.tc !== undefined)?.tc;
    out.t1 = {
      ifsc: ta ?? 32,
      bwi: tb !== undefined ? tb >> 4 : 4,
      cwi: tb !== undefined ? tb & 0x0f : 13,
      errorDetection: tc !== undefined && (tc & 1) === 1 ? 'CRC' : 'LRC',
    };
  }
  // §8.3: the first TA after T=15 is the clock stop / class indicator.
  const t15ta = groups.find((g) => g.index >= 3 && g.qualifies === 15 && g.ta !== undefined)?.ta;
  if (t15ta !== undefined) {
    const stops = ['not supported', 'state L', 'state H', 'no preference'] as const;
    const classes: string[] = [];
    if (t15ta & 0x01) classes.push('A (5 V)');
    if (t15ta & 0x02) classes.push('B (3 V)');
    if (t15ta & 0x04) classes.push('C (1.8 V)');
    out.t15 = { clockStop: stops[t15ta >> 6]!, classes };
  }
  return out;
}

function hex1(b: number): string {
  return toHex(Uint8Array.of(b));
}
