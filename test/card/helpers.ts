/**
 * A minimal terminal for the card tests, written against src/apdu only (the
 * tests check the card from the outside, as a terminal would).
 */
import { type Bytes, bcd, concat, fromHex, toHex } from '../../src/apdu/bytes.js';
import { buildDolData } from '../../src/apdu/dol.js';
import { exchange } from '../../src/apdu/exchange.js';
import { decodeTlv, findTag, flattenTlv } from '../../src/apdu/tlv.js';
import type { CardTransport } from '../../src/apdu/transport.js';

export interface Response {
  data: Bytes;
  sw: number;
}

/** Sends one command through the T=0/T=1 exchange rules (src/apdu/exchange.ts). */
export async function send(card: CardTransport, apdu: string | Bytes): Promise<Response> {
  const r = await exchange(card, typeof apdu === 'string' ? fromHex(apdu) : apdu);
  return { data: r.data, sw: r.sw };
}

export function swHex(sw: number): string {
  return sw.toString(16).toUpperCase().padStart(4, '0');
}

export function selectCommand(aid: string, p2 = 0x00): string {
  const n = aid.length / 2;
  return `00A404${p2.toString(16).padStart(2, '0')}${n.toString(16).padStart(2, '0')}${aid}00`;
}

export function verifyPlaintext(pin: string): string {
  const block = ('2' + pin.length.toString(16) + pin).padEnd(16, 'F');
  return `0020008008${block}`;
}

export interface TerminalData {
  amount?: number;
  otherAmount?: number;
  currency?: string;
  country?: string;
  tvr?: string;
  date?: string;
  type?: string;
  un?: string;
}

export function terminalSource(t: TerminalData = {}): (tag: string) => Bytes | undefined {
  const m: Record<string, Bytes> = {
    '9F02': bcd(t.amount ?? 1000, 6),
    '9F03': bcd(t.otherAmount ?? 0, 6),
    '5F2A': fromHex(t.currency ?? '0978'),
    '9F1A': fromHex(t.country ?? '0826'),
    '95': fromHex(t.tvr ?? '0000000000'),
    '9A': fromHex(t.date ?? '250615'),
    '9C': fromHex(t.type ?? '00'),
    '9F37': fromHex(t.un ?? '12345678'),
    '9F35': fromHex('22'),
    '9F34': fromHex('1F0302'),
  };
  return (tag) => m[tag];
}

export interface Session {
  aid: string;
  /** Primitive tags from the FCI and every record listed in the AFL. */
  tags: Map<string, Bytes>;
  aip: Bytes;
  afl: Bytes;
  pdolData: Bytes;
  /** Records covered by ODA, in AFL order (for the static data to be authenticated). */
  odaRecords: { sfi: number; record: Bytes }[];
}

/** SELECT, GPO (format 1 or 2) and READ RECORD of every AFL record. */
export async function startSession(card: CardTransport, aid: string, t: TerminalData = {}): Promise<Session> {
  const sel = await send(card, selectCommand(aid));
  if (sel.sw !== 0x9000 && sel.sw !== 0x6283) throw new Error(`SELECT ${aid}: ${swHex(sel.sw)}`);
  const tags = flattenTlv(decodeTlv(sel.data));
  const pdol = tags.get('9F38');
  const pdolData = pdol ? buildDolData(pdol, terminalSource(t)) : new Uint8Array(0);
  const gpo = await send(card, concat(fromHex('80A80000'), Uint8Array.of(pdolData.length + 2, 0x83, pdolData.length), pdolData, Uint8Array.of(0)));
  if (gpo.sw !== 0x9000) throw new Error(`GPO: ${swHex(gpo.sw)}`);
  const top = decodeTlv(gpo.data);
  let aip: Bytes;
  let afl: Bytes;
  if (top[0]!.tag === '80') {
    aip = top[0]!.value.subarray(0, 2);
    afl = top[0]!.value.subarray(2);
  } else {
    aip = findTag(top, '82')!.value;
    afl = findTag(top, '94')!.value;
  }
  const odaRecords: { sfi: number; record: Bytes }[] = [];
  for (let i = 0; i < afl.length; i += 4) {
    const sfi = afl[i]! >> 3;
    for (let r = afl[i + 1]!; r <= afl[i + 2]!; r++) {
      const rec = await send(card, Uint8Array.of(0x00, 0xb2, r, (sfi << 3) | 4, 0x00));
      if (rec.sw !== 0x9000) throw new Error(`READ RECORD ${sfi}/${r}: ${swHex(rec.sw)}`);
      flattenTlv(decodeTlv(rec.data), tags);
      if (r - afl[i + 1]! < afl[i + 3]!) odaRecords.push({ sfi, record: rec.data });
    }
  }
  return { aid, tags, aip, afl, pdolData, odaRecords };
}

export const P1 = { AAC: 0x00, TC: 0x40, ARQC: 0x80 } as const;

export interface AcResponse {
  sw: number;
  cid: number;
  atc: Bytes;
  ac: Bytes | undefined;
  iad: Bytes;
  sdad: Bytes | undefined;
  /** The response data (template 80 or 77) as received. */
  raw: Bytes;
  /** The DOL data sent. */
  dolData: Bytes;
}

export function parseAcResponse(sw: number, data: Bytes, dolData: Bytes): AcResponse {
  if (sw !== 0x9000) return { sw, cid: -1, atc: new Uint8Array(0), ac: undefined, iad: new Uint8Array(0), sdad: undefined, raw: data, dolData };
  const top = decodeTlv(data);
  if (top[0]!.tag === '80') {
    const v = top[0]!.value;
    return { sw, cid: v[0]!, atc: v.subarray(1, 3), ac: v.subarray(3, 11), iad: v.subarray(11), sdad: undefined, raw: data, dolData };
  }
  const t = flattenTlv(top);
  return { sw, cid: t.get('9F27')![0]!, atc: t.get('9F36')!, ac: t.get('9F26'), iad: t.get('9F10')!, sdad: t.get('9F4B'), raw: data, dolData };
}

export async function generateAc(card: CardTransport, dol: Bytes, p1: number, source: (tag: string) => Bytes | undefined): Promise<AcResponse> {
  const data = buildDolData(dol, source);
  const r = await send(card, concat(Uint8Array.of(0x80, 0xae, p1, 0x00, data.length), data, Uint8Array.of(0)));
  return parseAcResponse(r.sw, r.data, data);
}

export function cidType(cid: number): 'AAC' | 'TC' | 'ARQC' | 'RFU' {
  return (['AAC', 'TC', 'ARQC', 'RFU'] as const)[cid >> 6]!;
}

export { toHex, fromHex };
