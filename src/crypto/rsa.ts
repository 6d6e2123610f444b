/**
 * Raw RSA for EMV offline data authentication (EMV Book 2 §5-§7, Annex A2.1).
 *
 * EMV signs with "digital signature scheme giving message recovery" (ISO/IEC 9796-2
 * as profiled by Book 2 Annex A2.1): the signer applies the raw private operation to a
 * block as long as the modulus (header 6A ... trailer BC), the verifier applies the raw
 * public operation. No PKCS#1 padding anywhere, so both operations here are raw.
 *
 * - Key generation: node:crypto (OpenSSL) by default; `{ seed }` gives a deterministic
 *   key from a SHA-256 counter DRBG and Miller-Rabin over BigInt (for reproducible test
 *   cards; seconds at 1984 bits, so prefer the shipped fixtures in tests).
 * - Public operation: BigInt square-and-multiply for a one-byte exponent (3: two multiplications);
 *   node:crypto with RSA_NO_PADDING on a public KeyObject kept per modulus and exponent for longer
 *   exponents (65537: about twice as fast as BigInt), and BigInt for any key OpenSSL refuses.
 * - Private operation: node:crypto with RSA_NO_PADDING on a cached KeyObject when the CRT
 *   parameters are known; BigInt modPow otherwise.
 */
import { constants, createHash, createPrivateKey, createPublicKey, generateKeyPairSync, privateDecrypt, publicEncrypt, type KeyObject } from 'node:crypto';
import { type Bytes, fromHex, toHex } from '../apdu/index.js';
import { CryptoError } from './errors.js';

export interface RsaPublicKey {
  /** Modulus n, big-endian, without leading zero bytes (its length is N in Book 2). */
  modulus: Bytes;
  /** Public exponent: 03 or 010001 (Book 2 §5.1: 3 or 2^16+1). */
  exponent: Bytes;
}

export interface RsaKeyPair extends RsaPublicKey {
  privateExponent: Bytes;
  /** CRT parameters (present for generated keys; speed up the private operation). */
  primeP?: Bytes;
  primeQ?: Bytes;
  exponentP?: Bytes;
  exponentQ?: Bytes;
  coefficient?: Bytes;
}

/** An RSA operation that cannot be applied: wrong input length, value above the modulus, bad key. */
export class RsaError extends CryptoError {
  constructor(message: string) {
    super('RSA', message, 'RSA');
  }
}

export type RsaExponent = 3 | 65537;

export interface GenerateOptions {
  /** Deterministic key from this seed (any string); omitted: OpenSSL randomness. */
  seed?: string;
}

/** EMV key sizes: a whole number of bytes, at most 1984 bits (Book 2 §11.2 Table 33: N_CA <= 248). */
function checkBits(bits: number): void {
  if (!Number.isInteger(bits) || bits % 8 !== 0 || bits < 512 || bits > 4096) {
    throw new RsaError(`RSA key size ${bits} is not a whole number of bytes between 512 and 4096 bits`);
  }
}

/** Generates an RSA key pair with exponent 3 or 65537 (Book 2 §5.1, §6.1). */
export function generateRsaKeyPair(bits: number, exponent: RsaExponent, options: GenerateOptions = {}): RsaKeyPair {
  checkBits(bits);
  if (exponent !== 3 && exponent !== 65537) throw new RsaError(`public exponent ${exponent} is not 3 or 65537`);
  if (options.seed !== undefined) return generateDeterministic(bits, exponent, options.seed);
  // The key comes out of the generation job as PKCS#1 DER, not as a KeyObject exported to JWK: on Node 20 a
  // JWK export holds the key's mutex while it allocates, and a garbage collection there that finalises the
  // generation job locks the same mutex (a self-deadlock seen once in CI: KeyGenJob::~KeyGenJob under
  // KeyObjectHandle::ExportJWK).
  const { privateKey: der } = generateKeyPairSync('rsa', {
    modulusLength: bits,
    publicExponent: exponent,
    publicKeyEncoding: { type: 'pkcs1', format: 'der' },
    privateKeyEncoding: { type: 'pkcs1', format: 'der' },
  });
  const [, n, e, d, p, q, dp, dq, qi] = pkcs1Integers(new Uint8Array(der));
  const b = (v: Bytes | undefined): Bytes => stripLeadingZeros(v ?? new Uint8Array(0));
  const key: RsaKeyPair = {
    modulus: b(n),
    exponent: b(e),
    privateExponent: b(d),
    primeP: b(p),
    primeQ: b(q),
    exponentP: b(dp),
    exponentQ: b(dq),
    coefficient: b(qi),
  };
  const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs1' });
  keyObjects.set(key, privateKey);
  return key;
}

// ---------------------------------------------------------------- raw operations

/** Lowercase hex through Buffer (native; BigInt and cache keys do not care about case). */
function nativeHex(bytes: Bytes): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function bytesToBigInt(bytes: Bytes): bigint {
  return bytes.length === 0 ? 0n : BigInt('0x' + nativeHex(bytes));
}

/**
 * Moduli and exponents as BigInt, kept per byte array: a kernel recovers with the same CAPK and
 * keys in every transaction, and the conversion (through hex) costs about as much as a
 * public operation with exponent 3. Key bytes are never changed in place.
 */
const keyNumbers = new WeakMap<Bytes, bigint>();
function keyNumber(bytes: Bytes): bigint {
  let n = keyNumbers.get(bytes);
  if (n === undefined) keyNumbers.set(bytes, (n = bytesToBigInt(bytes)));
  return n;
}

/** Big-endian, left-padded with zeros to exactly `length` bytes. */
export function bigIntToBytes(value: bigint, length: number): Bytes {
  let hex = value.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  if (hex.length / 2 > length) throw new RsaError(`value of ${hex.length / 2} bytes does not fit in ${length}`);
  return fromHex(hex.padStart(length * 2, '0'));
}

/** The INTEGERs of a PKCS#1 RSAPrivateKey (RFC 8017 A.1.2: SEQUENCE { version, n, e, d, p, q, dp, dq, qi }), DER. */
function pkcs1Integers(der: Bytes): Bytes[] {
  let at = 0;
  const header = (tag: number): number => {
    if (der[at++] !== tag) throw new RsaError(`PKCS#1 key: expected tag ${tag.toString(16)} at byte ${at - 1}`);
    let length = der[at++] ?? 0;
    if (length & 0x80) {
      const count = length & 0x7f;
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + (der[at++] ?? 0);
    }
    return length;
  };
  const end = header(0x30) + at;
  const out: Bytes[] = [];
  while (at < end) {
    const length = header(0x02);
    out.push(der.subarray(at, at + length));
    at += length;
  }
  return out;
}

function stripLeadingZeros(bytes: Bytes): Bytes {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

export function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  base %= mod;
  while (exp > 0n) {
    if (exp & 1n) result = (result * base) % mod;
    exp >>= 1n;
    if (exp > 0n) base = (base * base) % mod;
  }
  return result;
}

/** Input as long as the modulus and smaller than it (compared as big-endian bytes: no BigInt needed). */
function checkInput(key: RsaPublicKey, data: Bytes, what: string): void {
  const m = key.modulus;
  if (data.length !== m.length) {
    throw new RsaError(`${what}: input of ${data.length} bytes, the modulus has ${m.length}`);
  }
  let i = 0;
  while (i < m.length && data[i] === m[i]) i++;
  if (i === m.length || data[i]! > m[i]!) throw new RsaError(`${what}: input is not smaller than the modulus`);
}

/**
 * OpenSSL public keys by modulus and exponent (hex). A kernel recovers with the same CAPK and
 * issuer keys, and the same cards' ICC keys, again and again; the bytes arrive as new arrays
 * each time, so the key is their content. Bounded: cleared when it holds PUBLIC_KEYS_KEPT keys.
 * `null` marks a key OpenSSL refused (even modulus, odd exponent size): BigInt serves those.
 */
const publicKeyObjects = new Map<string, KeyObject | null>();
const PUBLIC_KEYS_KEPT = 512;

function publicKeyObjectOf(key: RsaPublicKey): KeyObject | null {
  const id = nativeHex(key.modulus) + ':' + nativeHex(key.exponent);
  let ko = publicKeyObjects.get(id);
  if (ko !== undefined) return ko;
  try {
    const b64 = (v: Bytes) => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64url');
    ko = createPublicKey({ key: { kty: 'RSA', n: b64(key.modulus), e: b64(key.exponent) }, format: 'jwk' });
  } catch {
    ko = null;
  }
  if (publicKeyObjects.size >= PUBLIC_KEYS_KEPT) publicKeyObjects.clear();
  publicKeyObjects.set(id, ko);
  return ko;
}

/** Raw public operation x^e mod n; input and output are as long as the modulus (Book 2 A2.1 recovery). */
export function rsaPublicOperation(key: RsaPublicKey, data: Bytes): Bytes {
  checkInput(key, data, 'RSA public operation');
  // Exponent 3: BigInt beats OpenSSL's call and key lookup (measured 6 against 8 us at 1024 bits).
  const ko = key.exponent.length > 1 ? publicKeyObjectOf(key) : null;
  if (ko) {
    try {
      return new Uint8Array(publicEncrypt({ key: ko, padding: constants.RSA_NO_PADDING }, data));
    } catch {
      // OpenSSL refuses some keys only at use (e.g. an exponent too large for the modulus): BigInt below.
    }
  }
  return bigIntToBytes(modPow(bytesToBigInt(data), keyNumber(key.exponent), keyNumber(key.modulus)), key.modulus.length);
}

const keyObjects = new WeakMap<RsaKeyPair, KeyObject>();
/**
 * The same private keys by content (every part in base64url): each card opened from its image gets
 * new key arrays, while cards take their ICC keys from a small shipped pool. Bounded like the public keys.
 */
const keyObjectsByContent = new Map<string, KeyObject>();

function keyObjectOf(key: RsaKeyPair): KeyObject | undefined {
  const cached = keyObjects.get(key);
  if (cached) return cached;
  if (!key.primeP || !key.primeQ || !key.exponentP || !key.exponentQ || !key.coefficient) return undefined;
  const b64 = (v: Bytes) => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64url');
  const jwk = {
    kty: 'RSA',
    n: b64(key.modulus),
    e: b64(key.exponent),
    d: b64(key.privateExponent),
    p: b64(key.primeP),
    q: b64(key.primeQ),
    dp: b64(key.exponentP),
    dq: b64(key.exponentQ),
    qi: b64(key.coefficient),
  };
  const id = `${jwk.n}.${jwk.e}.${jwk.d}.${jwk.p}.${jwk.q}.${jwk.dp}.${jwk.dq}.${jwk.qi}`;
  let ko = keyObjectsByContent.get(id);
  if (!ko) {
    ko = createPrivateKey({ key: jwk, format: 'jwk' });
    if (keyObjectsByContent.size >= PUBLIC_KEYS_KEPT) keyObjectsByContent.clear();
    keyObjectsByContent.set(id, ko);
  }
  keyObjects.set(key, ko);
  return ko;
}

/** Raw private operation x^d mod n (signing: Book 2 A2.1; PIN decipherment: Book 2 §7.2). */
export function rsaPrivateOperation(key: RsaKeyPair, data: Bytes): Bytes {
  checkInput(key, data, 'RSA private operation');
  const ko = keyObjectOf(key);
  if (ko) {
    return new Uint8Array(privateDecrypt({ key: ko, padding: constants.RSA_NO_PADDING }, data));
  }
  return bigIntToBytes(modPow(bytesToBigInt(data), bytesToBigInt(key.privateExponent), keyNumber(key.modulus)), key.modulus.length);
}

/** The public half of a key pair (what a certificate or a CAPK carries). */
export function publicKeyOf(key: RsaPublicKey): RsaPublicKey {
  return { modulus: key.modulus, exponent: key.exponent };
}

// ---------------------------------------------------------------- JSON form

/** Hex form used by fixtures and scripts/ca/*.json. */
export interface RsaKeyPairJson {
  modulus: string;
  exponent: string;
  privateExponent: string;
  primeP?: string;
  primeQ?: string;
  exponentP?: string;
  exponentQ?: string;
  coefficient?: string;
}

export function keyPairToJson(key: RsaKeyPair): RsaKeyPairJson {
  const out: RsaKeyPairJson = { modulus: toHex(key.modulus), exponent: toHex(key.exponent), privateExponent: toHex(key.privateExponent) };
  for (const f of ['primeP', 'primeQ', 'exponentP', 'exponentQ', 'coefficient'] as const) {
    const v = key[f];
    if (v) out[f] = toHex(v);
  }
  return out;
}

export function keyPairFromJson(json: RsaKeyPairJson): RsaKeyPair {
  const key: RsaKeyPair = { modulus: fromHex(json.modulus), exponent: fromHex(json.exponent), privateExponent: fromHex(json.privateExponent) };
  for (const f of ['primeP', 'primeQ', 'exponentP', 'exponentQ', 'coefficient'] as const) {
    const v = json[f];
    if (v) key[f] = fromHex(v);
  }
  return key;
}

// ---------------------------------------------------------------- deterministic generation

/** SHA-256 in counter mode over the seed: a reproducible byte stream (not for production keys). */
function seededStream(seed: string): (n: number) => Bytes {
  let counter = 0;
  let pool = new Uint8Array(0);
  return (n: number) => {
    while (pool.length < n) {
      const block = createHash('sha256').update(`emvsim-rsa:${seed}:${counter++}`).digest();
      const next = new Uint8Array(pool.length + block.length);
      next.set(pool);
      next.set(block, pool.length);
      pool = next;
    }
    const out = pool.slice(0, n);
    pool = pool.slice(n);
    return out;
  };
}

let smallPrimes: number[] | undefined;

/** The first 300 odd primes, computed on first use: at module load they cost every CLI start ~2 ms. */
function firstOddPrimes(): number[] {
  if (smallPrimes) return smallPrimes;
  const out: number[] = [];
  for (let i = 3; out.length < 300; i += 2) if (out.every((p) => i % p !== 0)) out.push(i);
  return (smallPrimes = out);
}

function isProbablePrime(n: bigint, random: (n: number) => Bytes, rounds: number): boolean {
  for (const p of firstOddPrimes()) if (n % BigInt(p) === 0n) return n === BigInt(p);
  let d = n - 1n;
  let s = 0;
  while ((d & 1n) === 0n) {
    d >>= 1n;
    s++;
  }
  const byteLength = Math.ceil(n.toString(16).length / 2);
  for (let r = 0; r < rounds; r++) {
    const a = 2n + (bytesToBigInt(random(byteLength)) % (n - 3n));
    let x = modPow(a, d, n);
    if (x === 1n || x === n - 1n) continue;
    let composite = true;
    for (let i = 1; i < s; i++) {
      x = (x * x) % n;
      if (x === n - 1n) {
        composite = false;
        break;
      }
    }
    if (composite) return false;
  }
  return true;
}

function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [a % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw new RsaError('no modular inverse');
  return ((oldS % m) + m) % m;
}

/** A prime of exactly `bits` bits, top two bits set (so p*q has 2*bits bits), with gcd(e, p-1) = 1. */
function seededPrime(bits: number, e: bigint, random: (n: number) => Bytes): bigint {
  const bytes = bits / 8;
  for (;;) {
    const raw = random(bytes);
    raw[0] = raw[0]! | 0xc0;
    raw[bytes - 1] = raw[bytes - 1]! | 1;
    const candidate = bytesToBigInt(raw);
    if ((candidate - 1n) % e === 0n) continue;
    if (isProbablePrime(candidate, random, 24)) return candidate;
  }
}

function generateDeterministic(bits: number, exponent: RsaExponent, seed: string): RsaKeyPair {
  const random = seededStream(`${bits}:${exponent}:${seed}`);
  const e = BigInt(exponent);
  const half = bits / 2;
  if (half % 8 !== 0) throw new RsaError(`deterministic RSA needs a key size that is a multiple of 16 bits, not ${bits}`);
  for (;;) {
    const p = seededPrime(half, e, random);
    const q = seededPrime(half, e, random);
    if (p === q) continue;
    const n = p * q;
    const phi = (p - 1n) * (q - 1n);
    const d = modInverse(e, phi);
    const len = bits / 8;
    const hex = (v: bigint, l: number) => bigIntToBytes(v, l);
    return {
      modulus: hex(n, len),
      exponent: exponent === 3 ? Uint8Array.of(3) : Uint8Array.of(1, 0, 1),
      privateExponent: hex(d, len),
      primeP: hex(p, half / 8),
      primeQ: hex(q, half / 8),
      exponentP: hex(d % (p - 1n), half / 8),
      exponentQ: hex(d % (q - 1n), half / 8),
      coefficient: hex(modInverse(q, p), half / 8),
    };
  }
}
