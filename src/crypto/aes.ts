/**
 * AES (FIPS 197) ECB/CBC over node:crypto, and AES-CMAC (NIST SP 800-38B,
 * RFC 4493) used by EMV AES cards for cryptograms (Book 2 §8.1.2, A1.2.2).
 * Keys of 16, 24 or 32 bytes; no padding here (CMAC pads itself).
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { concat, type Bytes } from '../apdu/index.js';
import { DataLengthError, requireBlockMultiple, requireKeyLength } from './errors.js';

export const AES_BLOCK_SIZE = 16;
const AES_KEY_LENGTHS = [16, 24, 32] as const;
const ZERO_IV = new Uint8Array(AES_BLOCK_SIZE);

function run(encrypt: boolean, mode: 'ecb' | 'cbc', key: Bytes, data: Bytes, iv: Bytes | null): Bytes {
  requireKeyLength('AES key', key, AES_KEY_LENGTHS);
  requireBlockMultiple('AES data', data, AES_BLOCK_SIZE);
  if (iv && iv.length !== AES_BLOCK_SIZE) throw new DataLengthError('AES IV', `${iv.length} bytes; expected ${AES_BLOCK_SIZE}`);
  const algorithm = `aes-${key.length * 8}-${mode}`;
  const c = encrypt ? createCipheriv(algorithm, key, iv) : createDecipheriv(algorithm, key, iv);
  c.setAutoPadding(false);
  const out = c.update(data);
  const fin = c.final();
  return fin.length === 0 ? new Uint8Array(out.buffer, out.byteOffset, out.length) : concat(out, fin);
}

export function aesEcbEncrypt(key: Bytes, data: Bytes): Bytes {
  return run(true, 'ecb', key, data, null);
}

export function aesEcbDecrypt(key: Bytes, data: Bytes): Bytes {
  return run(false, 'ecb', key, data, null);
}

/** AES-CBC encryption; IV defaults to 16 zero bytes. */
export function aesCbcEncrypt(key: Bytes, data: Bytes, iv: Bytes = ZERO_IV): Bytes {
  return run(true, 'cbc', key, data, iv);
}

export function aesCbcDecrypt(key: Bytes, data: Bytes, iv: Bytes = ZERO_IV): Bytes {
  return run(false, 'cbc', key, data, iv);
}

/** Doubling in GF(2^128) with R = 0x87 (SP 800-38B §6.1 subkey generation). */
function doubleBlock(block: Bytes): Bytes {
  const out = new Uint8Array(AES_BLOCK_SIZE);
  for (let i = 0; i < AES_BLOCK_SIZE; i++) {
    out[i] = ((block[i]! << 1) & 0xff) | (i + 1 < AES_BLOCK_SIZE ? block[i + 1]! >> 7 : 0);
  }
  if (block[0]! & 0x80) out[AES_BLOCK_SIZE - 1]! ^= 0x87;
  return out;
}

/** The CMAC subkeys K1 and K2 (SP 800-38B §6.1, RFC 4493 §2.3). */
export function aesCmacSubkeys(key: Bytes): { k1: Bytes; k2: Bytes } {
  const l = aesEcbEncrypt(key, ZERO_IV);
  const k1 = doubleBlock(l);
  return { k1, k2: doubleBlock(k1) };
}

/**
 * AES-CMAC (SP 800-38B §6.2, RFC 4493 §2.4). A complete last block is XORed
 * with K1; otherwise the block is padded with '80 00..' and XORed with K2.
 * `macLength` truncates to the leftmost bytes (EMV ACs use 8).
 */
export function aesCmac(key: Bytes, data: Bytes, macLength = AES_BLOCK_SIZE): Bytes {
  if (!Number.isInteger(macLength) || macLength < 1 || macLength > AES_BLOCK_SIZE) {
    throw new RangeError(`AES-CMAC length must be 1..16, not ${macLength}`);
  }
  const { k1, k2 } = aesCmacSubkeys(key);
  const n = Math.max(1, Math.ceil(data.length / AES_BLOCK_SIZE));
  const complete = data.length > 0 && data.length % AES_BLOCK_SIZE === 0;
  const message = new Uint8Array(n * AES_BLOCK_SIZE);
  message.set(data);
  if (!complete) message[data.length] = 0x80;
  const lastKey = complete ? k1 : k2;
  const lastOffset = (n - 1) * AES_BLOCK_SIZE;
  for (let i = 0; i < AES_BLOCK_SIZE; i++) message[lastOffset + i]! ^= lastKey[i]!;
  const chain = aesCbcEncrypt(key, message);
  return chain.slice(lastOffset, lastOffset + macLength);
}
