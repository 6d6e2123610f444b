/**
 * Read application data, Book 3 §10.2: READ RECORD every record the AFL names,
 * keep the records marked for offline data authentication (fourth AFL byte) in
 * the form Book 3 §10.3 requires, and terminate on redundant primitive data or
 * missing mandatory data (5F24, 5A, 8C, 8D).
 */
import { type Bytes, toHex } from '../apdu/index.js';
import { EmvsimError } from '../apdu/index.js';
import { type Tlv, decodeTlv } from '../apdu/index.js';
import { apdu, sendCommand } from './card-io.js';
import type { TransactionContext } from './context.js';
import { storeCardData } from './initiate-application-processing.js';

export interface AflEntry {
  sfi: number;
  first: number;
  last: number;
  odaCount: number;
}

/** Parses and validates the AFL (Book 3 §10.2: SFI 1..30, first >= 1, last >= first, ODA count <= records). */
export function parseAfl(afl: Bytes): AflEntry[] | string {
  const out: AflEntry[] = [];
  for (let i = 0; i + 4 <= afl.length; i += 4) {
    const sfi = afl[i]! >> 3;
    const first = afl[i + 1]!;
    const last = afl[i + 2]!;
    const odaCount = afl[i + 3]!;
    if ((afl[i]! & 0x07) !== 0 || sfi < 1 || sfi > 30) return `AFL entry ${i / 4 + 1}: invalid SFI byte ${toHex(afl.subarray(i, i + 1))}`;
    if (first === 0 || last < first) return `AFL entry ${i / 4 + 1}: invalid record range ${first}..${last}`;
    if (odaCount > last - first + 1) return `AFL entry ${i / 4 + 1}: ${odaCount} ODA records in a range of ${last - first + 1}`;
    out.push({ sfi, first, last, odaCount });
  }
  return out;
}

const MANDATORY = [
  ['5F24', 'Application Expiration Date'],
  ['5A', 'Application PAN'],
  ['8C', 'CDOL1'],
  ['8D', 'CDOL2'],
] as const;

function storePrimitives(ctx: TransactionContext, list: Tlv[], where: string): void {
  for (const o of list) {
    if (o.children) storePrimitives(ctx, o.children, where);
    else storeCardData(ctx, o.tag, o.value, where);
  }
}

export async function readApplicationData(ctx: TransactionContext): Promise<void> {
  const entries = parseAfl(ctx.tag('94') ?? new Uint8Array(0));
  if (typeof entries === 'string') ctx.terminate(`${entries} (Book 3 §10.2)`);
  let records = 0;
  for (const e of entries) {
    for (let rec = e.first; rec <= e.last; rec++) {
      const label = `READ RECORD SFI ${e.sfi} record ${rec}`;
      const r = await sendCommand(ctx, apdu.readRecord(e.sfi, rec), label);
      if (r.sw !== 0x9000) ctx.terminate(`${label} answered ${toHex(Uint8Array.of(r.sw1, r.sw2))} (Book 3 §10.2)`);
      let list: Tlv[];
      try {
        list = decodeTlv(r.data);
      } catch (err) {
        if (!(err instanceof EmvsimError)) throw err;
        // Book 3 §10.2 requires the 70 template of SFI 1..10 only; a record of SFI 11..30 is
        // issuer-proprietary and may hold anything: it is not parsed for data, and for ODA it
        // is "not a 70 template" (§10.3), which makes ODA fail below.
        if (e.sfi <= 10) ctx.terminate(`${label}: ${err.message}`);
        list = [];
      }
      const template = list.length === 1 && list[0]!.tag === '70' ? list[0]! : undefined;
      const forOda = rec - e.first < e.odaCount;
      if (e.sfi <= 10 && !template) ctx.terminate(`${label} is not a record template 70 (Book 3 §10.2)`);
      if (forOda) {
        // Book 3 §10.3: SFI 1..10 contribute the 70 template's value, SFI 11..30 the whole
        // record (src/crypto's buildStaticDataToBeAuthenticated does the cut); a record for ODA
        // that is not a 70 template makes ODA fail.
        if (template) ctx.odaRecords.push({ sfi: e.sfi, record: r.data.slice() });
        else ctx.odaRecordInvalid = true;
      }
      if (template) storePrimitives(ctx, template.children ?? [], label);
      records++;
    }
  }
  ctx.decide(`read ${records} records, ${ctx.odaRecords.length} for offline data authentication`);
  const missing = MANDATORY.filter(([tag]) => !ctx.card.has(tag));
  if (missing.length > 0) {
    ctx.terminate(`mandatory data missing: ${missing.map(([t, n]) => `${n} (${t})`).join(', ')} (Book 3 §10.2)`);
  }
}
