/**
 * DES and triple DES (ISO/IEC 18033-3, ANSI X9.52) over node:crypto.
 *
 * Keys: 8 bytes (single DES), 16 bytes (2-key TDES, K1 K2 K1) or 24 bytes (3-key
 * TDES). OpenSSL 3 moved single DES to the legacy provider, so single DES is run
 * as TDES with K1 = K2 = K3, which is exactly DES (E(K) D(K) E(K) = E(K)).
 * No padding is applied here: data must be a multiple of 8 bytes (pad first with
 * padding.ts).
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { concat, type Bytes } from '../apdu/index.js';
import { DataLengthError, requireBlockMultiple, requireKeyLength } from './errors.js';

export const DES_BLOCK_SIZE = 8;
const ZERO_IV = new Uint8Array(DES_BLOCK_SIZE);

/** 8 -> K K K, 16 -> K1 K2 K1, 24 -> K1 K2 K3: the 24-byte key node:crypto wants. */
function tripleKey(key: Bytes): Bytes {
  if (key.length === 8) return concat(key, key, key);
  if (key.length === 16) return concat(key, key.subarray(0, 8));
  return key;
}

function run(encrypt: boolean, mode: 'ecb' | 'cbc', key: Bytes, data: Bytes, iv: Bytes | null): Bytes {
  requireBlockMultiple('DES data', data, DES_BLOCK_SIZE);
  if (iv && iv.length !== DES_BLOCK_SIZE) throw new DataLengthError('DES IV', `${iv.length} bytes; expected ${DES_BLOCK_SIZE}`);
  const algorithm = mode === 'ecb' ? 'des-ede3-ecb' : 'des-ede3-cbc';
  const k = tripleKey(key);
  const c = encrypt ? createCipheriv(algorithm, k, mode === 'ecb' ? null : iv) : createDecipheriv(algorithm, k, mode === 'ecb' ? null : iv);
  c.setAutoPadding(false);
  const out = c.update(data);
  const fin = c.final();
  return fin.length === 0 ? new Uint8Array(out.buffer, out.byteOffset, out.length) : concat(out, fin);
}

/** Triple DES ECB encryption; key of 16 (K1 K2 K1) or 24 bytes. */
export function tdesEcbEncrypt(key: Bytes, data: Bytes): Bytes {
  requireKeyLength('TDES key', key, [16, 24]);
  return run(true, 'ecb', key, data, null);
}

export function tdesEcbDecrypt(key: Bytes, data: Bytes): Bytes {
  requireKeyLength('TDES key', key, [16, 24]);
  return run(false, 'ecb', key, data, null);
}

/** Triple DES CBC encryption; the IV defaults to eight zero bytes (EMV Book 2 §9.3.1). */
export function tdesCbcEncrypt(key: Bytes, data: Bytes, iv: Bytes = ZERO_IV): Bytes {
  requireKeyLength('TDES key', key, [16, 24]);
  return run(true, 'cbc', key, data, iv);
}

export function tdesCbcDecrypt(key: Bytes, data: Bytes, iv: Bytes = ZERO_IV): Bytes {
  requireKeyLength('TDES key', key, [16, 24]);
  return run(false, 'cbc', key, data, iv);
}

/** Single DES ECB encryption with an 8-byte key. */
export function desEcbEncrypt(key8: Bytes, data: Bytes): Bytes {
  requireKeyLength('DES key', key8, [8]);
  return run(true, 'ecb', key8, data, null);
}

export function desEcbDecrypt(key8: Bytes, data: Bytes): Bytes {
  requireKeyLength('DES key', key8, [8]);
  return run(false, 'ecb', key8, data, null);
}

/** Single DES CBC encryption with an 8-byte key (the chain of ISO/IEC 9797-1 MAC algorithm 3). */
export function desCbcEncrypt(key8: Bytes, data: Bytes, iv: Bytes = ZERO_IV): Bytes {
  requireKeyLength('DES key', key8, [8]);
  return run(true, 'cbc', key8, data, iv);
}

export function desCbcDecrypt(key8: Bytes, data: Bytes, iv: Bytes = ZERO_IV): Bytes {
  requireKeyLength('DES key', key8, [8]);
  return run(false, 'cbc', key8, data, iv);
}

/** ECB encryption choosing DES for 8-byte keys and TDES for 16/24-byte keys. */
export function desOrTdesEcbEncrypt(key: Bytes, data: Bytes): Bytes {
  requireKeyLength('DES/TDES key', key, [8, 16, 24]);
  return run(true, 'ecb', key, data, null);
}

/**
 * Sets the least significant bit of every byte so that each byte has an odd
 * number of one bits (the DES key parity convention, FIPS 46-3 §"Key").
 */
export function adjustOddParity(key: Bytes): Bytes {
  const out = new Uint8Array(key.length);
  for (let i = 0; i < key.length; i++) {
    const hi = key[i]! & 0xfe;
    let ones = 0;
    for (let b = hi; b; b >>= 1) ones += b & 1;
    out[i] = hi | (ones % 2 === 0 ? 1 : 0);
  }
  return out;
}

/** True if every byte of the key has odd parity. */
export function hasOddParity(key: Bytes): boolean {
  for (const byte of key) {
    let ones = 0;
    for (let b = byte; b; b >>= 1) ones += b & 1;
    if (ones % 2 === 0) return false;
  }
  return true;
}

/**
 * Key check value: the first `length` bytes of the key encrypting eight zero
 * bytes (DES for 8-byte keys, TDES for 16/24-byte keys). Default 3 bytes.
 */
export function keyCheckValue(key: Bytes, length = 3): Bytes {
  if (!Number.isInteger(length) || length < 1 || length > 8) {
    throw new RangeError(`key check value length must be 1..8, not ${length}`);
  }
  return desOrTdesEcbEncrypt(key, ZERO_IV).slice(0, length);
}
