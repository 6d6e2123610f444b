/**
 * Certification Authority Public Keys held by the terminal (EMV Book 2 §11.2, Table 33),
 * selected by RID (5 bytes) and CA Public Key Index (tag 8F).
 *
 * Each key carries its check sum, SHA-1 over RID || index || modulus || exponent
 * (Book 2 §11.2.2); loading verifies it and rejects the entry with a DocumentError subclass
 * naming the file and the entry. JSON shape (one file = an array):
 *   [{ "rid": "A000000003", "index": "92", "modulus": "99..", "exponent": "03",
 *      "checksum": "429C..", "hashAlgorithm": "01", "expiry"?: "YYMMDD", "scheme"?, "kind"?, "note"? }]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Bytes, concat, equal, fromHex, toHex } from '../apdu/index.js';
import { DocumentError } from '../apdu/index.js';
import { sha1 } from './hash.js';
import type { RsaPublicKey } from './rsa.js';
import { packageRoot } from '../platform/index.js';

export { packageRoot };

export interface Capk extends RsaPublicKey {
  /** 10 hex digits, uppercase. */
  rid: string;
  /** 2 hex digits, uppercase (tag 8F). */
  index: string;
  /** SHA-1 check sum (20 bytes). */
  checksum: Bytes;
  /** '01' = SHA-1. */
  hashAlgorithm: string;
  /** Key expiry YYMMDD when known. */
  expiry?: string;
  scheme?: string;
  /** 'test' or 'live' when known. */
  kind?: string;
  note?: string;
}

export interface CapkJson {
  rid: string;
  index: string;
  modulus: string;
  exponent: string;
  checksum: string;
  hashAlgorithm: string;
  expiry?: string;
  scheme?: string;
  kind?: string;
  note?: string;
}

/** A CAPK entry whose check sum does not match its RID, index, modulus and exponent. */
export class CapkChecksumError extends DocumentError {
  readonly rid: string;
  readonly index: string;
  constructor(file: string | undefined, position: number, rid: string, index: string, expected: string, computed: string) {
    super(`CAPK ${rid}/${index}: check sum ${expected} does not match SHA-1(RID || index || modulus || exponent) = ${computed} (Book 2 §11.2.2)`, {
      ...(file !== undefined ? { file } : {}),
      field: `[${position}].checksum`,
    });
    this.rid = rid;
    this.index = index;
  }
}

/** Book 2 §11.2.2: SHA-1(RID || CA Public Key Index || Modulus || Exponent). */
export function capkChecksum(rid: string | Bytes, index: string | Bytes, modulus: Bytes, exponent: Bytes): Bytes {
  const r = typeof rid === 'string' ? fromHex(rid) : rid;
  const i = typeof index === 'string' ? fromHex(index) : index;
  return sha1(concat(r, i, modulus, exponent));
}

function parseEntry(raw: unknown, position: number, file: string | undefined): Capk {
  const where = (field: string) => ({ ...(file !== undefined ? { file } : {}), field: `[${position}].${field}` });
  if (typeof raw !== 'object' || raw === null) throw new DocumentError('CAPK entry is not an object', where('')); 
  const o = raw as Record<string, unknown>;
  const hex = (field: string, pattern: RegExp, what: string): string => {
    const v = o[field];
    if (typeof v !== 'string' || !pattern.test(v)) throw new DocumentError(`expected ${what}, got ${JSON.stringify(v)}`, where(field));
    return v.toUpperCase();
  };
  const rid = hex('rid', /^[0-9A-Fa-f]{10}$/, 'a RID of 10 hex digits');
  const index = hex('index', /^[0-9A-Fa-f]{2}$/, 'an index of 2 hex digits');
  const modulus = fromHex(hex('modulus', /^([0-9A-Fa-f]{2}){64,256}$/, 'a modulus of 64 to 256 bytes in hex'));
  const exponent = fromHex(hex('exponent', /^(03|010001)$/, 'exponent 03 or 010001'));
  const hashAlgorithm = hex('hashAlgorithm', /^01$/, "hash algorithm '01' (SHA-1)");
  const checksumHex = hex('checksum', /^[0-9A-Fa-f]{40}$/, 'a SHA-1 check sum of 40 hex digits');
  const computed = capkChecksum(rid, index, modulus, exponent);
  if (!equal(computed, fromHex(checksumHex))) throw new CapkChecksumError(file, position, rid, index, checksumHex, toHex(computed));
  const capk: Capk = { rid, index, modulus, exponent, checksum: computed, hashAlgorithm };
  for (const f of ['expiry', 'scheme', 'kind', 'note'] as const) {
    const v = o[f];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') throw new DocumentError('expected a string', where(f));
    if (f === 'expiry' && !/^\d{6}$/.test(v)) throw new DocumentError(`expiry '${v}' is not YYMMDD`, where(f));
    capk[f] = v;
  }
  return capk;
}

export function capkToJson(capk: Capk): CapkJson {
  return {
    rid: capk.rid,
    index: capk.index,
    modulus: toHex(capk.modulus),
    exponent: toHex(capk.exponent),
    checksum: toHex(capk.checksum),
    hashAlgorithm: capk.hashAlgorithm,
    ...(capk.expiry ? { expiry: capk.expiry } : {}),
    ...(capk.scheme ? { scheme: capk.scheme } : {}),
    ...(capk.kind ? { kind: capk.kind } : {}),
    ...(capk.note ? { note: capk.note } : {}),
  };
}

/** The terminal's CAPK list: get(rid, index) as in Book 3 §10.3 (CAPK selection by RID and 8F). */
export class CapkStore {
  private readonly keys = new Map<string, Capk>();

  /** Parses and checks a JSON array of CAPKs; `file` names the source in errors. */
  static fromJson(json: unknown, file?: string): CapkStore {
    const store = new CapkStore();
    store.addJson(json, file);
    return store;
  }

  addJson(json: unknown, file?: string): this {
    if (!Array.isArray(json)) throw new DocumentError('expected an array of CAPK entries', { ...(file !== undefined ? { file } : {}), field: '$' });
    json.forEach((raw, i) => this.add(parseEntry(raw, i, file)));
    return this;
  }

  /** Adds (or replaces) a key after checking its check sum. */
  add(capk: Capk): this {
    const computed = capkChecksum(capk.rid, capk.index, capk.modulus, capk.exponent);
    if (!equal(computed, capk.checksum)) {
      throw new CapkChecksumError(undefined, this.keys.size, capk.rid, capk.index, toHex(capk.checksum), toHex(computed));
    }
    this.keys.set(`${capk.rid.toUpperCase()}/${capk.index.toUpperCase()}`, capk);
    return this;
  }

  get(rid: string, index: string): Capk | undefined {
    return this.keys.get(`${rid.toUpperCase()}/${index.toUpperCase()}`);
  }

  list(): Capk[] {
    return [...this.keys.values()];
  }

  get size(): number {
    return this.keys.size;
  }
}

export function loadCapkFile(path: string, into: CapkStore = new CapkStore()): CapkStore {
  const text = readFileSync(path, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new DocumentError(`not JSON: ${(e as Error).message}`, { file: path, field: '$' });
  }
  return into.addJson(json, path);
}

export const DEFAULT_CAPK_FILES = ['scripts/capk/test-capks.json', 'scripts/capk/emvsim-test-ca.json'];

/** The public EMVCo/scheme test CAPKs and the emvsim test CA (index E5), from scripts/capk/. */
export function loadDefaultCapks(): CapkStore {
  const store = new CapkStore();
  for (const f of DEFAULT_CAPK_FILES) loadCapkFile(resolve(packageRoot(), f), store);
  return store;
}

/** YYMMDD -> YYYYMMDD as a number (EMV years: 00-49 are 20YY, 50-99 19YY). */
function fullDate(yymmdd: string): number {
  const yy = Number(yymmdd.slice(0, 2));
  return (yy < 50 ? 2000 + yy : 1900 + yy) * 10_000 + Number(yymmdd.slice(2));
}

/**
 * The last date a CA public key may be used, YYYYMMDD: the last day of the month `graceMonths`
 * after its expiry month (payment systems expire keys on 31 December). Book 2 §11.2.3: acquirers
 * remove an expired key from their terminals within a grace period expected to be six months
 * (until 30 June of the following year); after that a terminal must not use it, which the card
 * sees as a missing CAPK (Book 2 §5.2, §6.2: ODA has failed).
 */
export function capkLastUseDate(expiry: string, graceMonths = 6): number {
  if (!/^\d{6}$/.test(expiry)) throw new RangeError(`CAPK expiry '${expiry}' is not YYMMDD`);
  const full = fullDate(expiry);
  if (graceMonths === 0) return full;
  const months = Math.floor(full / 10_000) * 12 + (Math.floor(full / 100) % 100) - 1 + graceMonths;
  const year = Math.floor(months / 12);
  const month = (months % 12) + 1;
  return year * 10_000 + month * 100 + new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Whether a CA public key with this expiry (YYMMDD) is withdrawn on the transaction date (YYMMDD). */
export function capkWithdrawn(expiry: string, transactionDate: string, graceMonths = 6): boolean {
  return fullDate(transactionDate) > capkLastUseDate(expiry, graceMonths);
}
