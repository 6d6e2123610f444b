/** Shared CLI output helpers: JSON printing and the one-line error report. */
import { EmvsimError } from '../apdu/errors.js';

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function println(text = ''): void {
  process.stdout.write(text + '\n');
}

/**
 * Bad input is a one-line message and exit code 2 (never a stack trace).
 * Anything else is a bug: print it with its stack and exit 1.
 */
export function reportError(err: unknown): number {
  if (err instanceof EmvsimError) {
    process.stderr.write(`emvsim: ${err.message}\n`);
    return 2;
  }
  if (err instanceof RangeError || err instanceof TypeError) {
    process.stderr.write(`emvsim: ${err.message}\n`);
    return 2;
  }
  process.stderr.write(`emvsim: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 1;
}
