/**
 * Implementation of `emvsim crypto oda` (loaded lazily by oda.ts): gathers the inputs from
 * options and/or a JSON file, selects the CAPK, runs verifyOdaChain and prints each step.
 */
import { readFileSync } from 'node:fs';
import { type Bytes, fromHex, toHex } from '../../apdu/bytes.js';
import { DocumentError } from '../../apdu/errors.js';
import { type Capk, loadCapkFile, loadDefaultCapks } from '../../crypto/capk.js';
import { type OdaChainInputs, type OdaChainResult, verifyOdaChain } from '../../crypto/oda/verify-chain.js';
import type { RsaPublicKey } from '../../crypto/rsa.js';
import { printJson, println } from '../output.js';

export interface OdaArgs {
  capk?: string;
  'capk-modulus'?: string;
  'capk-exponent'?: string;
  'capk-file'?: string[];
  pan?: string;
  date?: string;
  tag?: string[];
  input?: string;
  'static-data'?: string;
  'dynamic-data'?: string;
  method?: 'sda' | 'dda' | 'cda';
  'unpredictable-number'?: string;
  cid?: string;
  'pdol-data'?: string;
  'cdol1-data'?: string;
  'cdol2-data'?: string;
  response?: string;
  'transaction-data-hash'?: string;
  json: boolean;
}

interface OdaInputFile {
  capk?: string | { modulus: string; exponent?: string };
  pan?: string;
  date?: string;
  tags?: Record<string, string>;
  staticData?: string;
  dynamicData?: string;
  method?: 'sda' | 'dda' | 'cda';
  cda?: {
    unpredictableNumber?: string;
    cid?: string;
    pdolData?: string;
    cdol1Data?: string;
    cdol2Data?: string;
    response?: string;
    transactionDataHash?: string;
  };
}

function readInputFile(path: string): OdaInputFile {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as OdaInputFile;
  } catch (e) {
    throw new DocumentError(`cannot read ODA input: ${(e as Error).message}`, { file: path, field: '$' });
  }
}

function parseTags(list: string[] | undefined, into: Record<string, string>): void {
  for (const item of list ?? []) {
    const m = /^([0-9A-Fa-f]{2,6})=([0-9A-Fa-f\s:]*)$/.exec(item);
    if (!m) throw new DocumentError(`expected TAG=HEX, got '${item}'`, { field: '--tag' });
    // An empty value is a typo (a shell variable that was not set), not "absent": leave the tag out instead.
    if (!/[0-9A-Fa-f]/.test(m[2]!)) throw new DocumentError(`tag ${m[1]!.toUpperCase()} has an empty value in '${item}'; give its hex bytes or leave the tag out`, { field: '--tag' });
    into[m[1]!.toUpperCase()] = m[2]!;
  }
}

function today(): string {
  const d = new Date();
  return [d.getFullYear() % 100, d.getMonth() + 1, d.getDate()].map((v) => String(v).padStart(2, '0')).join('');
}

function selectCapk(argv: OdaArgs, file: OdaInputFile, tags: Record<string, string>): { key: RsaPublicKey & { rid?: string; index?: string }; label: string } {
  const modulus = argv['capk-modulus'] ?? (typeof file.capk === 'object' ? file.capk.modulus : undefined);
  if (modulus) {
    const exponent = argv['capk-modulus'] ? (argv['capk-exponent'] ?? '03') : typeof file.capk === 'object' ? (file.capk.exponent ?? '03') : '03';
    const m = fromHex(modulus);
    return { key: { modulus: m, exponent: fromHex(exponent) }, label: `given CA key (${m.length * 8} bits)` };
  }
  let ref = argv.capk ?? (typeof file.capk === 'string' ? file.capk : undefined);
  if (!ref) {
    // RID from the AID (4F or 84), index from 8F, as a kernel selects it (Book 3 §10.3).
    const aid = tags['4F'] ?? tags['84'];
    if (aid && tags['8F']) ref = `${aid.replace(/\s/g, '').slice(0, 10)}:${tags['8F']}`;
  }
  if (!ref) throw new DocumentError('name the CA public key: --capk RID:INDEX, --capk-modulus HEX, or tags 4F and 8F', { field: '--capk' });
  const m = /^([0-9A-Fa-f]{10})[:/]([0-9A-Fa-f]{2})$/.exec(ref.trim());
  if (!m) throw new DocumentError(`expected RID:INDEX (e.g. A000000003:E5), got '${ref}'`, { field: '--capk' });
  const store = loadDefaultCapks();
  for (const f of argv['capk-file'] ?? []) loadCapkFile(f, store);
  const capk: Capk | undefined = store.get(m[1]!, m[2]!);
  if (!capk) throw new DocumentError(`no CAPK ${m[1]!.toUpperCase()}/${m[2]!.toUpperCase()} in the store (scripts/capk/*.json)`, { field: '--capk' });
  return { key: capk, label: `CAPK ${capk.rid}/${capk.index} (${capk.modulus.length * 8} bits${capk.kind ? ', ' + capk.kind : ''})` };
}

const hexOpt = (v: string | undefined): Bytes | undefined => (v === undefined ? undefined : fromHex(v));

export function buildInputs(argv: OdaArgs): { inputs: OdaChainInputs; capkLabel: string } {
  const file = argv.input ? readInputFile(argv.input) : {};
  const tags: Record<string, string> = { ...(file.tags ?? {}) };
  for (const k of Object.keys(tags)) {
    const v = tags[k]!;
    delete tags[k];
    tags[k.toUpperCase()] = v;
  }
  parseTags(argv.tag, tags);
  const { key, label } = selectCapk(argv, file, tags);
  const pan = argv.pan ?? file.pan ?? (tags['5A'] ? tags['5A'] : undefined);
  const date = argv.date ?? file.date ?? today();
  if (!/^\d{6}$/.test(date)) throw new DocumentError(`'${date}' is not YYMMDD`, { field: '--date' });
  const staticData = hexOpt(argv['static-data'] ?? file.staticData);
  const ddolData = hexOpt(argv['dynamic-data'] ?? file.dynamicData);
  const method = argv.method ?? file.method;
  const c = file.cda ?? {};
  const un = argv['unpredictable-number'] ?? c.unpredictableNumber;
  const inputs: OdaChainInputs = {
    capk: key,
    transactionDate: date,
    tags: Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, fromHex(v)])),
    ...(pan !== undefined ? { pan: /^[0-9]+F*$/i.test(pan) ? pan : fromHex(pan) } : {}),
    ...(staticData ? { staticData } : {}),
    ...(ddolData ? { ddolData } : {}),
    ...(method ? { method: method.toUpperCase() as 'SDA' | 'DDA' | 'CDA' } : {}),
  };
  if (method === 'cda' || un !== undefined) {
    if (un === undefined) throw new DocumentError('CDA needs the unpredictable number', { field: '--unpredictable-number' });
    const cid = argv.cid ?? c.cid;
    if (cid === undefined || !/^[0-9A-Fa-f]{2}$/.test(cid)) throw new DocumentError('CDA needs the CID as 2 hex digits', { field: '--cid' });
    const response = argv.response ?? c.response;
    const expected = hexOpt(argv['transaction-data-hash'] ?? c.transactionDataHash);
    inputs.cda = {
      unpredictableNumber: fromHex(un),
      cid: parseInt(cid, 16),
      ...(response !== undefined
        ? {
            transactionData: {
              pdolData: fromHex(argv['pdol-data'] ?? c.pdolData ?? ''),
              cdol1Data: fromHex(argv['cdol1-data'] ?? c.cdol1Data ?? ''),
              ...((argv['cdol2-data'] ?? c.cdol2Data) ? { cdol2Data: fromHex((argv['cdol2-data'] ?? c.cdol2Data)!) } : {}),
              responseTlvs: fromHex(response),
            },
          }
        : {}),
      ...(expected ? { expectedTransactionDataHashCode: expected } : {}),
    };
  }
  return { inputs, capkLabel: label };
}

function printText(result: OdaChainResult, capkLabel: string): void {
  println(`ODA ${result.method} under ${capkLabel}: ${result.ok ? 'OK' : 'FAILED'}`);
  result.steps.forEach((s, i) => {
    println();
    println(`${i + 1}. ${s.object}: ${s.failures.length === 0 ? 'OK' : 'FAILED'}${s.recovered ? ` (hash ${s.hashValid ? 'valid' : 'INVALID'})` : ''}`);
    if (s.recovered) println(`   ${'recovered'.padEnd(24)} ${s.recovered}`);
    for (const [k, v] of Object.entries(s.fields)) println(`   ${k.padEnd(24)} ${v}`);
    for (const f of s.failures) println(`   FAIL ${f}`);
  });
  if (result.method === 'none') for (const f of result.failures) println(`FAIL ${f}`);
}

/** Runs the command; returns the exit code (0 verified, 1 a check failed). */
export async function runOda(argv: OdaArgs): Promise<number> {
  const { inputs, capkLabel } = buildInputs(argv);
  const result = verifyOdaChain(inputs);
  if (argv.json) {
    printJson({
      ok: result.ok,
      method: result.method,
      capk: capkLabel,
      steps: result.steps,
      failures: result.failures,
      ...(result.dac ? { dac: result.dac } : {}),
      ...(result.iccDynamicNumber ? { iccDynamicNumber: result.iccDynamicNumber } : {}),
      ...(result.applicationCryptogram ? { applicationCryptogram: result.applicationCryptogram } : {}),
      ...(result.iccPublicKey ? { iccPublicKey: { modulus: toHex(result.iccPublicKey.modulus), exponent: toHex(result.iccPublicKey.exponent) } } : {}),
    });
  } else printText(result, capkLabel);
  return result.ok ? 0 : 1;
}
