/**
 * The native layer of the `smartcard` package (tomkp, N-API: Context, Reader,
 * Card, ReaderMonitor) over a FakePcscd instead of libpcsclite. Same argument
 * handling, same promise/throw split, same messages (pcsc-codes.ts), same
 * state values: a native call that throws synchronously throws here too.
 */
import { RC, SCARD, smartcardError } from './pcsc-codes.js';
import { FakeContextToken, PNP_NOTIFICATION, type FakeCardHandle, type FakePcscd, type ReaderQuery } from './fake-pcscd.js';

export interface SmartcardReaderState {
  name: string;
  state: number;
  changed: boolean;
  atr: Buffer | null;
}

export interface SmartcardTransmitOptions {
  maxRecvLength?: number;
  autoGetResponse?: boolean;
}

export interface SmartcardCardLike {
  readonly protocol: number;
  readonly connected: boolean;
  readonly atr: Buffer | null;
  transmit(command: Buffer | number[], options?: SmartcardTransmitOptions): Promise<Buffer>;
  control(code: number, data?: Buffer | number[]): Promise<Buffer>;
  getStatus(): { state: number; protocol: number; atr: Buffer };
  disconnect(disposition?: number): void;
  reconnect(shareMode?: number, protocol?: number, initialization?: number): Promise<number>;
}

export interface MonitorEvent {
  type: 'reader-attached' | 'reader-detached' | 'card-inserted' | 'card-removed' | 'error';
  reader: string;
  state: number;
  atr: Buffer | null;
}

const toBuffer = (bytes: Uint8Array | undefined): Buffer | null => (bytes && bytes.length > 0 ? Buffer.from(bytes) : null);

function commandBytes(value: unknown, what: string): Buffer {
  if (Buffer.isBuffer(value)) return Buffer.from(value);
  if (Array.isArray(value)) return Buffer.from(value.map((v) => Number(v) & 0xff));
  throw new TypeError(what);
}

/** A function that rejects the way a native async worker does. */
async function native<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw smartcardError(err);
  }
}

export class FakeNativeCard implements SmartcardCardLike {
  #handle: FakeCardHandle;
  #connected = true;
  readonly #pcscd: FakePcscd;
  constructor(pcscd: FakePcscd, handle: FakeCardHandle) {
    this.#pcscd = pcscd;
    this.#handle = handle;
  }
  get protocol(): number {
    return this.#handle.protocol;
  }
  get connected(): boolean {
    return this.#connected;
  }
  get atr(): Buffer | null {
    if (!this.#connected) return null;
    try {
      return Buffer.from(this.#pcscd.status(this.#handle).atr);
    } catch {
      return null;
    }
  }
  transmit(command: Buffer | number[], options?: SmartcardTransmitOptions): Promise<Buffer> {
    if (!this.#connected) throw new Error('Card is not connected');
    if (command === undefined) throw new TypeError('Expected command buffer');
    const bytes = commandBytes(command, 'Expected Buffer or Array');
    const requested = options?.maxRecvLength ?? 0;
    const maxReceive = requested === 0 ? 258 : Math.min(requested, 262144);
    return native(async () => Buffer.from(await this.#pcscd.transmit(this.#handle, bytes, maxReceive)));
  }
  control(code: number, data?: Buffer | number[]): Promise<Buffer> {
    if (!this.#connected) throw new Error('Card is not connected');
    if (typeof code !== 'number') throw new TypeError('Expected control code');
    void data;
    return native(async () => Buffer.from(await this.#pcscd.control(this.#handle)));
  }
  getStatus(): { state: number; protocol: number; atr: Buffer } {
    if (!this.#connected) throw new Error('Card is not connected');
    try {
      const s = this.#pcscd.status(this.#handle);
      return { state: s.state, protocol: s.protocol, atr: Buffer.from(s.atr) };
    } catch (err) {
      throw smartcardError(err);
    }
  }
  disconnect(disposition: number = SCARD.LEAVE_CARD): void {
    if (!this.#connected) return;
    this.#connected = false;
    try {
      this.#pcscd.disconnect(this.#handle, disposition);
    } catch (err) {
      throw smartcardError(err);
    }
  }
  reconnect(shareMode: number = SCARD.SHARE_SHARED, protocol: number = SCARD.PROTOCOL_T0 | SCARD.PROTOCOL_T1, initialization: number = SCARD.LEAVE_CARD): Promise<number> {
    if (!this.#connected) throw new Error('Card is not connected');
    return native(() => this.#pcscd.reconnect(this.#handle, shareMode, protocol, initialization));
  }
}

export class FakeNativeReader {
  readonly name: string;
  readonly state: number;
  readonly #atr: Buffer | null;
  readonly #pcscd: FakePcscd;
  constructor(pcscd: FakePcscd, name: string, state: number, atr: Buffer | null) {
    this.#pcscd = pcscd;
    this.name = name;
    this.state = state;
    this.#atr = atr;
  }
  get atr(): Buffer | null {
    return this.#atr ? Buffer.from(this.#atr) : null;
  }
  connect(shareMode: number = SCARD.SHARE_SHARED, protocol: number = SCARD.PROTOCOL_T0 | SCARD.PROTOCOL_T1): Promise<FakeNativeCard> {
    return native(async () => new FakeNativeCard(this.#pcscd, await this.#pcscd.connect(this.name, shareMode, protocol)));
  }
}

export class FakeNativeContext {
  #valid = true;
  readonly #pcscd: FakePcscd;
  constructor(pcscd: FakePcscd) {
    this.#pcscd = pcscd;
  }
  readonly #token = new FakeContextToken();
  get isValid(): boolean {
    return this.#valid;
  }
  listReaders(): FakeNativeReader[] {
    if (!this.#valid) throw new Error('Context is not valid');
    return this.#pcscd.snapshot().map((s) => new FakeNativeReader(this.#pcscd, s.name, s.eventState, toBuffer(s.atr)));
  }
  waitForChange(readers?: Array<{ name: string; state?: number }> | string[], timeout?: number): Promise<SmartcardReaderState[] | null> {
    if (!this.#valid) throw new Error('Context is not valid');
    let timeoutMs: number | undefined;
    const queries: ReaderQuery[] = [];
    if (Array.isArray(readers)) {
      for (const r of readers) {
        if (typeof r === 'string') queries.push({ name: r, currentState: SCARD.STATE_UNAWARE });
        else if (r && typeof r === 'object' && 'name' in r) queries.push({ name: r.name, currentState: r.state ?? SCARD.STATE_UNAWARE });
      }
      if (typeof timeout === 'number') timeoutMs = timeout;
    } else if (typeof readers === 'number') {
      timeoutMs = readers;
    }
    if (queries.length === 0) {
      const names = this.#pcscd.readers;
      if (names.length === 0) queries.push({ name: PNP_NOTIFICATION, currentState: SCARD.STATE_UNAWARE });
      for (const name of names) queries.push({ name, currentState: SCARD.STATE_UNAWARE });
    }
    return this.#pcscd.getStatusChange(queries, timeoutMs, this.#token).then((result) => {
      if (result.code === RC.CANCELLED) return null;
      if (result.code === RC.TIMEOUT) return [];
      return result.states.map((s) => ({ name: s.name, state: s.eventState, changed: (s.eventState & SCARD.STATE_CHANGED) !== 0, atr: toBuffer(s.atr) }));
    });
  }
  cancel(): void {
    if (this.#valid) this.#token.cancel();
  }
  close(): void {
    if (!this.#valid) return;
    this.#token.cancel();
    this.#valid = false;
  }
}

/** The native monitor's loop (reader_monitor.cpp): announce known readers, then report changes. */
export class FakeNativeMonitor {
  #running = false;
  readonly #pcscd: FakePcscd;
  constructor(pcscd: FakePcscd) {
    this.#pcscd = pcscd;
  }
  #token = new FakeContextToken();
  get isRunning(): boolean {
    return this.#running;
  }
  start(callback: (event: MonitorEvent) => void): void {
    if (this.#running) throw new Error('Monitor is already running');
    if (typeof callback !== 'function') throw new TypeError('Callback function required');
    this.#running = true;
    this.#token = new FakeContextToken();
    void this.#loop(callback, this.#token);
  }
  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    this.#token.cancel();
  }
  async #loop(emit: (event: MonitorEvent) => void, token: FakeContextToken): Promise<void> {
    const known = new Map<string, { state: number; atr: Buffer | null }>();
    const refresh = () => {
      known.clear();
      for (const s of this.#pcscd.snapshot()) known.set(s.name, { state: (s.eventState & ~SCARD.STATE_CHANGED) >>> 0, atr: toBuffer(s.atr) });
    };
    // Events reach JS one macrotask after the native thread queued them (ThreadSafeFunction).
    const send = (event: MonitorEvent) => setImmediate(() => { if (this.#running) emit(event); });
    refresh();
    for (const [name, r] of known) send({ type: 'reader-attached', reader: name, state: r.state, atr: r.atr });
    while (this.#running && token === this.#token) {
      const names = [...known.keys()];
      const queries = [...names.map((name) => ({ name, currentState: known.get(name)!.state })), { name: PNP_NOTIFICATION, currentState: SCARD.STATE_UNAWARE }];
      const result = await this.#pcscd.getStatusChange(queries, undefined, token);
      if (!this.#running || result.code === RC.CANCELLED) break;
      for (const [i, s] of result.states.entries()) {
        if (!(s.eventState & SCARD.STATE_CHANGED)) continue;
        if (s.name === PNP_NOTIFICATION) {
          const before = new Set(known.keys());
          refresh();
          for (const [name, r] of known) if (!before.has(name)) send({ type: 'reader-attached', reader: name, state: r.state, atr: r.atr });
          for (const name of before) if (!known.has(name)) send({ type: 'reader-detached', reader: name, state: 0, atr: null });
          continue;
        }
        const entry = known.get(names[i]!);
        if (!entry) continue;
        const wasPresent = (entry.state & SCARD.STATE_PRESENT) !== 0;
        const isPresent = (s.eventState & SCARD.STATE_PRESENT) !== 0;
        entry.state = (s.eventState & ~SCARD.STATE_CHANGED) >>> 0;
        entry.atr = toBuffer(s.atr);
        if (!wasPresent && isPresent) send({ type: 'card-inserted', reader: s.name, state: s.eventState, atr: entry.atr });
        else if (wasPresent && !isPresent) send({ type: 'card-removed', reader: s.name, state: s.eventState, atr: null });
      }
    }
  }
}

/** The native module's four classes bound to `pcscd` (what `require('smartcard')` gets from the addon). */
export function createNativeClasses(pcscd: FakePcscd): {
  Context: new () => FakeNativeContext;
  Reader: typeof FakeNativeReader;
  Card: typeof FakeNativeCard;
  ReaderMonitor: new () => FakeNativeMonitor;
} {
  return {
    Context: class Context extends FakeNativeContext { constructor() { super(pcscd); } },
    Reader: FakeNativeReader,
    Card: FakeNativeCard,
    ReaderMonitor: class ReaderMonitor extends FakeNativeMonitor { constructor() { super(pcscd); } },
  };
}
