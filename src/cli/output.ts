/** Shared CLI output helpers: JSON printing and the one-line error report. */
import { styleText } from 'node:util';

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function println(text = ''): void {
  process.stdout.write(text + '\n');
}

/** The exit-code contract lives in exit.ts; re-exported for the commands that import it from here. */
export { reportError } from './exit.js';

/** Colour for outcomes and verdicts: only when stdout is a terminal and NO_COLOR is unset (https://no-color.org). */
export function colourEnabled(stream: { isTTY?: boolean } = process.stdout): boolean {
  const noColor = process.env.NO_COLOR;
  return Boolean(stream.isTTY) && (noColor === undefined || noColor === '') && process.env.TERM !== 'dumb';
}

type Style = 'green' | 'red' | 'yellow' | 'bold' | 'dim';

/** styleText without its own stream check (newer Node checks process.stdout): colourEnabled decided already. */
const style = (format: Style, text: string): string =>
  (styleText as (f: Style, t: string, o?: { validateStream?: boolean }) => string)(format, text, { validateStream: false });

/** `text` in a style when colour is on, else unchanged. */
export function paint(how: Style, text: string, enabled = colourEnabled()): string {
  return enabled ? style(how, text) : text;
}

/** Colours the verdict words of a line: APPROVED/PASS green, DECLINED/FAIL/TERMINATED red. */
export function paintVerdicts(line: string, enabled = colourEnabled()): string {
  if (!enabled) return line;
  return line.replace(/\b(APPROVED|PASS(?:ED)?|DECLINED|TERMINATED|FAIL(?:ED)?|ERROR)\b/g, (w) =>
    style(/^(APPROVED|PASS)/.test(w) ? 'green' : 'red', w),
  );
}

/** The text of stdin (for `-` as a file or hex argument). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * What main.ts passes for a lone `-` argument: yargs drops a bare `-`, so it is renamed before parsing.
 * A command that reads a file or hex words takes this as "read stdin".
 */
export const STDIN_ARG = '<stdin>';

export function isStdinArg(arg: unknown): boolean {
  return arg === STDIN_ARG || arg === '-';
}

/** Hex words from the command line, or from stdin when the only word is `-`. */
export async function hexWords(words: readonly string[]): Promise<string> {
  if (words.length === 1 && isStdinArg(words[0])) return (await readStdin()).trim();
  return words.map(String).join(' ');
}
