/**
 * Exploring a card over any CardTransport (emulated card, PC/SC reader, vpcd):
 * SELECT the PSE and read its directory (Book 1 §12.2.3), or fall back to
 * partial-AID selection over the known RIDs with "next occurrence" (Book 1
 * §12.3.3); then for every application SELECT, GET PROCESSING OPTIONS with a
 * PDOL filled from neutral terminal data, READ RECORD of every AFL record,
 * GET DATA of the counters, and the transaction log. Read-only for the card's
 * counters: no GENERATE AC, no VERIFY. Uses src/apdu only, never src/card.
 */
import { type Bytes, bcd, concat, fromHex, toHex } from '../../apdu/index.js';
import { buildDolData, parseDol } from '../../apdu/index.js';
import { exchange } from '../../apdu/index.js';
import { tryDecodeTlv } from '../../apdu/index.js';
import { type Tlv, findTag, flattenTlv } from '../../apdu/index.js';
import type { CardTransport } from '../../apdu/index.js';

export interface ExploredRecord {
  sfi: number;
  record: number;
  /** Raw record bytes (hex). */
  hex: string;
  tlv: Tlv[] | undefined;
}

export interface ExploredApplication {
  aid: string;
  selectStatus: string;
  fci: Tlv[] | undefined;
  gpoStatus?: string;
  gpo?: Tlv[] | undefined;
  records: ExploredRecord[];
  /** GET DATA results: tag -> value hex (absent when the card answered an error). */
  data: Record<string, string>;
  /** Transaction log records (hex), when the FCI names a log (9F4D). */
  log: string[];
}

export interface ExploreResult {
  atr: string;
  protocol: string;
  pse: { status: string; fci: Tlv[] | undefined; directory: ExploredRecord[] };
  applications: ExploredApplication[];
}

const FALLBACK_RIDS = ['A000000003', 'A000000004', 'A000000059', 'D276000025', 'A000000025', 'A000000065', 'A000000152', 'A000000333', 'A000000359'];
const PSE = fromHex('315041592E5359532E4444463031');

function sw(s: number): string {
  return s.toString(16).toUpperCase().padStart(4, '0');
}

const tryTlv = tryDecodeTlv;

function selectApdu(name: Bytes, next = false): Bytes {
  return concat(Uint8Array.of(0x00, 0xa4, 0x04, next ? 0x02 : 0x00, name.length), name, Uint8Array.of(0x00));
}

/** Neutral terminal data for a PDOL: amount 0, EUR, Germany, today, goods and services. */
function terminalValue(tag: string): Bytes | undefined {
  const now = new Date();
  const date = `${String(now.getUTCFullYear() % 100).padStart(2, '0')}${String(now.getUTCMonth() + 1).padStart(2, '0')}${String(now.getUTCDate()).padStart(2, '0')}`;
  const values: Record<string, Bytes> = {
    '9F02': bcd(0, 6),
    '9F03': bcd(0, 6),
    '5F2A': fromHex('0978'),
    '9F1A': fromHex('0276'),
    '9A': fromHex(date),
    '9C': fromHex('00'),
    '9F35': fromHex('22'),
    '9F33': fromHex('E0F8C8'),
    '9F40': fromHex('6000F0A001'),
    '9F66': fromHex('36000000'),
  };
  return values[tag];
}

async function readRecord(card: CardTransport, sfi: number, record: number) {
  return exchange(card, Uint8Array.of(0x00, 0xb2, record, (sfi << 3) | 4, 0x00));
}

async function discoverAids(card: CardTransport, result: ExploreResult): Promise<string[]> {
  const pse = await exchange(card, selectApdu(PSE));
  result.pse.status = sw(pse.sw);
  result.pse.fci = tryTlv(pse.data);
  const aids: string[] = [];
  if (pse.sw === 0x9000 && result.pse.fci) {
    const sfi = findTag(result.pse.fci, '88')?.value[0] ?? 1;
    for (let rec = 1; rec <= 16; rec++) {
      const r = await readRecord(card, sfi, rec);
      if (r.sw !== 0x9000) break;
      const tlv = tryTlv(r.data);
      result.pse.directory.push({ sfi, record: rec, hex: toHex(r.data), tlv });
      for (const entry of tlv ?? []) {
        const walk = (l: Tlv[]) => l.forEach((o) => (o.tag === '4F' ? aids.push(toHex(o.value)) : o.children && walk(o.children)));
        walk([entry]);
      }
    }
  }
  if (aids.length > 0) return aids;
  // No PSE: the terminal's list of AIDs with partial selection (Book 1 §12.3.3).
  for (const rid of FALLBACK_RIDS) {
    let next = false;
    for (let n = 0; n < 8; n++) {
      const r = await exchange(card, selectApdu(fromHex(rid), next));
      if (r.sw !== 0x9000 && r.sw !== 0x6283) break;
      const df = tryTlv(r.data) && findTag(tryTlv(r.data)!, '84');
      if (!df || aids.includes(toHex(df.value))) break;
      aids.push(toHex(df.value));
      next = true;
    }
  }
  return aids;
}

async function exploreApplication(card: CardTransport, aid: string): Promise<ExploredApplication> {
  const sel = await exchange(card, selectApdu(fromHex(aid)));
  const app: ExploredApplication = { aid, selectStatus: sw(sel.sw), fci: tryTlv(sel.data), records: [], data: {}, log: [] };
  if (sel.sw !== 0x9000 && sel.sw !== 0x6283) return app;
  const fciValues = app.fci ? flattenTlv(app.fci) : new Map<string, Bytes>();
  const pdol = fciValues.get('9F38');
  let pdolData: Bytes = new Uint8Array(0);
  try {
    if (pdol) pdolData = buildDolData(parseDol(pdol), terminalValue);
  } catch {
    // A malformed PDOL: send an empty template and see what the card says.
  }
  const gpo = await exchange(card, concat(Uint8Array.of(0x80, 0xa8, 0x00, 0x00, pdolData.length + 2, 0x83, pdolData.length), pdolData, Uint8Array.of(0x00)));
  app.gpoStatus = sw(gpo.sw);
  app.gpo = tryTlv(gpo.data);
  if (gpo.sw === 0x9000 && app.gpo) {
    const top = app.gpo[0]!;
    const afl = top.tag === '80' ? top.value.subarray(2) : findTag(app.gpo, '94')?.value;
    for (let i = 0; afl && i + 4 <= afl.length; i += 4) {
      const sfi = afl[i]! >> 3;
      for (let rec = afl[i + 1]!; rec <= afl[i + 2]!; rec++) {
        const r = await readRecord(card, sfi, rec);
        app.records.push({ sfi, record: rec, hex: r.sw === 0x9000 ? toHex(r.data) : `(${sw(r.sw)})`, tlv: r.sw === 0x9000 ? tryTlv(r.data) : undefined });
      }
    }
  }
  for (const tag of ['9F36', '9F13', '9F17', '9F4F']) {
    const r = await exchange(card, Uint8Array.of(0x80, 0xca, parseInt(tag.slice(0, 2), 16), parseInt(tag.slice(2), 16), 0x00));
    if (r.sw === 0x9000) {
      const t = tryTlv(r.data);
      app.data[tag] = toHex(t?.[0]?.value ?? r.data);
    }
  }
  const logEntry = fciValues.get('9F4D');
  if (logEntry && logEntry.length === 2) {
    for (let rec = 1; rec <= logEntry[1]!; rec++) {
      const r = await readRecord(card, logEntry[0]!, rec);
      if (r.sw !== 0x9000) break;
      app.log.push(toHex(r.data));
    }
  }
  return app;
}

/** Explores the card behind `card` (see the file comment). Starts with a cold reset. */
export async function exploreCard(card: CardTransport): Promise<ExploreResult> {
  const atr = await card.coldReset();
  const result: ExploreResult = { atr: toHex(atr), protocol: card.protocol, pse: { status: '', fci: undefined, directory: [] }, applications: [] };
  const aids = await discoverAids(card, result);
  for (const aid of aids) result.applications.push(await exploreApplication(card, aid));
  return result;
}
