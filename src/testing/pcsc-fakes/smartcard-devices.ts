/**
 * The JavaScript layer of `smartcard` 3.x over the fake native classes:
 * `Devices` (events reader-attached / reader-detached / card-inserted /
 * card-removed / error, serialised in arrival order; a card is connected shared
 * T=0|T=1 before 'card-inserted', with a T=0-only retry when the card is
 * unresponsive), the card wrapper whose `transmit(cmd, { autoGetResponse })`
 * follows 61xx with GET RESPONSE and repeats a command with the Le of a 6Cxx,
 * and the typed error classes. Behaviour follows the library's documented API
 * and its observed behaviour on pcscd (see docs/testing.md).
 */
import { EventEmitter } from 'node:events';
import { SCARD } from './pcsc-codes.js';
import type { MonitorEvent, SmartcardCardLike, SmartcardTransmitOptions } from './smartcard-native.js';

export class PCSCError extends Error {
  readonly code: number;
  constructor(message: string, code: number) {
    super(message);
    this.name = 'PCSCError';
    this.code = code;
  }
}
const pcscErrorClass = (name: string, code: number, text: string) =>
  class extends PCSCError {
    constructor(message = text) {
      super(message, code);
      this.name = name;
    }
  };
export const CardRemovedError = pcscErrorClass('CardRemovedError', 0x80100069, 'Card was removed');
export const TimeoutError = pcscErrorClass('TimeoutError', 0x8010000a, 'Operation timed out');
export const NoReadersError = pcscErrorClass('NoReadersError', 0x8010002e, 'No readers available');
export const ServiceNotRunningError = pcscErrorClass('ServiceNotRunningError', 0x8010001d, 'PC/SC service not running');
export const SharingViolationError = pcscErrorClass('SharingViolationError', 0x8010000b, 'Sharing violation - card is in use');
const ERROR_CLASSES = new Map<number, new (message?: string) => PCSCError>([
  [0x80100069, CardRemovedError], [0x8010000a, TimeoutError], [0x8010002e, NoReadersError],
  [0x8010001d, ServiceNotRunningError], [0x8010000b, SharingViolationError],
]);
export function createPCSCError(message: string, code: number): PCSCError {
  const ErrorClass = ERROR_CLASSES.get(code);
  return ErrorClass ? new ErrorClass(message) : new PCSCError(message, code);
}

/** GET RESPONSE with Le = the SW2 of a 61xx (ISO/IEC 7816-4 §7.6.1; EMV Book 1 Annex A). */
export function buildGetResponseCommand(bytesAvailable: number): Buffer {
  return Buffer.from([0x00, 0xc0, 0x00, 0x00, bytesAvailable]);
}

/** The command again with Le = SW2 of a 6Cxx: appended to a 4-byte header, else replacing the last byte. */
export function correctLeInCommand(command: Buffer, newLe: number): Buffer {
  if (command.length === 4) return Buffer.concat([command, Buffer.from([newLe])]);
  const corrected = Buffer.from(command);
  corrected[corrected.length - 1] = newLe;
  return corrected;
}

export async function transmitWithAutoResponse(card: SmartcardCardLike, command: Buffer | number[], options: SmartcardTransmitOptions = {}): Promise<Buffer> {
  const sent = Buffer.isBuffer(command) ? command : Buffer.from(command);
  let response = await card.transmit(sent, options);
  if (!options.autoGetResponse) return response;
  const parts: Buffer[] = [];
  while (response.length >= 2) {
    const sw1 = response[response.length - 2]!;
    const sw2 = response[response.length - 1]!;
    if (sw1 === 0x61) {
      if (response.length > 2) parts.push(response.subarray(0, response.length - 2));
      response = await card.transmit(buildGetResponseCommand(sw2), options);
    } else if (sw1 === 0x6c) {
      response = await card.transmit(correctLeInCommand(sent, sw2), options);
    } else {
      break;
    }
  }
  return parts.length > 0 ? Buffer.concat([...parts, response]) : response;
}

/** What `Devices` hands out: the native card with `autoGetResponse` support on transmit. */
export class CardWrapper implements SmartcardCardLike {
  readonly #card: SmartcardCardLike;
  constructor(nativeCard: SmartcardCardLike) {
    this.#card = nativeCard;
  }
  get protocol(): number { return this.#card.protocol; }
  get connected(): boolean { return this.#card.connected; }
  get atr(): Buffer | null { return this.#card.atr; }
  async transmit(command: Buffer | number[], options?: SmartcardTransmitOptions): Promise<Buffer> {
    return options?.autoGetResponse ? transmitWithAutoResponse(this.#card, command, options) : this.#card.transmit(command, options);
  }
  control(code: number, data?: Buffer | number[]): Promise<Buffer> { return this.#card.control(code, data); }
  getStatus(): { state: number; protocol: number; atr: Buffer } { return this.#card.getStatus(); }
  disconnect(disposition?: number): void { return this.#card.disconnect(disposition); }
  async reconnect(shareMode?: number, protocol?: number, initialization?: number): Promise<number> {
    return this.#card.reconnect(shareMode, protocol, initialization);
  }
}

export function wrapCard(nativeCard: SmartcardCardLike): SmartcardCardLike {
  return new CardWrapper(nativeCard);
}

export interface NativeReaderLike {
  readonly name: string;
  connect(shareMode?: number, protocol?: number): Promise<SmartcardCardLike>;
}
export interface NativeContextLike {
  readonly isValid: boolean;
  listReaders(): NativeReaderLike[];
  close(): void;
}
export interface NativeMonitorLike {
  start(callback: (event: MonitorEvent) => void): void;
  stop(): void;
}
export interface FakeDevicesOptions {
  Context?: new () => NativeContextLike;
  ReaderMonitor?: new () => NativeMonitorLike;
  SCARD_STATE_PRESENT?: number;
  SCARD_SHARE_SHARED?: number;
  SCARD_PROTOCOL_T0?: number;
  SCARD_PROTOCOL_T1?: number;
}

export interface ReaderEventInfo {
  name: string;
  state?: number;
  atr?: Buffer | null;
}

export interface NativeDefaults {
  Context: new () => NativeContextLike;
  ReaderMonitor: new () => NativeMonitorLike;
}

/** smartcard's `Devices`; the module fake binds it to its native classes (createDevicesClass). */
export class FakeDevices extends EventEmitter {
  #Context: new () => NativeContextLike;
  #Monitor: new () => NativeMonitorLike;
  #present: number;
  #shared: number;
  #t0: number;
  #t1: number;
  #context: NativeContextLike | null = null;
  #monitor: NativeMonitorLike | null = null;
  #running = false;
  #readers = new Map<string, { hasCard: boolean; card: SmartcardCardLike | null }>();
  #queue: Promise<void> = Promise.resolve();

  constructor(options: FakeDevicesOptions = {}, defaults?: NativeDefaults) {
    super();
    const Context = options.Context ?? defaults?.Context;
    const Monitor = options.ReaderMonitor ?? defaults?.ReaderMonitor;
    if (!Context || !Monitor) throw new TypeError('Devices needs the Context and ReaderMonitor classes');
    this.#Context = Context;
    this.#Monitor = Monitor;
    this.#present = options.SCARD_STATE_PRESENT ?? SCARD.STATE_PRESENT;
    this.#shared = options.SCARD_SHARE_SHARED ?? SCARD.SHARE_SHARED;
    this.#t0 = options.SCARD_PROTOCOL_T0 ?? SCARD.PROTOCOL_T0;
    this.#t1 = options.SCARD_PROTOCOL_T1 ?? SCARD.PROTOCOL_T1;
  }

  start(): void {
    if (this.#running) return;
    try {
      this.#context = new this.#Context();
      this.#monitor = new this.#Monitor();
      this.#running = true;
      this.#monitor.start((event) => { this.#queue = this.#queue.then(() => this.#process(event)); });
    } catch (err) {
      this.emit('error', err);
    }
  }

  stop(): void {
    this.#running = false;
    try { this.#monitor?.stop(); } catch { /* as the library: stop errors are ignored */ }
    this.#monitor = null;
    for (const state of this.#readers.values()) {
      try { state.card?.disconnect(); } catch { /* already gone */ }
    }
    this.#readers.clear();
    try { this.#context?.close(); } catch { /* ignored */ }
    this.#context = null;
  }

  listReaders(): NativeReaderLike[] {
    if (!this.#context?.isValid) return [];
    try { return this.#context.listReaders(); } catch { return []; }
  }

  getCards(): ReadonlyMap<string, SmartcardCardLike> {
    const cards = new Map<string, SmartcardCardLike>();
    for (const [name, state] of this.#readers) if (state.card) cards.set(name, state.card);
    return cards;
  }

  getCard(readerName: string): SmartcardCardLike | null {
    return this.#readers.get(readerName)?.card ?? null;
  }

  async #process(event: MonitorEvent): Promise<void> {
    if (!this.#running) return;
    switch (event.type) {
      case 'reader-attached':
        this.#readers.set(event.reader, { hasCard: false, card: null });
        this.emit('reader-attached', { name: event.reader, state: event.state, atr: event.atr });
        if (event.state & this.#present) await this.#inserted(event);
        return;
      case 'reader-detached':
        if (this.#readers.get(event.reader)?.hasCard) this.#removed(event.reader);
        this.#readers.delete(event.reader);
        this.emit('reader-detached', { name: event.reader });
        return;
      case 'card-inserted':
        await this.#inserted(event);
        return;
      case 'card-removed':
        this.#removed(event.reader);
        return;
      case 'error':
        this.emit('error', new Error(event.reader));
    }
  }

  async #inserted(event: MonitorEvent): Promise<void> {
    let state = this.#readers.get(event.reader);
    if (!state) this.#readers.set(event.reader, (state = { hasCard: false, card: null }));
    state.hasCard = true;
    try {
      const reader = this.#context!.listReaders().find((r) => r.name === event.reader);
      if (!reader) return;
      let nativeCard: SmartcardCardLike;
      try {
        nativeCard = await reader.connect(this.#shared, this.#t0 | this.#t1);
      } catch (err) {
        // smartcard issue #34: some cards answer T=0|T=1 with "unresponsive" but work with T=0 alone.
        if (!(err instanceof Error && err.message.toLowerCase().includes('unresponsive'))) throw err;
        nativeCard = await reader.connect(this.#shared, this.#t0);
      }
      const card = wrapCard(nativeCard);
      state.card = card;
      this.emit('card-inserted', { reader: { name: event.reader, state: event.state, atr: event.atr }, card });
    } catch (err) {
      this.emit('error', err);
    }
  }

  #removed(readerName: string): void {
    const state = this.#readers.get(readerName);
    if (!state) return;
    const card = state.card;
    state.hasCard = false;
    state.card = null;
    try { card?.disconnect(); } catch { /* the card is gone already */ }
    this.emit('card-removed', { reader: { name: readerName }, card });
  }
}

/** `Devices` as the module exports it: `new Devices(options?)` with the fake native classes as defaults. */
export function createDevicesClass(defaults: NativeDefaults): new (options?: FakeDevicesOptions) => FakeDevices {
  return class Devices extends FakeDevices {
    constructor(options: FakeDevicesOptions = {}) {
      super(options, defaults);
    }
  };
}
