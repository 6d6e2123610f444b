/** SHA-1 (FIPS 180-4; EMV Book 2 Annex B3 hashes certificates and Option B) and SHA-256. */
import { createHash, hash } from 'node:crypto';
import type { Bytes } from '../apdu/index.js';

function digest(algorithm: 'sha1' | 'sha256', parts: Bytes[]): Bytes {
  if (parts.length === 1) {
    // One part: the one-shot hash (Node >= 20.12) skips the Hash object.
    const d = hash(algorithm, parts[0]!, 'buffer');
    return new Uint8Array(d.buffer, d.byteOffset, d.length);
  }
  const h = createHash(algorithm);
  for (const p of parts) h.update(p);
  const d = h.digest();
  return new Uint8Array(d.buffer, d.byteOffset, d.length);
}

/** SHA-1 of the concatenation of `parts` (20 bytes). */
export function sha1(...parts: Bytes[]): Bytes {
  return digest('sha1', parts);
}

/** SHA-256 of the concatenation of `parts` (32 bytes). */
export function sha256(...parts: Bytes[]): Bytes {
  return digest('sha256', parts);
}
