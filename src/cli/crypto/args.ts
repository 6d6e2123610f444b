/** Argument parsing helpers of `emvsim crypto`: hex and digit options with one-line errors. */
import { fromHex, toHex, type Bytes } from '../../apdu/bytes.js';
import { CryptoError } from '../../crypto/errors.js';
import { printJson, println } from '../output.js';

/** Parses a hex option; names the option in the error ("--key: invalid hex digit 'G' at character 3"). */
export function hexOption(name: string, value: unknown, lengths?: readonly number[]): Bytes {
  if (typeof value !== 'string' || value.length === 0) throw new CryptoError(`--${name}`, 'missing hex value');
  let bytes: Bytes;
  try {
    bytes = fromHex(value);
  } catch (err) {
    throw new CryptoError(`--${name}`, err instanceof Error ? err.message : String(err));
  }
  if (lengths && !lengths.includes(bytes.length)) {
    throw new CryptoError(`--${name}`, `${bytes.length} bytes; expected ${lengths.join(' or ')} bytes`);
  }
  return bytes;
}

/** An optional hex option (undefined when absent). */
export function optionalHex(name: string, value: unknown, lengths?: readonly number[]): Bytes | undefined {
  return value === undefined || value === '' ? undefined : hexOption(name, value, lengths);
}

/** A decimal-digits option such as a PAN or PIN. */
export function digitsOption(name: string, value: unknown, min: number, max: number): string {
  const s = typeof value === 'number' ? String(value) : value;
  if (typeof s !== 'string' || !new RegExp(`^[0-9]{${min},${max}}$`).test(s)) {
    throw new CryptoError(`--${name}`, `expected ${min === max ? min : `${min} to ${max}`} decimal digits, got '${String(value)}'`);
  }
  return s;
}

/** Prints the result: JSON (hex uppercase) with --json, otherwise the main value on one line. */
export function emit(json: boolean, main: string, fields: Record<string, unknown>): void {
  if (json) printJson(fields);
  else println(main);
}

export { toHex };
