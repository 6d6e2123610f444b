/**
 * ISO/IEC 9797-1 padding methods 1 and 2 (EMV Book 2 §A1.2.1 uses method 2 for
 * cryptograms and MACs; Visa CVN 10 and Geldkarte use method 1).
 */
import type { Bytes } from '../apdu/index.js';
import { PaddingError } from './errors.js';

/**
 * Method 1: right-pad with as few (possibly no) zero bytes as reach a positive
 * multiple of the block size (empty data becomes one block of zeros).
 * Method 2: append '80', then as few zero bytes as reach a block multiple
 * (always adds at least one byte).
 */
export function padIso9797(data: Bytes, method: 1 | 2, blockSize = 8): Bytes {
  if (method !== 1 && method !== 2) throw new RangeError(`ISO/IEC 9797-1 padding method must be 1 or 2, not ${String(method)}`);
  if (!Number.isInteger(blockSize) || blockSize < 1) throw new RangeError(`bad block size ${blockSize}`);
  if (method === 1) {
    if (data.length > 0 && data.length % blockSize === 0) return data.slice();
    const n = Math.max(1, Math.ceil(data.length / blockSize)) * blockSize;
    const out = new Uint8Array(n);
    out.set(data);
    return out;
  }
  const n = (Math.floor(data.length / blockSize) + 1) * blockSize;
  const out = new Uint8Array(n);
  out.set(data);
  out[data.length] = 0x80;
  return out;
}

/**
 * Removes ISO/IEC 9797-1 method 2 padding: trailing zero bytes and the '80'
 * before them. Throws PaddingError when there is no '80' marker, or when the
 * padding is longer than a block (if `blockSize` is given).
 */
export function unpadIso9797Method2(data: Bytes, blockSize?: number): Bytes {
  let i = data.length - 1;
  while (i >= 0 && data[i] === 0x00) i--;
  if (i < 0) throw new PaddingError('ISO/IEC 9797-1 method 2 padding', "no '80' marker (all bytes are zero)", 0);
  if (data[i] !== 0x80) {
    throw new PaddingError('ISO/IEC 9797-1 method 2 padding', `expected '80' before the zero bytes, found '${data[i]!.toString(16).toUpperCase().padStart(2, '0')}'`, i);
  }
  if (blockSize !== undefined) {
    if (data.length % blockSize !== 0) {
      throw new PaddingError('ISO/IEC 9797-1 method 2 padding', `padded length ${data.length} is not a multiple of ${blockSize}`, data.length);
    }
    if (data.length - i > blockSize) throw new PaddingError('ISO/IEC 9797-1 method 2 padding', 'padding longer than one block', i);
  }
  return data.slice(0, i);
}

/** Method 2 padding only when the data is not already a non-empty block multiple (Mastercard script data, Book 2 §9.3). */
export function padIso9797Method2IfNeeded(data: Bytes, blockSize = 8): Bytes {
  return data.length % blockSize === 0 && data.length > 0 ? data.slice() : padIso9797(data, 2, blockSize);
}

