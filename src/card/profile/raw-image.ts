/**
 * The raw layer of a card profile: what a lab's deliberately odd test card holds, given as
 * bytes and served as given. Under `raw:` a profile (or a scenario's `card.set`) may give
 *   records     "SFI:record" -> hex (any SFI 1..30, any content: malformed TLV, trailing
 *               bytes, duplicates, no 70 template), or null to remove a generated record;
 *   removeTags  tags taken out of the generated records (e.g. 8C, 5F24);
 *   afl         the AFL (94) GET PROCESSING OPTIONS answers: hex (may be empty), or null for
 *               an answer without any AFL;
 *   fci         the whole answer to SELECT of the application (hex, even one byte), for every
 *               application of the profile, or a mapping AID -> hex for some of them;
 *   gpoResponse the whole GET PROCESSING OPTIONS answer data (hex);
 *   generateAcExtra  bytes appended inside the format 2 template (77) of every GENERATE AC
 *               answer, e.g. a second 9F4B (the answer is then always format 2).
 * The card's own logic (PIN, ATC, cryptograms) still runs; only the bytes named here change.
 * The format is documented in docs/card-images.md.
 */
import { type Bytes, fromHex } from '../../apdu/index.js';
import { EmvsimError } from '../../apdu/index.js';
import { decodeTlv, encodeTlv, type Tlv } from '../../apdu/index.js';

export interface RawImage {
  records?: Record<string, string | null>;
  removeTags?: string[];
  afl?: string | null;
  fci?: string | Record<string, string>;
  gpoResponse?: string;
  generateAcExtra?: string;
}

/** "SFI:record" with SFI 1..30 and record 1..255 (Book 3 §10.2 / ISO 7816-4 short EF identifiers). */
export const RAW_RECORD_KEY = /^([1-9]|[12][0-9]|30):([1-9][0-9]?|1[0-9][0-9]|2[0-4][0-9]|25[0-5])$/;

const HEX = /^([0-9A-F]{2})*$/;
const RAW_FIELDS = ['records', 'removeTags', 'afl', 'fci', 'gpoResponse', 'generateAcExtra'];

type Fail = (path: (string | number)[], message: string) => never;

function hexOf(v: unknown, path: (string | number)[], fail: Fail, min = 0): string {
  const text = typeof v === 'number' ? String(v) : v;
  if (typeof text !== 'string') return fail(path, 'must be a hex string');
  const h = text.replace(/[\s:]/g, '').toUpperCase();
  if (!HEX.test(h)) fail(path, `'${text}' is not an even number of hex digits`);
  if (h.length / 2 < min) fail(path, `must be at least ${min} byte(s)`);
  if (h.length / 2 > 65_535) fail(path, 'is longer than an extended response (65535 bytes)');
  return h;
}

/** Validates the `raw` mapping of a profile (field paths under 'raw'). */
export function validateRawImage(v: unknown, fail: Fail): RawImage {
  const p = ['raw'];
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(p, 'must be a mapping');
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!RAW_FIELDS.includes(k)) fail([...p, k], `unknown field (${RAW_FIELDS.join(', ')})`);
  const raw: RawImage = {};
  if (o.records !== undefined) {
    const r = o.records;
    if (typeof r !== 'object' || r === null || Array.isArray(r)) fail([...p, 'records'], 'must be a mapping of "SFI:record" to hex');
    raw.records = {};
    for (const [key, value] of Object.entries(r as Record<string, unknown>)) {
      if (!RAW_RECORD_KEY.test(key)) fail([...p, 'records', key], 'key is not "SFI:record" (SFI 1..30, record 1..255)');
      raw.records[key] = value === null ? null : hexOf(value, [...p, 'records', key], fail);
    }
  }
  if (o.removeTags !== undefined) {
    if (!Array.isArray(o.removeTags)) fail([...p, 'removeTags'], 'must be a list of tags in hex');
    raw.removeTags = o.removeTags.map((t, i) => {
      const h = hexOf(t, [...p, 'removeTags', i], fail, 1);
      if (h.length > 6) fail([...p, 'removeTags', i], `'${h}' is not a tag (1 to 3 bytes)`);
      return h;
    });
  }
  if (o.afl !== undefined) raw.afl = o.afl === null ? null : hexOf(o.afl, [...p, 'afl'], fail);
  if (o.fci !== undefined) {
    if (typeof o.fci === 'object' && o.fci !== null && !Array.isArray(o.fci)) {
      const byAid: Record<string, string> = {};
      for (const [aid, value] of Object.entries(o.fci as Record<string, unknown>)) {
        if (!/^([0-9A-Fa-f]{2}){5,16}$/.test(aid)) fail([...p, 'fci', aid], 'key is not an AID (5 to 16 bytes of hex)');
        byAid[aid.toUpperCase()] = hexOf(value, [...p, 'fci', aid], fail);
      }
      raw.fci = byAid;
    } else {
      raw.fci = hexOf(o.fci, [...p, 'fci'], fail);
    }
  }
  if (o.gpoResponse !== undefined) raw.gpoResponse = hexOf(o.gpoResponse, [...p, 'gpoResponse'], fail);
  if (o.generateAcExtra !== undefined) raw.generateAcExtra = hexOf(o.generateAcExtra, [...p, 'generateAcExtra'], fail, 1);
  return raw;
}

/** A generated 70 record without the removed tags (top level of the template). */
function withoutTags(record: Bytes, remove: ReadonlySet<string>): Bytes {
  let list: Tlv[];
  try {
    list = decodeTlv(record);
  } catch (err) {
    if (err instanceof EmvsimError) return record;
    throw err;
  }
  const template = list[0];
  if (list.length !== 1 || template?.tag !== '70' || !template.children) return record;
  const kept = template.children.filter((c) => !remove.has(c.tag));
  return encodeTlv('70', kept);
}

/**
 * The application records with the raw layer applied: tags removed from the generated
 * records, then records given as hex replace, add or (null) remove records.
 */
export function applyRawRecords(records: Map<number, Bytes[]>, raw: RawImage | undefined): Map<number, Bytes[]> {
  if (!raw) return records;
  const remove = new Set(raw.removeTags ?? []);
  const bySfi = new Map<number, (Bytes | undefined)[]>();
  for (const [sfi, recs] of records) bySfi.set(sfi, recs.map((r) => (remove.size > 0 ? withoutTags(r, remove) : r)));
  for (const [key, value] of Object.entries(raw.records ?? {})) {
    const [sfi, rec] = key.split(':').map(Number) as [number, number];
    const list = bySfi.get(sfi) ?? [];
    list[rec - 1] = value === null ? undefined : fromHex(value);
    bySfi.set(sfi, list);
  }
  const out = new Map<number, Bytes[]>();
  // A removed record leaves a hole: READ RECORD of it answers 6A83 (recordsOf reads by index).
  for (const [sfi, list] of bySfi) out.set(sfi, Array.from(list, (r) => r ?? new Uint8Array(0)));
  return out;
}

/** The FCI a raw image gives for the application `aid`, if any. */
export function rawFci(raw: RawImage | undefined, aid: string): string | undefined {
  const fci = raw?.fci;
  if (fci === undefined) return undefined;
  return typeof fci === 'string' ? fci : fci[aid.toUpperCase()];
}
