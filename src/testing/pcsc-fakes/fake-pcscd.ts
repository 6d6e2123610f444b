/**
 * FakePcscd: an in-process stand-in for pcscd with virtual readers into which a
 * test inserts emulated cards (any CardTransport). The `smartcard` and
 * `pcsclite` fakes are thin skins over it, as the real libraries are over
 * libpcsclite, so both see one reader world with pcsc-lite's rules:
 *
 * - reader state bits and the event counter in the upper 16 bits
 *   (SCardGetStatusChange), PnP notification by reader count;
 * - on insertion the card is powered and its ATR read; no handle for
 *   `powerOffGraceMs` (pcscd: about 1 s) powers it off, so the next connection
 *   starts with a cold reset (volatile card state lost), as measured on pcscd;
 * - sharing (exclusive/shared/direct), protocol from the ATR, dispositions
 *   (leave/reset/unpower), "card was reset" for the other handles after a reset,
 *   "card was removed" for every handle of a pulled card until it reconnects;
 * - SCardControl answers "not supported", as vpcd does for every code.
 *
 * Controls for tests: insert/remove, attach/detach a reader, mute (no ATR, no
 * answer), slow (each exchange takes longer), tear (the card is pulled after it
 * ran the command and before the answer).
 */
import type { Bytes } from '../../apdu/index.js';
import type { CardTransport } from '../../apdu/index.js';
import { CARD_STATUS, PcscReturnCode, RC, SCARD } from './pcsc-codes.js';
import { evaluateQueries, negotiateProtocol, type ReaderQuery, type ReaderStateResult } from './reader-state.js';

export type { ReaderQuery, ReaderStateResult } from './reader-state.js';

export { PNP_NOTIFICATION } from './reader-state.js';

export interface FakePcscdOptions {
  /** Reader names attached at start (default one: "emvsim Fake Reader 00 00"). */
  readers?: string[];
  /** Idle time after the last handle before the card is powered off (default 1000 ms, as pcscd). */
  powerOffGraceMs?: number;
}

export interface StatusChangeResult {
  /** 0 (success), RC.TIMEOUT or RC.CANCELLED, as SCardGetStatusChange returns. */
  code: number;
  states: ReaderStateResult[];
}

/** One SCardEstablishContext: lets SCardCancel end that context's pending waits. */
export class FakeContextToken {
  readonly cancels = new Set<() => void>();
  cancel(): void {
    for (const c of [...this.cancels]) c();
  }
}

interface Slot {
  name: string;
  card: CardTransport | undefined;
  atr: Bytes | undefined;
  powered: boolean;
  mute: boolean;
  delayMs: number;
  tearArmed: boolean;
  /** pcsc-lite's per-reader event counter (card insertions and removals). */
  events: number;
  /** Bumped on every insertion and removal: a handle from an older one sees "card was removed". */
  insertion: number;
  resets: number;
  inFlight: number;
  handles: Set<FakeCardHandle>;
  queue: Promise<unknown>;
  powerOffTimer: NodeJS.Timeout | undefined;
}

export interface FakeCardHandle {
  readonly reader: string;
  share: number;
  protocol: number;
  open: boolean;
  insertion: number;
  resets: number;
}

const fail = (code: number): never => { throw new PcscReturnCode(code); };
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class FakePcscd {
  readonly powerOffGraceMs: number;
  private readonly initialReaders: string[];
  private readonly slots = new Map<string, Slot>();
  private readonly waiters = new Set<() => void>();

  constructor(options: FakePcscdOptions = {}) {
    this.powerOffGraceMs = options.powerOffGraceMs ?? 1000;
    this.initialReaders = options.readers ?? ['emvsim Fake Reader 00 00'];
    for (const name of this.initialReaders) this.attachReader(name);
  }

  // ---- controls -------------------------------------------------------------------------

  get readers(): string[] {
    return [...this.slots.keys()];
  }

  attachReader(name: string): void {
    if (this.slots.has(name)) throw new Error(`reader '${name}' is already attached`);
    this.slots.set(name, {
      name, card: undefined, atr: undefined, powered: false, mute: false, delayMs: 0, tearArmed: false,
      events: 0, insertion: 0, resets: 0, inFlight: 0, handles: new Set(), queue: Promise.resolve(), powerOffTimer: undefined,
    });
    this.changed();
  }

  detachReader(name: string): void {
    const slot = this.slot(name);
    clearTimeout(slot.powerOffTimer);
    this.slots.delete(name);
    this.changed();
  }

  /** Back to a clean state between tests: every card out, exactly `readers` attached (default: as constructed). */
  reset(readers = this.initialReaders): void {
    for (const name of this.readers) this.detachReader(name);
    for (const name of readers) this.attachReader(name);
  }

  /** Inserts `card`; resolves once the reader has read its ATR (a mute card reports MUTE instead). */
  async insert(card: CardTransport, reader = this.firstReader()): Promise<void> {
    const slot = this.slot(reader);
    if (slot.card) throw new Error(`reader '${reader}' already holds a card; remove it first`);
    slot.card = card;
    slot.atr = undefined;
    slot.powered = false;
    if (!slot.mute) await this.powerOn(slot).catch(() => { slot.mute = true; });
    slot.events++;
    slot.insertion++;
    this.changed();
    this.schedulePowerOff(slot);
  }

  /** Pulls the card out; an exchange in flight fails with "card was removed" (a tear). */
  remove(reader = this.firstReader()): void {
    const slot = this.slot(reader);
    if (!slot.card) return;
    slot.card = undefined;
    slot.atr = undefined;
    slot.powered = false;
    slot.tearArmed = false;
    slot.mute = false;
    clearTimeout(slot.powerOffTimer);
    slot.events++;
    slot.insertion++;
    this.changed();
  }

  /** A mute card until it is removed: no ATR when inserted, no answer to commands ("transaction failed"). */
  mute(reader = this.firstReader(), on = true): void {
    this.slot(reader).mute = on;
  }

  /** Every exchange takes `delayMs` longer (the card runs the command at once, the answer comes late). */
  slow(delayMs: number, reader = this.firstReader()): void {
    this.slot(reader).delayMs = delayMs;
  }

  /**
   * Tears the card: the exchange in flight, or else the next one, reaches the card (which runs
   * the command and keeps its state) and the card is pulled before the answer.
   */
  tear(reader = this.firstReader()): void {
    const slot = this.slot(reader);
    if (!slot.card) throw new Error(`no card in reader '${reader}' to tear`);
    if (slot.inFlight > 0) this.remove(reader);
    else slot.tearArmed = true;
  }

  /** The card in `reader`, if any. */
  cardIn(reader = this.firstReader()): CardTransport | undefined {
    return this.slot(reader).card;
  }

  // ---- what the library fakes call (pcsc-lite's SCard* functions) -------------------------

  /** SCardGetStatusChange: resolves at the first change against `queries`, on timeout or on cancel. */
  getStatusChange(queries: ReaderQuery[], timeoutMs: number | undefined, token: FakeContextToken): Promise<StatusChangeResult> {
    const readerCountAtStart = this.slots.size;
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      let done = false;
      const finish = (result: StatusChangeResult) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.waiters.delete(check);
        token.cancels.delete(cancel);
        resolve(result);
      };
      const check = () => {
        const states = evaluateQueries(queries, this.slots, readerCountAtStart);
        if (states.some((s) => s.eventState & SCARD.STATE_CHANGED)) finish({ code: 0, states });
      };
      const cancel = () => finish({ code: RC.CANCELLED, states: [] });
      this.waiters.add(check);
      token.cancels.add(cancel);
      if (timeoutMs !== undefined && timeoutMs !== 0xffffffff) {
        timer = setTimeout(() => finish({ code: RC.TIMEOUT, states: [] }), timeoutMs);
      }
      check();
    });
  }

  /** SCardListReaders + SCardGetStatusChange(UNAWARE): every reader with its state (CHANGED set). */
  snapshot(): ReaderStateResult[] {
    return evaluateQueries(this.readers.map((name) => ({ name, currentState: SCARD.STATE_UNAWARE })), this.slots, this.slots.size);
  }

  async connect(reader: string, share: number, preferred: number): Promise<FakeCardHandle> {
    const slot = this.slots.get(reader) ?? fail(RC.UNKNOWN_READER);
    if (share !== SCARD.SHARE_DIRECT) {
      if (!slot.card) fail(RC.NO_SMARTCARD);
      if (slot.mute) fail(RC.UNRESPONSIVE_CARD);
    }
    this.checkSharing(slot, share, undefined);
    const handle: FakeCardHandle = { reader, share, protocol: SCARD.PROTOCOL_UNDEFINED, open: true, insertion: slot.insertion, resets: slot.resets };
    if (slot.card) {
      clearTimeout(slot.powerOffTimer);
      if (!slot.powered) await this.powerOn(slot);
      handle.protocol = share === SCARD.SHARE_DIRECT && preferred === 0 ? 0 : negotiateProtocol(slot.atr, preferred);
    }
    slot.handles.add(handle);
    this.changed();
    return handle;
  }

  async reconnect(handle: FakeCardHandle, share: number, preferred: number, initialization: number): Promise<number> {
    const slot = this.openSlot(handle);
    if (!slot.card) fail(RC.NO_SMARTCARD);
    if (slot.mute) fail(RC.UNRESPONSIVE_CARD);
    this.checkSharing(slot, share, handle);
    await this.serial(slot, async () => {
      if (initialization === SCARD.RESET_CARD) await this.resetCard(slot, 'warm');
      else if (initialization === SCARD.UNPOWER_CARD) await this.resetCard(slot, 'cold');
      else if (!slot.powered) await this.powerOn(slot);
    });
    handle.share = share;
    handle.insertion = slot.insertion;
    handle.resets = slot.resets;
    handle.protocol = negotiateProtocol(slot.atr, preferred);
    this.changed();
    return handle.protocol;
  }

  disconnect(handle: FakeCardHandle, disposition: number): void {
    if (!handle.open) fail(RC.INVALID_HANDLE);
    handle.open = false;
    const slot = this.slots.get(handle.reader);
    if (!slot) return;
    slot.handles.delete(handle);
    if (slot.card && handle.insertion === slot.insertion) {
      if (disposition === SCARD.RESET_CARD) void this.serial(slot, () => this.resetCard(slot, 'warm')).catch(() => {});
      else if (disposition === SCARD.UNPOWER_CARD || disposition === SCARD.EJECT_CARD) { slot.powered = false; slot.resets++; }
    }
    this.schedulePowerOff(slot);
    this.changed();
  }

  async transmit(handle: FakeCardHandle, command: Bytes, maxReceive: number): Promise<Bytes> {
    const slot = this.usableSlot(handle);
    const card = slot.card!;
    const insertion = slot.insertion;
    return this.serial(slot, async () => {
      slot.inFlight++;
      try {
        if (slot.mute) {
          if (slot.delayMs) await sleep(slot.delayMs);
          return fail(RC.NOT_TRANSACTED);
        }
        if (!slot.powered) await this.powerOn(slot);
        let response: Bytes;
        try {
          response = await card.transmit(command);
        } catch {
          return fail(RC.NOT_TRANSACTED); // the card gave no answer (its own mute/tear fault rules)
        }
        if (slot.tearArmed) this.remove(slot.name);
        if (slot.delayMs) await sleep(slot.delayMs);
        if (slot.insertion !== insertion) fail(RC.REMOVED_CARD);
        if (response.length > maxReceive) fail(RC.INSUFFICIENT_BUFFER);
        return response;
      } finally {
        slot.inFlight--;
      }
    });
  }

  /** SCardControl: vpcd supports no control code (IFDHControl answers IFD_ERROR_NOT_SUPPORTED). */
  async control(handle: FakeCardHandle): Promise<Bytes> {
    this.openSlot(handle);
    return fail(RC.UNSUPPORTED_FEATURE);
  }

  /** SCardStatus: its own state bits (CARD_STATUS), the protocol and the ATR. */
  status(handle: FakeCardHandle): { state: number; protocol: number; atr: Bytes } {
    const slot = this.usableSlot(handle);
    const powered = slot.powered ? CARD_STATUS.POWERED | CARD_STATUS.NEGOTIABLE : 0;
    return { state: (slot.events << 16) | CARD_STATUS.PRESENT | powered, protocol: handle.protocol, atr: slot.atr ?? new Uint8Array(0) };
  }

  // ---- internals --------------------------------------------------------------------------

  private firstReader(): string {
    const first = this.slots.keys().next();
    if (first.done) throw new Error('no reader is attached');
    return first.value;
  }

  private slot(name: string): Slot {
    const slot = this.slots.get(name);
    if (!slot) throw new Error(`no reader '${name}' (attached: ${this.readers.join(', ') || 'none'})`);
    return slot;
  }

  private openSlot(handle: FakeCardHandle): Slot {
    if (!handle.open) fail(RC.INVALID_HANDLE);
    return this.slots.get(handle.reader) ?? fail(RC.READER_UNAVAILABLE);
  }

  /** The slot of a handle that may exchange: its card still in, not reset under it. */
  private usableSlot(handle: FakeCardHandle): Slot {
    const slot = this.openSlot(handle);
    if (!slot.card || handle.insertion !== slot.insertion) fail(RC.REMOVED_CARD);
    if (handle.resets !== slot.resets) fail(RC.RESET_CARD);
    return slot;
  }

  private checkSharing(slot: Slot, share: number, self: FakeCardHandle | undefined): void {
    const others = [...slot.handles].filter((h) => h !== self);
    if (others.some((h) => h.share === SCARD.SHARE_EXCLUSIVE)) fail(RC.SHARING_VIOLATION);
    if (share === SCARD.SHARE_EXCLUSIVE && others.length > 0) fail(RC.SHARING_VIOLATION);
  }

  private async powerOn(slot: Slot): Promise<void> {
    slot.atr = await slot.card!.coldReset();
    slot.powered = true;
  }

  private async resetCard(slot: Slot, kind: 'warm' | 'cold'): Promise<void> {
    slot.atr = kind === 'warm' && slot.powered ? await slot.card!.warmReset() : await slot.card!.coldReset();
    slot.powered = true;
    slot.resets++;
  }

  private serial<T>(slot: Slot, work: () => Promise<T>): Promise<T> {
    const run = slot.queue.then(work, work);
    slot.queue = run.catch(() => undefined);
    return run;
  }

  private schedulePowerOff(slot: Slot): void {
    clearTimeout(slot.powerOffTimer);
    if (slot.handles.size > 0 || !slot.card) return;
    slot.powerOffTimer = setTimeout(() => {
      if (slot.handles.size === 0) slot.powered = false;
    }, this.powerOffGraceMs);
    slot.powerOffTimer.unref();
  }

  /**
   * Wakes the waiters two event-loop turns after a change, as pcscd's notification reaches a
   * library's watcher thread after the call that caused it has returned to JavaScript: a
   * callback of that call runs first (and a watch closed in it sees nothing, as on pcscd).
   */
  private changed(): void {
    setImmediate(() => setImmediate(() => {
      for (const check of [...this.waiters]) check();
    }));
  }
}
