/**
 * Typed errors of src/crypto. Bad keys, bad lengths and bad padding are input
 * errors (the CLI prints one line and exits 2), so they extend EmvsimError.
 */
import { EmvsimError } from '../apdu/index.js';

/** Generic bad input to a cryptographic function; `what` names the parameter. */
export class CryptoError extends EmvsimError {
  readonly what: string;
  constructor(what: string, message: string, code = 'CRYPTO') {
    super(code, `${what}: ${message}`);
    this.what = what;
  }
}

/** A key of a length the algorithm does not accept. */
export class KeyLengthError extends CryptoError {
  readonly length: number;
  readonly allowed: readonly number[];
  constructor(what: string, length: number, allowed: readonly number[]) {
    super(what, `key of ${length} bytes; expected ${allowed.join(' or ')} bytes`, 'KEY_LENGTH');
    this.length = length;
    this.allowed = allowed;
  }
}

/** Data whose length is not what the operation needs (block multiple, fixed size). */
export class DataLengthError extends CryptoError {
  constructor(what: string, message: string) {
    super(what, message, 'DATA_LENGTH');
  }
}

/** Padding that does not decode (ISO/IEC 9797-1 method 2, PIN block fill). `offset` is the byte offset. */
export class PaddingError extends CryptoError {
  readonly offset: number;
  constructor(what: string, message: string, offset: number) {
    super(what, `${message} at byte offset ${offset}`, 'PADDING');
    this.offset = offset;
  }
}

/** A PIN block, PIN or PAN that does not satisfy ISO 9564-1. */
export class PinBlockError extends CryptoError {
  constructor(message: string) {
    super('PIN block', message, 'PIN_BLOCK');
  }
}

/** Throws KeyLengthError unless `key.length` is one of `allowed`. */
export function requireKeyLength(what: string, key: Uint8Array, allowed: readonly number[]): void {
  if (!allowed.includes(key.length)) throw new KeyLengthError(what, key.length, allowed);
}

/** Throws DataLengthError unless `data.length` is a multiple of `blockSize`. */
export function requireBlockMultiple(what: string, data: Uint8Array, blockSize: number): void {
  if (data.length % blockSize !== 0) {
    throw new DataLengthError(what, `${data.length} bytes is not a multiple of the ${blockSize}-byte block`);
  }
}
