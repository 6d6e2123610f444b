/** `emvsim crypto pinblock|luhn|iban` (imported lazily). */
import { DocumentError } from '../../apdu/errors.js';
import { fromHex, toHex } from '../../apdu/bytes.js';
import { decodePinBlock, encodePinBlock, ibanCheckDigits, ibanIsValid, isLuhnValid, luhnCheckDigit, normalizeIban, type PinBlockFormat } from '../../crypto/index.js';
import { CryptoError } from '../../crypto/errors.js';
import { digitsOption, emit, hexOption, optionalHex } from './args.js';

type Argv = Record<string, unknown> & { json?: boolean };

export function pinblock(argv: Argv): void {
  const format = Number(argv.format) as PinBlockFormat;
  if (![0, 1, 2, 3, 4].includes(format)) throw new CryptoError('--format', `expected 0 to 4, got '${String(argv.format)}'`);
  const pan = argv.pan === undefined ? undefined : digitsOption('pan', argv.pan, 1, 19);
  const key = optionalHex('key', argv.key, [16, 24, 32]);
  const random = argv.random === undefined ? undefined : fromHex(String(argv.random));
  const options = {
    ...(pan !== undefined ? { pan } : {}),
    ...(key ? { key } : {}),
    // --random HEX: fixed fill bytes, for reproducible examples.
    ...(random ? { random: (n: number) => random.slice(0, n) } : {}),
  };
  if (argv.action === 'encode') {
    const pin = digitsOption('pin', argv.pin, 4, 12);
    const block = encodePinBlock(format, pin, options);
    emit(Boolean(argv.json), toHex(block), { format, pinBlock: toHex(block), enciphered: format === 4 });
  } else {
    const block = hexOption('block', argv.block, [format === 4 ? 16 : 8]);
    const pin = decodePinBlock(format, block, options);
    emit(Boolean(argv.json), pin, { format, pin });
  }
}

/** Luhn: validity of the full number and the check digit its prefix should carry. Exit code 1 when invalid. */
export function luhn(argv: Argv): void {
  const digits = digitsOption('digits', argv.digits, 1, 64);
  if (argv.append) {
    const d = luhnCheckDigit(digits);
    emit(Boolean(argv.json), digits + d, { input: digits, checkDigit: d, number: digits + d });
    return;
  }
  const valid = isLuhnValid(digits);
  const expected = digits.length > 1 ? luhnCheckDigit(digits.slice(0, -1)) : undefined;
  emit(Boolean(argv.json), `${valid ? 'valid' : 'invalid'}${expected !== undefined ? ` (check digit ${expected})` : ''}`, { input: digits, valid, checkDigit: expected });
  if (!valid) process.exitCode = 1;
}

/** IBAN MOD 97-10. Exit code 1 when invalid. */
export function iban(argv: Argv): void {
  const value = normalizeIban(String(argv.iban ?? ''));
  const valid = ibanIsValid(value);
  let checkDigits: string;
  try {
    checkDigits = ibanCheckDigits(value);
  } catch (err) {
    // Not even of the IBAN form: bad input (exit 2), not a defect.
    if (err instanceof RangeError) throw new DocumentError(err.message, { field: '<iban>' });
    throw err;
  }
  emit(Boolean(argv.json), `${valid ? 'valid' : 'invalid'} (check digits ${checkDigits})`, { iban: value, valid, checkDigits });
  if (!valid) process.exitCode = 1;
}
