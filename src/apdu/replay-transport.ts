/**
 * A CardTransport that plays back a recorded trace: the terminal talks to it
 * as to a card, each command must equal the recorded one, and the recorded
 * response comes back. A difference is a ReplayMismatchError naming the index
 * of the exchange and the first differing byte offset. Masked bytes ('XX',
 * see trace.ts) match anything, so a trace with a masked PIN still replays.
 */
import { type Bytes, fromHex } from './bytes.js';
import { DocumentError, TransportError } from './errors.js';
import { type TraceRecord, maskCommandHex, maskRecordedCommandHex, parseMaskedHex, parseTraceJsonl } from './trace.js';
import type { CardTransport, Protocol } from './transport.js';

/** The sent command differs from the recorded one. */
export class ReplayMismatchError extends TransportError {
  readonly exchangeIndex: number;
  readonly offset: number;
  constructor(exchangeIndex: number, offset: number, sent: string, recorded: string) {
    super(
      'REPLAY_MISMATCH',
      `replay: command of exchange ${exchangeIndex} differs from the trace at byte offset ${offset} (sent ${sent}, recorded ${recorded})`,
    );
    this.exchangeIndex = exchangeIndex;
    this.offset = offset;
  }
}

/** A command was sent after the last recorded exchange. */
export class ReplayExhaustedError extends TransportError {
  readonly exchangeIndex: number;
  constructor(exchangeIndex: number, sent: string) {
    super('REPLAY_EXHAUSTED', `replay: exchange ${exchangeIndex} (${sent}) is past the end of the trace`);
    this.exchangeIndex = exchangeIndex;
  }
}

/** A recorded pair as the simplest traces give it. */
export interface ReplayPair {
  command: string;
  response: string;
}

export interface ReplayOptions {
  name?: string;
  /** ATR when the trace has no reset record (default: a minimal T=0 ATR, 3B 00). */
  atr?: string;
  protocol?: Protocol;
}

type Step = { kind: 'reset'; atr: Bytes; protocol: Protocol } | { kind: 'apdu'; command: string; response: Bytes };

/** First offset where `sent` differs from `recorded` (masked positions match anything); -1 if equal. */
export function firstDifference(sent: Bytes, recorded: Bytes, masked: readonly boolean[] = []): number {
  const n = Math.min(sent.length, recorded.length);
  for (let i = 0; i < n; i++) if (!masked[i] && sent[i] !== recorded[i]) return i;
  return sent.length === recorded.length ? -1 : n;
}

export class ReplayTransport implements CardTransport {
  readonly name: string;
  readonly #steps: Step[];
  #position = 0;
  #exchangeIndex = 0;
  #atr: Bytes;
  #protocol: Protocol;

  constructor(records: ReadonlyArray<TraceRecord | ReplayPair>, options: ReplayOptions = {}) {
    this.#steps = records.map((r, i) => toStep(r, i));
    const firstReset = this.#steps.find((s): s is Extract<Step, { kind: 'reset' }> => s.kind === 'reset');
    this.#atr = firstReset?.atr ?? fromHex(options.atr ?? '3B00');
    this.#protocol = firstReset?.protocol ?? options.protocol ?? 'T=0';
    this.name = options.name ?? 'replayed trace';
  }

  get protocol(): Protocol {
    return this.#protocol;
  }

  /** Exchanges not yet played (0 when the run used the whole trace). */
  get remaining(): number {
    return this.#steps.slice(this.#position).filter((s) => s.kind === 'apdu').length;
  }

  async transmit(command: Bytes): Promise<Bytes> {
    // Resets are matched by coldReset/warmReset; a caller that skips them still replays the APDUs.
    while (this.#steps[this.#position]?.kind === 'reset') this.#position++;
    const step = this.#steps[this.#position];
    const index = this.#exchangeIndex;
    if (step === undefined || step.kind !== 'apdu') throw new ReplayExhaustedError(index, maskCommandHex(command).hex);
    const { bytes: recorded, masked } = parseMaskedHex(step.command);
    const offset = firstDifference(command, recorded, masked);
    if (offset >= 0) throw new ReplayMismatchError(index, offset, maskCommandHex(command).hex, step.command);
    this.#position++;
    this.#exchangeIndex++;
    return step.response.slice();
  }

  async coldReset(): Promise<Bytes> {
    return this.#reset();
  }

  async warmReset(): Promise<Bytes> {
    return this.#reset();
  }

  async close(): Promise<void> {}

  #reset(): Bytes {
    const step = this.#steps[this.#position];
    if (step?.kind === 'reset') {
      this.#atr = step.atr;
      this.#protocol = step.protocol;
      this.#position++;
    }
    return this.#atr.slice();
  }
}

function toStep(r: TraceRecord | ReplayPair, i: number): Step {
  if ('type' in r && r.type === 'reset') return { kind: 'reset', atr: fromHex(r.atr), protocol: r.protocol };
  const command = String(r.command).replace(/\s/g, '').toUpperCase();
  if (!/^([0-9A-F]{2}|XX)+$/.test(command)) throw new DocumentError('not hex', { field: `[${i}].command` });
  let response: Bytes;
  try {
    response = fromHex(String(r.response));
  } catch {
    throw new DocumentError('not hex', { field: `[${i}].response` });
  }
  if (response.length < 2) throw new DocumentError('a response needs SW1 SW2', { field: `[${i}].response` });
  // Stored masked (trace.ts rule merged with the 'XX' already there): a PIN left in
  // clear in a hand-made pair list never reaches a ReplayMismatchError message.
  return { kind: 'apdu', command: maskRecordedCommandHex(command).hex, response };
}

/**
 * Loads a trace for replay: JSON lines (TracingTransport's format) or a JSON
 * array of {command, response} hex pairs.
 */
export function loadReplayTrace(text: string, file?: string): TraceRecord[] | ReplayPair[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (err) {
      throw new DocumentError(`not JSON (${(err as Error).message})`, { ...(file ? { file } : {}), field: '$' });
    }
    const list = parsed as unknown[];
    return list.map((p, i) => {
      if (typeof p !== 'object' || p === null) throw new DocumentError('expected {command, response}', { ...(file ? { file } : {}), field: `[${i}]` });
      const o = p as Record<string, unknown>;
      return { command: String(o.command ?? ''), response: String(o.response ?? '') };
    });
  }
  return parseTraceJsonl(text, file);
}

