/**
 * The contactless inspector: reads a contactless card the way a reader would,
 * without being a payment kernel. Entry Point (Book B, src/terminal/entry-point)
 * selects the application from the PPSE; the inspector, plugged into Entry
 * Point's kernel port for every combination, then sends GET PROCESSING OPTIONS
 * with a PDOL filled from configurable terminal data (TTQ, amount, UN, country,
 * currency, date, type), READ RECORD of every AFL record, and, where the data
 * allows, offline data authentication (inspector-oda.ts). It never sends
 * GENERATE AC, never decides approval, and its Outcome carries status N/A: the
 * kernel books (C-2..C-7 licensed against software implementation, C-8 not
 * public) are not implemented, see docs/contactless.md.
 */
import { randomBytes } from 'node:crypto';
import { type Bytes, bcd, fromHex, toHex, yymmdd } from '../../apdu/index.js';
import { buildDolData, parseDol } from '../../apdu/index.js';
import { exchange } from '../../apdu/index.js';
import { tryDecodeTlv } from '../../apdu/index.js';
import { type Tlv, findTag, flattenTlv } from '../../apdu/index.js';
import type { CardTransport } from '../../apdu/index.js';
import { type CapkStore, loadCapkFile, loadDefaultCapks } from '../../crypto/index.js';
import { type Combination, type ContactlessKernel, EntryPoint, type EntryPointResult, type KernelActivation, type Outcome, blankParameters } from '../entry-point/index.js';
import { NotIsoDepCardError, classifyContactlessAtr } from './contactless-atr.js';
import { type InspectorOda, inspectOda, odaRecordsOf } from './inspector-oda.js';

export const INSPECTOR_LABEL = 'emvsim contactless inspector: reads and decodes; not an EMV contactless kernel, no payment decision';

/** Terminal data the PDOL (and the DDOL) is filled from. */
export interface InspectorTerminalData {
  /** Terminal Transaction Qualifiers (9F66), 4 bytes hex; Entry Point's copy (§3.1.1.2-12) is what is sent. */
  ttq: string;
  /** Amount, Authorised in minor units. */
  amount: number;
  amountOther: number;
  /** 9F1A and 5F2A, ISO numeric 4 digits. */
  country: string;
  currency: string;
  currencyExponent: number;
  /** 9A, YYMMDD (default: today, UTC). */
  date?: string;
  /** 9C. */
  transactionType: number;
  /** 9F37, 4 bytes hex (default: random). */
  unpredictableNumber?: string;
  terminalType: string;
  terminalCapabilities: string;
  additionalTerminalCapabilities: string;
}

export const DEFAULT_TERMINAL_DATA: InspectorTerminalData = {
  // EMV mode, online PIN and signature supported, ODA for online (Book A Table 5-4 bits).
  ttq: '27000000',
  amount: 100,
  amountOther: 0,
  country: '0276',
  currency: '0978',
  currencyExponent: 2,
  transactionType: 0x00,
  terminalType: '22',
  terminalCapabilities: 'E0F8C8',
  additionalTerminalCapabilities: '6000F0A001',
};

/** Entry Point configuration shared by the inspector's combinations (Book B §3.1: limits in minor units). */
export type CombinationLimits = Pick<Combination, 'readerContactlessTransactionLimit' | 'readerContactlessFloorLimit' | 'readerCvmRequiredLimit' | 'statusCheckSupport' | 'zeroAmountAllowed'>;

/** Reader combinations of the inspector: the default kernels of Book B Table 3-6, all handled by the inspector. */
export function defaultCombinations(ttq: string, limits: CombinationLimits = {}): Combination[] {
  return [['A000000004', '02'], ['A000000003', '03'], ['A000000025', '04'], ['A000000065', '05'], ['A000000152', '06'], ['A000000333', '07']].map(([aid, kernelId]) => ({ aid: aid!, kernelId: kernelId!, ttq, extendedSelectionSupport: true, ...limits }));
}

export interface InspectedRecord {
  sfi: number;
  record: number;
  sw: string;
  hex: string;
  tlv: Tlv[] | undefined;
  oda: boolean;
}

export interface InspectedApplication {
  adfName: string;
  kernelId: string;
  fci: Tlv[] | undefined;
  pdol: string | undefined;
  pdolData: string;
  /** Terminal data the PDOL asked for, tag -> hex. */
  terminalData: Record<string, string>;
  gpo: { sw: string; tlv: Tlv[] | undefined; error?: string };
  records: InspectedRecord[];
  oda: InspectorOda | undefined;
}

export interface ContactlessInspection {
  label: string;
  atr: string;
  protocol: string;
  entryPoint: EntryPointResult;
  application: InspectedApplication | undefined;
}

export interface InspectOptions {
  terminal?: Partial<InspectorTerminalData>;
  /** Reader combinations (default: defaultCombinations with `limits`). */
  combinations?: Combination[];
  limits?: CombinationLimits;
  capks?: CapkStore;
  /** Extra CAPK files (scripts/capk format) added to the default store. */
  capkFiles?: string[];
  /** Send INTERNAL AUTHENTICATE for a DDA card (default true; read-only for the card's counters). */
  internalAuthenticate?: boolean;
  /** Randomness for the UN (deterministic runs). */
  random?: (n: number) => Bytes;
  now?: () => Date;
}

const tryTlv = tryDecodeTlv;

const sw = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');

/** The terminal data source for DOLs (Book 3 §5.4: the DOL builder pads or truncates). */
function terminalSource(t: InspectorTerminalData, ttq: Bytes, un: Bytes, date: string): (tag: string) => Bytes | undefined {
  const values: Record<string, Bytes> = {
    '9F66': ttq,
    '9F02': bcd(t.amount, 6),
    '9F03': bcd(t.amountOther, 6),
    '9F1A': fromHex(t.country),
    '5F2A': fromHex(t.currency),
    '5F36': Uint8Array.of(t.currencyExponent),
    '9A': fromHex(date),
    '9C': Uint8Array.of(t.transactionType),
    '9F37': un,
    '9F35': fromHex(t.terminalType),
    '9F33': fromHex(t.terminalCapabilities),
    '9F40': fromHex(t.additionalTerminalCapabilities),
  };
  return (tag) => values[tag];
}

class InspectorKernel implements ContactlessKernel {
  readonly name = 'emvsim inspector';
  constructor(readonly kernelId: string, private readonly run: (a: KernelActivation) => Promise<Outcome>) {}
  activate(a: KernelActivation): Promise<Outcome> {
    return this.run(a);
  }
}

/** Inspects the contactless card behind `card` (see the file comment). */
export async function inspectContactless(card: CardTransport, options: InspectOptions = {}): Promise<ContactlessInspection> {
  const t: InspectorTerminalData = { ...DEFAULT_TERMINAL_DATA, ...options.terminal };
  const random = options.random ?? ((n: number) => new Uint8Array(randomBytes(n)));
  const date = t.date ?? yymmdd((options.now ?? (() => new Date()))());
  const un = t.unpredictableNumber ? fromHex(t.unpredictableNumber) : random(4);
  const combinations = options.combinations ?? defaultCombinations(t.ttq, options.limits);
  const capks = options.capks ?? loadDefaultCapks();
  for (const f of options.capkFiles ?? []) loadCapkFile(f, capks);
  let atr: Bytes = new Uint8Array(0);
  let application: InspectedApplication | undefined;

  const kernelRun = async (a: KernelActivation): Promise<Outcome> => {
    const source = terminalSource(t, a.indicators.ttq ?? fromHex(t.ttq), un, date);
    application = await readApplication(a, source, capks, options.internalAuthenticate ?? true, date);
    const read = application.gpo.sw === '9000';
    return {
      parameters: { ...blankParameters(), status: read ? 'n/a' : 'end-application', uiRequestOnOutcomePresent: true },
      uiRequestOnOutcome: read ? { messageId: 0x17, status: 'card-read-successfully' } : { messageId: 0x1c, status: 'ready-to-read' },
    };
  };
  const ids = [...new Set(combinations.map((c) => c.kernelId.toUpperCase()))];
  const entryPoint = new EntryPoint({
    card,
    combinations,
    kernels: ids.map((id) => new InspectorKernel(id, kernelRun)),
    proximity: {
      activate: async (c) => {
        atr = await c.coldReset();
        if (classifyContactlessAtr(atr) === 'storage-card') throw new NotIsoDepCardError(atr);
        return 'ready';
      },
    },
  });
  const result = await entryPoint.start({ amountAuthorised: t.amount, amountOther: t.amountOther, transactionType: t.transactionType, currencyExponent: t.currencyExponent });
  return { label: INSPECTOR_LABEL, atr: toHex(atr), protocol: card.protocol, entryPoint: result, application };
}

async function readApplication(a: KernelActivation, source: (tag: string) => Bytes | undefined, capks: CapkStore, internalAuthenticate: boolean, date: string): Promise<InspectedApplication> {
  const fci = a.fci ? tryTlv(a.fci) : undefined;
  const pdol = fci ? findTag(fci, '9F38')?.value : undefined;
  const app: InspectedApplication = { adfName: toHex(a.adfName), kernelId: toHex(a.kernelId), fci, pdol: pdol ? toHex(pdol) : undefined, pdolData: '', terminalData: {}, gpo: { sw: '', tlv: undefined }, records: [], oda: undefined };
  let pdolData: Bytes = new Uint8Array(0);
  if (pdol) {
    try {
      const entries = parseDol(pdol);
      pdolData = buildDolData(entries, source);
      for (const e of entries) app.terminalData[e.tag] = source(e.tag) ? toHex(source(e.tag)!) : '(not known to the inspector: zeros)';
    } catch (err) {
      app.gpo.error = `PDOL: ${(err as Error).message}; GPO sent with an empty template`;
    }
  }
  app.pdolData = toHex(pdolData);
  const cmd = new Uint8Array([0x80, 0xa8, 0x00, 0x00, pdolData.length + 2, 0x83, pdolData.length, ...pdolData, 0x00]);
  const gpo = await exchange(a.card, cmd);
  app.gpo.sw = sw(gpo.sw);
  app.gpo.tlv = tryTlv(gpo.data);
  if (gpo.sw !== 0x9000 || !app.gpo.tlv) return app;
  const top = app.gpo.tlv[0]!;
  const gpoValues = flattenTlv(app.gpo.tlv);
  const aip = top.tag === '80' ? top.value.subarray(0, 2) : gpoValues.get('82');
  const afl = top.tag === '80' ? top.value.subarray(2) : (gpoValues.get('94') ?? new Uint8Array(0));
  const raw = new Map<string, Bytes>();
  const tags = new Map<string, Bytes>(gpoValues);
  for (let i = 0; i + 4 <= afl.length; i += 4) {
    const sfi = afl[i]! >> 3;
    for (let rec = afl[i + 1]!; rec <= afl[i + 2]! && rec > 0; rec++) {
      const r = await exchange(a.card, Uint8Array.of(0x00, 0xb2, rec, (sfi << 3) | 4, 0x00));
      const tlv = r.sw === 0x9000 ? tryTlv(r.data) : undefined;
      app.records.push({ sfi, record: rec, sw: sw(r.sw), hex: toHex(r.data), tlv, oda: rec - afl[i + 1]! < afl[i + 3]! });
      if (r.sw !== 0x9000) continue;
      raw.set(`${sfi}:${rec}`, r.data);
      if (tlv) for (const [k, v] of flattenTlv(tlv)) if (!tags.has(k)) tags.set(k, v);
    }
  }
  for (const [k, v] of flattenTlv(fci ?? [])) if (!tags.has(k)) tags.set(k, v);
  app.oda = await inspectOda({
    adfName: a.adfName,
    aip,
    tags,
    odaRecords: odaRecordsOf(afl, raw),
    gpoSignature: gpoValues.get('9F4B'),
    transactionDate: date,
    capks,
    terminalValue: source,
    internalAuthenticate: internalAuthenticate
      ? async (ddolData) => {
          const r = await exchange(a.card, new Uint8Array([0x00, 0x88, 0x00, 0x00, ddolData.length, ...ddolData, 0x00]));
          const tlv = tryTlv(r.data);
          const sig = tlv ? (tlv[0]?.tag === '80' ? tlv[0].value : findTag(tlv, '9F4B')?.value) : undefined;
          return { sw: r.sw, signature: sig };
        }
      : undefined,
  });
  return app;
}
