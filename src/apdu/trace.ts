/**
 * APDU trace: a CardTransport decorator that records every exchange (and every
 * reset with its ATR), JSON-lines export and import, and the PIN masking rule.
 *
 * Secrets never reach a trace: the data field of VERIFY (INS 20, EMV Book 3
 * §6.5.12: plaintext or enciphered PIN block), CHANGE REFERENCE DATA and EMV
 * PIN CHANGE (INS 24, Book 3 §6.5.10: new PIN) and RESET RETRY COUNTER (INS 2C)
 * is replaced by 'XX' per byte BEFORE the command is stored, so neither the
 * in-memory records, the JSONL nor any formatter can show it. The header and
 * Lc stay, so the trace still tells which PIN format was used and how long it was.
 */
import { type Bytes, fromHex, toHex } from './bytes.js';
import { decodeResponse } from './command.js';
import { commandName, describeCommandParameters } from './command-names.js';
import { DocumentError } from './errors.js';
import { describeStatusWord } from './status-words.js';
import type { CardTransport, Protocol } from './transport.js';

/** One command/response pair. `command` is hex with masked bytes shown as 'XX'. */
export interface TraceExchange {
  type: 'apdu';
  index: number;
  /** ISO-8601 time the command was sent. */
  time: string;
  durationMs: number;
  name: string;
  /** Annotation of P1/P2 (e.g. "ARQC requested, CDA signature requested"). */
  params?: string;
  command: string;
  response: string;
  sw: string;
  status: string;
  /** True when secret bytes of the command were masked. */
  masked?: boolean;
}

/** A cold or warm reset and the ATR it produced. */
export interface TraceReset {
  type: 'reset';
  index: number;
  time: string;
  kind: 'cold' | 'warm';
  atr: string;
  protocol: Protocol;
}

export type TraceRecord = TraceExchange | TraceReset;

/** Time given to records imported without one (a plain {command, response} list): shown as "not recorded". */
export const UNRECORDED_TIME = new Date(0).toISOString();

/** Mask marker for one secret byte in a hex string. */
export const MASKED_BYTE = 'XX';

/** True when the command's data field is a secret (PIN, new PIN, PUK). */
export function hasSecretData(command: Bytes): boolean {
  const ins = command[1];
  const p2 = command[3];
  if (ins === 0x20 || ins === 0x2c) return true;
  // EMV PIN CHANGE/UNBLOCK with P2 00 (unblock only) carries just a MAC; every other INS 24 carries a PIN.
  if (ins === 0x24) return !((command[0]! & 0x80) !== 0 && p2 === 0x00);
  return false;
}

/**
 * Hex of a command with the data field of secret-bearing commands replaced by
 * 'XX' per byte (short Lc only: EMV commands are short, ISO/IEC 7816-4 §5.1).
 */
export function maskCommandHex(command: Bytes): { hex: string; masked: boolean } {
  if (command.length <= 5 || !hasSecretData(command)) return { hex: toHex(command), masked: false };
  const lc = command[4]!;
  // Extended (Lc 00 + 2 bytes) or inconsistent lengths: mask everything after the header.
  const shortOk = lc !== 0 && (command.length === 5 + lc || command.length === 6 + lc);
  const dataEnd = shortOk ? 5 + lc : command.length;
  const dataStart = shortOk ? 5 : 4;
  const hex =
    toHex(command.subarray(0, dataStart)) + MASKED_BYTE.repeat(dataEnd - dataStart) + toHex(command.subarray(dataEnd));
  return { hex, masked: true };
}

/**
 * Parses trace hex that may contain 'XX' masked bytes: returns the bytes
 * (masked ones as 00) and which positions are masked.
 */
export function parseMaskedHex(text: string): { bytes: Bytes; masked: boolean[] } {
  const clean = text.replace(/[\s:]/g, '');
  const masked: boolean[] = [];
  let plain = '';
  for (let i = 0; i + 1 < clean.length; i += 2) {
    const pair = clean.slice(i, i + 2);
    const isMask = pair.toUpperCase() === MASKED_BYTE;
    masked.push(isMask);
    plain += isMask ? '00' : pair;
  }
  if (clean.length % 2 !== 0) plain += clean.slice(-1);
  return { bytes: fromHex(plain), masked };
}

/**
 * Masks recorded command text (a trace file, a replay pair) that may already
 * contain 'XX': position by position, a byte stays 'XX' where the text had it
 * and becomes 'XX' wherever the masking rule (maskCommandHex) masks it; every
 * other byte is the rebuilt hex. The raw text is never kept as a whole, so a
 * trace masked in one place cannot carry a PIN in clear in another
 * (Book 3 §6.5.12 VERIFY, §6.5.10 PIN CHANGE/UNBLOCK data).
 */
export function maskRecordedCommandHex(text: string): { hex: string; masked: boolean } {
  const { bytes, masked: fileMasked } = parseMaskedHex(text);
  const rule = maskCommandHex(bytes).hex;
  let hex = '';
  let anyMasked = false;
  for (let i = 0; i < bytes.length; i++) {
    const pair = rule.slice(2 * i, 2 * i + 2);
    const isMask = fileMasked[i] === true || pair === MASKED_BYTE;
    anyMasked ||= isMask;
    hex += isMask ? MASKED_BYTE : pair;
  }
  return { hex, masked: anyMasked };
}

/** Builds the record of one exchange from raw bytes, masking first. */
export function recordExchange(index: number, time: Date, durationMs: number, command: Bytes, response: Bytes): TraceExchange {
  const { hex, masked } = maskCommandHex(command);
  const cla = command[0] ?? 0;
  const ins = command[1] ?? 0;
  const p1 = command[2] ?? 0;
  const p2 = command[3] ?? 0;
  let sw = '';
  let status = 'no status word (response shorter than 2 bytes)';
  if (response.length >= 2) {
    const r = decodeResponse(response);
    const info = describeStatusWord(r.sw);
    sw = info.sw;
    status = info.meaning;
  }
  const params = command.length >= 4 ? describeCommandParameters(cla, ins, p1, p2) : '';
  return {
    type: 'apdu',
    index,
    time: time.toISOString(),
    durationMs: Math.round(durationMs * 1000) / 1000,
    name: command.length >= 2 ? commandName(cla, ins) : 'MALFORMED',
    ...(params ? { params } : {}),
    command: hex,
    response: toHex(response),
    sw,
    status,
    ...(masked ? { masked: true } : {}),
  };
}

export interface TracingOptions {
  /** Wall clock for timestamps (tests inject a fixed one). */
  clock?: () => Date;
  /** Called with each record as soon as it is made (e.g. to stream JSONL to a file). */
  onRecord?: (record: TraceRecord) => void;
}

/**
 * An exchange as recorded: the bytes, kept until someone reads the trace. A secret data field
 * (hasSecretData) is zeroed in this copy when it is recorded, so the PIN never stays in memory;
 * the record shows those bytes as 'XX' (the rule depends only on the header and Lc, which stay).
 */
interface RawExchange {
  type: 'raw';
  index: number;
  time: Date;
  durationMs: number;
  command: Bytes;
  response: Bytes;
}

/** A copy of `command` with the bytes maskCommandHex would mask set to 00. */
function withoutSecrets(command: Bytes): Bytes {
  const copy = command.slice();
  if (copy.length <= 5 || !hasSecretData(copy)) return copy;
  const lc = copy[4]!;
  const shortOk = lc !== 0 && (copy.length === 5 + lc || copy.length === 6 + lc);
  // Same range as maskCommandHex: the data field, or everything after the header when Lc is odd.
  // Without a short Lc, Lc is zeroed too, and Lc 00 again selects "everything after the header".
  copy.fill(0, shortOk ? 5 : 4, shortOk ? 5 + lc : copy.length);
  return copy;
}

/**
 * A CardTransport that records everything that passes through `inner`. Records are rendered
 * (hex, names, status text, ISO time) when the trace is read, or at once when `onRecord`
 * streams them: a kernel run whose trace nobody reads does not pay for it.
 */
export class TracingTransport implements CardTransport {
  readonly #inner: CardTransport;
  readonly #records: (TraceRecord | RawExchange)[] = [];
  readonly #clock: () => Date;
  readonly #onRecord: ((r: TraceRecord) => void) | undefined;

  constructor(inner: CardTransport, options: TracingOptions = {}) {
    this.#inner = inner;
    this.#clock = options.clock ?? (() => new Date());
    this.#onRecord = options.onRecord;
  }

  get name(): string {
    return `${this.#inner.name} (traced)`;
  }

  get protocol(): Protocol {
    return this.#inner.protocol;
  }

  /** The records so far (a copy). */
  get records(): TraceRecord[] {
    return this.#rendered(this.#records.length);
  }

  /** The records made so far, rendered only when the returned function is called (the same array every call). */
  recordsSoFar(): () => TraceRecord[] {
    const count = this.#records.length;
    let out: TraceRecord[] | undefined;
    return () => (out ??= this.#rendered(count));
  }

  async transmit(command: Bytes): Promise<Bytes> {
    const time = this.#clock();
    const start = performance.now();
    const response = await this.#inner.transmit(command);
    const durationMs = performance.now() - start;
    const index = this.#records.length;
    if (this.#onRecord) this.#push(recordExchange(index, time, durationMs, command, response));
    else this.#records.push({ type: 'raw', index, time, durationMs, command: withoutSecrets(command), response: response.slice() });
    return response;
  }

  async coldReset(): Promise<Bytes> {
    return this.#reset('cold', () => this.#inner.coldReset());
  }

  async warmReset(): Promise<Bytes> {
    return this.#reset('warm', () => this.#inner.warmReset());
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  /** The trace as JSON lines. */
  toJsonl(): string {
    return toJsonl(this.records);
  }

  #rendered(count: number): TraceRecord[] {
    const out: TraceRecord[] = [];
    for (let i = 0; i < count; i++) {
      let r = this.#records[i]!;
      if (r.type === 'raw') this.#records[i] = r = recordExchange(r.index, r.time, r.durationMs, r.command, r.response);
      out.push(r);
    }
    return out;
  }

  async #reset(kind: 'cold' | 'warm', doReset: () => Promise<Bytes>): Promise<Bytes> {
    const time = this.#clock();
    const atr = await doReset();
    this.#push({ type: 'reset', index: this.#records.length, time: time.toISOString(), kind, atr: toHex(atr), protocol: this.#inner.protocol });
    return atr;
  }

  #push(record: TraceRecord): void {
    this.#records.push(record);
    this.#onRecord?.(record);
  }
}

/** One JSON object per line, newline-terminated. */
export function toJsonl(records: readonly TraceRecord[]): string {
  return records.map((r) => JSON.stringify(r) + '\n').join('');
}

/**
 * Reads a JSONL trace. Each line must be a reset or an exchange record; a bad
 * line is a DocumentError naming file:line and the field. Secret commands are
 * masked again on import, so a hand-edited trace cannot smuggle a PIN through.
 */
export function parseTraceJsonl(text: string, file?: string): TraceRecord[] {
  const out: TraceRecord[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const where = (field: string) => ({ ...(file !== undefined ? { file } : {}), line: i + 1, field });
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (err) {
      throw new DocumentError(`not JSON (${(err as Error).message})`, where('line'));
    }
    if (typeof obj !== 'object' || obj === null) throw new DocumentError('expected a JSON object', where('line'));
    out.push(recordFromJson(obj as Record<string, unknown>, out.length, where));
  }
  return out;
}

function recordFromJson(
  o: Record<string, unknown>,
  index: number,
  where: (field: string) => { file?: string; line: number; field: string },
): TraceRecord {
  const hexField = (name: string, allowMask: boolean): string => {
    const v = o[name];
    if (typeof v !== 'string') throw new DocumentError('expected a hex string', where(name));
    const ok = allowMask ? /^([0-9A-Fa-f]{2}|XX|xx)*$/.test(v.replace(/\s/g, '')) : /^([0-9A-Fa-f]{2})*$/.test(v.replace(/\s/g, ''));
    if (!ok) throw new DocumentError(`'${v.slice(0, 40)}' is not hex`, where(name));
    return v.replace(/\s/g, '').toUpperCase();
  };
  const time = typeof o.time === 'string' ? o.time : UNRECORDED_TIME;
  const type = o.type ?? 'apdu';
  if (type === 'reset') {
    const protocol = o.protocol === 'T=1' ? 'T=1' : 'T=0';
    return { type: 'reset', index, time, kind: o.kind === 'warm' ? 'warm' : 'cold', atr: hexField('atr', false), protocol };
  }
  if (type !== 'apdu') throw new DocumentError(`unknown record type '${String(type)}'`, where('type'));
  const commandHex = hexField('command', true);
  const responseHex = hexField('response', false);
  const { bytes } = parseMaskedHex(commandHex);
  if (bytes.length < 4) throw new DocumentError('a command needs at least 4 bytes', where('command'));
  const response = fromHex(responseHex);
  if (response.length < 2) throw new DocumentError('a response needs SW1 SW2', where('response'));
  const rebuilt = recordExchange(index, new Date(0), Number(o.durationMs ?? 0) || 0, bytes, response);
  // Keep bytes masked in the file masked AND mask anything secret the file left in clear.
  const { hex: command, masked } = maskRecordedCommandHex(commandHex);
  // The merged mask covers the rule's mask, so `masked` only ever widens rebuilt.masked.
  return { ...rebuilt, time, command, ...(masked ? { masked: true } : {}) };
}

/** The exchanges of a trace, without the resets. */
export function exchangesOf(records: readonly TraceRecord[]): TraceExchange[] {
  return records.filter((r): r is TraceExchange => r.type === 'apdu');
}
