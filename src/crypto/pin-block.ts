/**
 * ISO 9564-1 PIN blocks, formats 0 to 4, and the EMV offline plaintext PIN
 * block (EMV 4.3 Book 3 §6.5.12, the VERIFY data for P2 = '80').
 *
 * Formats 0-3 are 8-byte clear blocks (a PIN-encrypting device encrypts them);
 * format 4 is the 16-byte AES block and is returned enciphered under the AES
 * key, because its definition includes the encipherment (ISO 9564-1 §9.4.2).
 * Randomness (fill digits) is injected as `random(n)`, default crypto.randomBytes.
 */
import { randomBytes } from 'node:crypto';
import { fromHex, toHex, xor, type Bytes } from '../apdu/index.js';
import { aesEcbDecrypt, aesEcbEncrypt } from './aes.js';
import { PinBlockError, requireKeyLength } from './errors.js';

export type PinBlockFormat = 0 | 1 | 2 | 3 | 4;
export type RandomSource = (n: number) => Bytes;

export interface PinBlockOptions {
  /** PAN digits; needed by formats 0, 3 and 4. */
  pan?: string;
  /** AES key (16/24/32 bytes); needed by format 4. */
  key?: Bytes;
  /** Source of random bytes for fill digits (formats 1, 3, 4). */
  random?: RandomSource;
}

const defaultRandom: RandomSource = (n) => new Uint8Array(randomBytes(n));

function checkPin(pin: string): void {
  if (!/^[0-9]{4,12}$/.test(pin)) throw new PinBlockError(`PIN must be 4 to 12 decimal digits, got ${pin.length} characters`);
}

function requirePan(options: PinBlockOptions, format: PinBlockFormat): string {
  const pan = options.pan;
  if (pan === undefined) throw new PinBlockError(`format ${format} needs the PAN`);
  if (!/^[0-9]{1,19}$/.test(pan)) throw new PinBlockError(`PAN must be 1 to 19 decimal digits, got '${pan}'`);
  return pan;
}

/** `count` random hex nibbles; `alphabet` restricts them (format 3: A..F) by rejection sampling. */
function randomNibbles(random: RandomSource, count: number, alphabet = '0123456789ABCDEF'): string {
  if (alphabet.length === 16) return toHex(random(Math.ceil(count / 2))).slice(0, count);
  // One byte per fill digit, reduced modulo the alphabet: the bias (4 in 256 for A-F) is
  // irrelevant for fill digits, and unlike rejection sampling it always terminates, even
  // with an injected source that repeats one value.
  let out = '';
  for (const b of random(count)) out += alphabet[b % alphabet.length]!;
  return out;
}

/**
 * The PAN field of formats 0 and 3 (ISO 9564-1 §9.4.1): '0000' then the 12
 * rightmost PAN digits excluding the check digit (left-padded with zeros).
 */
export function format0PanField(pan: string): Bytes {
  if (!/^[0-9]{1,19}$/.test(pan)) throw new PinBlockError(`PAN must be 1 to 19 decimal digits, got '${pan}'`);
  return fromHex('0000' + pan.slice(0, -1).slice(-12).padStart(12, '0'));
}

/** Control nibble, length nibble, PIN, then `fill` nibbles up to 16 (formats 0-3). */
function pinField(control: number, pin: string, fill: string): Bytes {
  return fromHex(control.toString(16) + pin.length.toString(16) + pin + fill.slice(0, 14 - pin.length));
}

/**
 * The plaintext 16-byte PIN field of format 4 (ISO 9564-1 §9.4.2): '4', N, PIN,
 * 'A' fill to 16 nibbles, then 8 random bytes.
 */
export function format4PinField(pin: string, random: RandomSource = defaultRandom): Bytes {
  checkPin(pin);
  const head = '4' + pin.length.toString(16) + pin + 'A'.repeat(14 - pin.length);
  const tail = random(8);
  if (tail.length !== 8) throw new PinBlockError(`random source returned ${tail.length} bytes, expected 8`);
  return fromHex(head + toHex(tail));
}

/**
 * The 16-byte PAN field of format 4 (ISO 9564-1 §9.4.2): M = PAN length - 12
 * (0 when shorter), the PAN left-padded with zeros to 12 digits, then zeros.
 */
export function format4PanField(pan: string): Bytes {
  if (!/^[0-9]{1,19}$/.test(pan)) throw new PinBlockError(`PAN must be 1 to 19 decimal digits, got '${pan}'`);
  const m = Math.max(0, pan.length - 12);
  return fromHex((m.toString(16) + pan.padStart(12, '0')).padEnd(32, '0'));
}

/** EMV offline plaintext PIN block (Book 3 §6.5.12): '2', N, PIN, 'F' fill = ISO format 2. */
export function offlinePlaintextPinBlock(pin: string): Bytes {
  checkPin(pin);
  return pinField(2, pin, 'F'.repeat(14));
}

/** Encodes a PIN block. Formats 0-3 give 8 clear bytes; format 4 gives 16 bytes enciphered under `options.key`. */
export function encodePinBlock(format: PinBlockFormat, pin: string, options: PinBlockOptions = {}): Bytes {
  checkPin(pin);
  const random = options.random ?? defaultRandom;
  switch (format) {
    case 0:
      return xor(pinField(0, pin, 'F'.repeat(14)), format0PanField(requirePan(options, 0)));
    case 1:
      return pinField(1, pin, randomNibbles(random, 14 - pin.length));
    case 2:
      return offlinePlaintextPinBlock(pin);
    case 3:
      return xor(pinField(3, pin, randomNibbles(random, 14 - pin.length, 'ABCDEF')), format0PanField(requirePan(options, 3)));
    case 4: {
      const key = options.key;
      if (!key) throw new PinBlockError('format 4 needs the AES key');
      requireKeyLength('format 4 AES key', key, [16, 24, 32]);
      const panField = format4PanField(requirePan(options, 4));
      // ISO 9564-1 §9.4.2.3: encipher the PIN field, XOR the PAN field, encipher again.
      const intermediate = xor(aesEcbEncrypt(key, format4PinField(pin, random)), panField);
      return aesEcbEncrypt(key, intermediate);
    }
    default:
      throw new PinBlockError(`unknown PIN block format ${String(format)}`);
  }
}

/** Checks control nibble, length, digits and fill of a clear PIN field; returns the PIN. */
function parsePinField(field: Bytes, format: PinBlockFormat, fillAlphabet: RegExp | null): string {
  const hex = toHex(field);
  const control = parseInt(hex[0]!, 16);
  if (control !== format) throw new PinBlockError(`control field ${control} (not format ${format})`);
  const n = parseInt(hex[1]!, 16);
  if (n < 4 || n > 12) throw new PinBlockError(`PIN length ${n} outside 4..12`);
  const pin = hex.slice(2, 2 + n);
  if (!/^[0-9]+$/.test(pin)) throw new PinBlockError(`PIN not numeric ${pin}`);
  const fill = hex.slice(2 + n, 16);
  if (fillAlphabet && !fillAlphabet.test(fill)) throw new PinBlockError(`filler ${fill} incorrect`);
  return pin;
}

/** Decodes a PIN block (format 4: deciphers with `options.key`); throws PinBlockError on any inconsistency. */
export function decodePinBlock(format: PinBlockFormat, block: Bytes, options: PinBlockOptions = {}): string {
  const expected = format === 4 ? 16 : 8;
  if (block.length !== expected) throw new PinBlockError(`format ${format} block is ${expected} bytes, got ${block.length}`);
  switch (format) {
    case 0:
      return parsePinField(xor(block, format0PanField(requirePan(options, 0))), 0, /^F*$/);
    case 1:
      return parsePinField(block, 1, null);
    case 2:
      return parsePinField(block, 2, /^F*$/);
    case 3:
      return parsePinField(xor(block, format0PanField(requirePan(options, 3))), 3, /^[A-F]*$/);
    case 4: {
      const key = options.key;
      if (!key) throw new PinBlockError('format 4 needs the AES key');
      requireKeyLength('format 4 AES key', key, [16, 24, 32]);
      const panField = format4PanField(requirePan(options, 4));
      const pinFieldBytes = aesEcbDecrypt(key, xor(aesEcbDecrypt(key, block), panField));
      return parsePinField(pinFieldBytes.subarray(0, 8), 4, /^A*$/);
    }
    default:
      throw new PinBlockError(`unknown PIN block format ${String(format)}`);
  }
}
