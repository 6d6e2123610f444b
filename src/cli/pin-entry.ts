/**
 * Where `emvsim transact` gets the cardholder's PIN, in this order:
 *   --pin (repeatable; 'bypass' and 'fail' stand for a bypass and a failing PIN pad),
 *   --pin-stdin (one entry per line, for scripts: nothing in the shell history),
 *   EMVSIM_PIN (comma-separated entries),
 *   a masked prompt on the terminal (no echo; tries left shown; an empty entry bypasses).
 * A PIN that is not 4 to 12 digits is bad input (Book 3 §6.5.12; ISO 9564-1), never a silent bypass, and
 * with no source left and no terminal the run stops with exit 2 instead of bypassing on its own.
 */
import { DocumentError } from '../apdu/errors.js';
import type { CardholderInterface, PinEntry, PinPrompt } from '../terminal/environment.js';
import { ScriptedCardholder } from '../terminal/cardholder.js';

export const PIN_ENV = 'EMVSIM_PIN';

/** Checks one scripted entry: 4-12 digits, 'bypass' or 'fail'. */
export function checkPinEntry(entry: string, where: string): string {
  if (entry === 'bypass' || entry === 'fail' || /^\d{4,12}$/.test(entry)) return entry;
  throw new DocumentError(`'${entry.replace(/\d/g, '*')}' is not a PIN of 4 to 12 digits (or 'bypass')`, { field: where });
}

export interface PinSources {
  pins: string[];
  pinStdin?: boolean;
  env?: NodeJS.ProcessEnv;
  /** stdin's text for --pin-stdin (tests); default: read fd 0. */
  readStdin?: () => string;
}

/** The scripted entries from --pin, --pin-stdin or EMVSIM_PIN, checked. */
export async function scriptedPins(s: PinSources): Promise<{ pins: string[]; source: string }> {
  if (s.pins.length > 0 && s.pinStdin) throw new DocumentError('give the PIN with --pin or with --pin-stdin, not both', { field: '--pin-stdin' });
  if (s.pins.length > 0) return { pins: s.pins.map((p) => checkPinEntry(p, '--pin')), source: '--pin' };
  if (s.pinStdin) {
    const text = s.readStdin ? s.readStdin() : await readAllStdin();
    const pins = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
    if (pins.length === 0) throw new DocumentError('stdin held no PIN (one entry per line)', { field: '--pin-stdin' });
    return { pins: pins.map((p, i) => checkPinEntry(p, `--pin-stdin line ${i + 1}`)), source: '--pin-stdin' };
  }
  const fromEnv = (s.env ?? process.env)[PIN_ENV];
  if (fromEnv !== undefined && fromEnv !== '') {
    return { pins: fromEnv.split(',').map((p) => checkPinEntry(p.trim(), PIN_ENV)), source: PIN_ENV };
  }
  return { pins: [], source: 'prompt' };
}

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function promptText(p: PinPrompt): string {
  const tries = p.triesLeft !== undefined ? `, ${p.triesLeft} ${p.triesLeft === 1 ? 'try' : 'tries'} left` : '';
  const kind = p.kind === 'online' ? 'online PIN' : 'PIN';
  return `${p.afterWrongPin ? 'INCORRECT PIN. ' : ''}Enter ${kind}${tries}${p.lastTry ? ' (LAST PIN TRY)' : ''}; empty to bypass: `;
}

/** Reads one masked line from a TTY: '*' per digit, Backspace, Enter; Ctrl-C interrupts. */
export function readMaskedLine(input: NodeJS.ReadStream, output: NodeJS.WriteStream, prompt: string): Promise<string> {
  return new Promise((resolve) => {
    // Echo off before the prompt shows: keys typed at once must not be echoed by the terminal.
    const wasRaw = input.isRaw;
    input.setRawMode?.(true);
    input.resume();
    output.write(prompt);
    let value = '';
    const finish = (result: string | 'interrupt') => {
      input.off('data', onData);
      input.setRawMode?.(wasRaw);
      input.pause();
      output.write('\n');
      if (result === 'interrupt') process.kill(process.pid, 'SIGINT');
      else resolve(result);
    };
    const onData = (data: Buffer) => {
      for (const ch of data.toString('utf8')) {
        if (ch === '\u0003') return finish('interrupt');
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish(value);
        if (ch === '\u007f' || ch === '\b') {
          if (value.length > 0) {
            value = value.slice(0, -1);
            output.write('\b \b');
          }
        } else if (ch >= ' ' && value.length < 12) {
          value += ch;
          output.write('*');
        }
      }
    };
    input.on('data', onData);
  });
}

/** PIN entries from the scripted sources, then from the terminal; errors when neither is left. */
export class CliCardholder implements CardholderInterface {
  private readonly scripted: ScriptedCardholder;
  private used = 0;
  /** Set when a PIN was needed and no source was left: the CLI reports it as bad input after the run. */
  missingPin: DocumentError | undefined;

  constructor(
    private readonly pins: string[],
    private readonly options: { onMessage?: (text: string) => void; interactive?: boolean } = {},
  ) {
    this.scripted = new ScriptedCardholder({ pins, ...(options.onMessage ? { onMessage: options.onMessage } : {}) });
  }

  chooseApplication(...a: Parameters<ScriptedCardholder['chooseApplication']>): Promise<number | undefined> {
    return this.scripted.chooseApplication(...a);
  }

  confirmApplication(...a: Parameters<ScriptedCardholder['confirmApplication']>): Promise<boolean> {
    return this.scripted.confirmApplication(...a);
  }

  display(message: string): void {
    this.scripted.display(message);
  }

  async enterPin(prompt: PinPrompt): Promise<PinEntry> {
    if (this.used < this.pins.length) {
      this.used++;
      return this.scripted.enterPin(prompt);
    }
    const interactive = this.options.interactive ?? Boolean(process.stdin.isTTY && process.stderr.isTTY);
    if (!interactive) {
      this.missingPin = new DocumentError(
        `the card asks for a PIN${prompt.triesLeft !== undefined ? ` (${prompt.triesLeft} tries left)` : ''} and none is left: give --pin, --pin-stdin or ${PIN_ENV}, or --pin bypass`,
        { field: '--pin' },
      );
      throw this.missingPin;
    }
    for (;;) {
      const text = await readMaskedLine(process.stdin, process.stderr, promptText(prompt));
      if (text === '') return { kind: 'bypass' };
      if (/^\d{4,12}$/.test(text)) return { kind: 'pin', pin: text };
      process.stderr.write('A PIN has 4 to 12 digits; try again (empty to bypass).\n');
    }
  }
}
