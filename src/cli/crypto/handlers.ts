/**
 * Implementations of the `emvsim crypto` subcommands (imported lazily by
 * src/cli/commands/crypto.ts). Each prints one hex line, or JSON with --json.
 */
import { toHex } from '../../apdu/bytes.js';
import {
  aesCmac,
  arpcMethod1,
  arpcMethod2,
  deriveCommonSessionKey,
  deriveIccMasterKey,
  deriveMastercardSessionKey,
  deriveVisaSmSessionKey,
  generateApplicationCryptogram,
  keyCheckValue,
  macAlgorithm1,
  retailMac,
  type BlockCipher,
} from '../../crypto/index.js';
import { CryptoError } from '../../crypto/errors.js';
import { digitsOption, emit, hexOption, optionalHex } from './args.js';

type Argv = Record<string, unknown> & { json?: boolean };
const cipher = (argv: Argv): BlockCipher => (argv.aes ? 'aes' : 'tdes');

function choice<T extends string | number>(name: string, value: unknown, allowed: readonly T[]): T {
  const v = typeof allowed[0] === 'number' ? Number(value) : String(value).toLowerCase();
  if (!allowed.includes(v as T)) throw new CryptoError(`--${name}`, `expected ${allowed.join(' or ')}, got '${String(value)}'`);
  return v as T;
}

export function kcv(argv: Argv): void {
  const key = hexOption('key', argv.key, [8, 16, 24]);
  const value = keyCheckValue(key, Number(argv.length ?? 3));
  emit(Boolean(argv.json), toHex(value), { key: toHex(key), kcv: toHex(value), method: 'DES/TDES-ECB of 8 zero bytes' });
}

export function mac(argv: Argv): void {
  const alg = choice('alg', argv.alg ?? 3, [1, 3] as const);
  const pad = choice('pad', argv.pad ?? 2, [1, 2] as const);
  const key = hexOption('key', argv.key, alg === 3 ? [16] : [8, 16, 24]);
  const data = hexOption('data', argv.data);
  const length = Number(argv.length ?? 8);
  const value = alg === 3 ? retailMac(key, data, pad, length) : macAlgorithm1(key, data, pad, length);
  emit(Boolean(argv.json), toHex(value), { algorithm: `ISO/IEC 9797-1 MAC algorithm ${alg}`, padding: pad, mac: toHex(value) });
}

export function cmac(argv: Argv): void {
  const key = hexOption('key', argv.key, [16, 24, 32]);
  const data = hexOption('data', argv.data === '' ? '' : argv.data ?? '');
  const value = aesCmac(key, data, Number(argv.length ?? 16));
  emit(Boolean(argv.json), toHex(value), { algorithm: 'AES-CMAC (NIST SP 800-38B)', cmac: toHex(value) });
}

export function deriveIccMk(argv: Argv): void {
  const option = choice('option', argv.option ?? 'a', ['a', 'b', 'c'] as const).toUpperCase() as 'A' | 'B' | 'C';
  const algorithm = option === 'C' || argv.aes ? 'aes' : 'tdes';
  const imk = hexOption('imk', argv.imk, algorithm === 'aes' ? [16, 24, 32] : [16]);
  const pan = digitsOption('pan', argv.pan, 1, 19);
  const psn = argv.psn === undefined ? '00' : digitsOption('psn', String(argv.psn).padStart(2, '0'), 2, 2);
  const mk = deriveIccMasterKey(imk, pan, psn, option, algorithm);
  emit(Boolean(argv.json), toHex(mk), {
    option,
    algorithm,
    pan,
    psn,
    iccMasterKey: toHex(mk),
    kcv: algorithm === 'tdes' ? toHex(keyCheckValue(mk)) : undefined,
  });
}

export function sessionKey(argv: Argv): void {
  const method = choice('method', argv.method ?? 'common', ['common', 'mastercard', 'visa-sm'] as const);
  const algorithm = cipher(argv);
  const mk = hexOption('mk', argv.mk, algorithm === 'aes' ? [16, 24, 32] : [16]);
  const atc = hexOption('atc', argv.atc, method === 'common' ? [2, 8, 16] : [2]);
  let sk: Uint8Array;
  if (method === 'mastercard') sk = deriveMastercardSessionKey(mk, atc, hexOption('un', argv.un, [4]));
  else if (method === 'visa-sm') sk = deriveVisaSmSessionKey(mk, atc);
  else sk = deriveCommonSessionKey(mk, atc, algorithm);
  emit(Boolean(argv.json), toHex(sk), { method, algorithm, sessionKey: toHex(sk), kcv: algorithm === 'tdes' ? toHex(keyCheckValue(sk)) : undefined });
}

export function ac(argv: Argv): void {
  const algorithm = cipher(argv);
  const sk = hexOption('sk', argv.sk, algorithm === 'aes' ? [16, 24, 32] : [16]);
  const data = hexOption('data', argv.data);
  const padding = choice('pad', argv.pad ?? 2, [1, 2] as const);
  const value = generateApplicationCryptogram(sk, data, { padding, algorithm });
  emit(Boolean(argv.json), toHex(value), { algorithm, padding: algorithm === 'aes' ? 'CMAC' : padding, cryptogram: toHex(value) });
}

export function arpc(argv: Argv): void {
  const method = choice('method', argv.method ?? 1, [1, 2] as const);
  const algorithm = cipher(argv);
  const key = hexOption('key', argv.key, algorithm === 'aes' ? [16, 24, 32] : [16]);
  const arqc = hexOption('arqc', argv.arqc, [8]);
  let value: Uint8Array;
  if (method === 1) value = arpcMethod1(key, arqc, hexOption('arc', argv.arc, [2]), algorithm);
  else value = arpcMethod2(key, arqc, hexOption('csu', argv.csu, [4]), optionalHex('prop', argv.prop) ?? new Uint8Array(0), algorithm);
  emit(Boolean(argv.json), toHex(value), { method, algorithm, arpc: toHex(value) });
}
