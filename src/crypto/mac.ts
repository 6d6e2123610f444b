/**
 * ISO/IEC 9797-1 MAC algorithms over DES (EMV Book 2 Annex A1.2.1).
 *
 * Algorithm 1: CBC-MAC, the last CBC block is the MAC (single DES with an
 * 8-byte key, TDES with a 16/24-byte key).
 * Algorithm 3 ("retail MAC", ANSI X9.19): CBC with single DES under K1 over all
 * blocks, then the final block is decrypted under K2 and encrypted under K1.
 * EMV: K1 = leftmost 8 bytes, K2 = rightmost 8 bytes of the 16-byte session key.
 */
import type { Bytes } from '../apdu/index.js';
import { desCbcEncrypt, desEcbDecrypt, desEcbEncrypt, tdesCbcEncrypt, DES_BLOCK_SIZE } from './des.js';
import { requireKeyLength } from './errors.js';
import { padIso9797 } from './padding.js';

function checkMacLength(macLength: number): void {
  if (!Number.isInteger(macLength) || macLength < 1 || macLength > DES_BLOCK_SIZE) {
    throw new RangeError(`MAC length must be 1..8 bytes, not ${macLength}`);
  }
}

/** Last block of the CBC chain over `padded` (already a block multiple). */
function cbcLastBlock(key: Bytes, padded: Bytes): Bytes {
  const chain = key.length === 8 ? desCbcEncrypt(key, padded) : tdesCbcEncrypt(key, padded);
  return chain.slice(chain.length - DES_BLOCK_SIZE);
}

/** ISO/IEC 9797-1 MAC algorithm 1 with padding method 1 or 2; `macLength` leftmost bytes (default 8). */
export function macAlgorithm1(key: Bytes, data: Bytes, padding: 1 | 2, macLength = 8): Bytes {
  requireKeyLength('MAC algorithm 1 key', key, [8, 16, 24]);
  checkMacLength(macLength);
  return cbcLastBlock(key, padIso9797(data, padding)).slice(0, macLength);
}

/**
 * ISO/IEC 9797-1 MAC algorithm 3 (retail MAC) with a 16-byte key K1 || K2 and
 * padding method 1 or 2 (EMV default 2). Output transformation 3:
 * MAC = E(K1)[D(K2)[H_q]].
 */
export function retailMac(key16: Bytes, data: Bytes, padding: 1 | 2 = 2, macLength = 8): Bytes {
  requireKeyLength('retail MAC key', key16, [16]);
  checkMacLength(macLength);
  const k1 = key16.subarray(0, 8);
  const k2 = key16.subarray(8, 16);
  const h = cbcLastBlock(k1, padIso9797(data, padding));
  return desEcbEncrypt(k1, desEcbDecrypt(k2, h)).slice(0, macLength);
}

