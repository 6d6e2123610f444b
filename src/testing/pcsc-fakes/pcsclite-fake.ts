/**
 * A drop-in for the `pcsclite` module (npm pcsclite 1.x): `pcsc()` returns an
 * emitter that announces each reader ('reader'), and each reader reports
 * 'status' ({ state, atr }) on every state change, 'end' when it goes, and
 * offers connect / transmit / control / disconnect with Node-style callbacks,
 * all over one FakePcscd. Argument checks throw the messages of the addon;
 * PC/SC failures reach the callback as "SCardTransmit error: Card was
 * removed.(0x80100069)", as pcsc_stringify_error words them on Linux.
 */
import { EventEmitter } from 'node:events';
import { scardCtlCode } from '../../reader/index.js';
import { PcscReturnCode, RC, SCARD, pcscliteError } from './pcsc-codes.js';
import { FakeContextToken, PNP_NOTIFICATION, type FakeCardHandle, type FakePcscd } from './fake-pcscd.js';

type Callback<T> = (err: Error | null | undefined, value?: T) => void;

const isUint32 = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
/** The addon's work runs on the libuv pool: callbacks always come later, never synchronously. */
const later = (fn: () => void) => setImmediate(fn);

export class FakeCardReader extends EventEmitter {
  readonly name: string;
  connected = false;
  state: number | undefined;
  readonly SCARD_SHARE_SHARED = SCARD.SHARE_SHARED;
  readonly SCARD_SHARE_EXCLUSIVE = SCARD.SHARE_EXCLUSIVE;
  readonly SCARD_SHARE_DIRECT = SCARD.SHARE_DIRECT;
  readonly SCARD_PROTOCOL_T0 = SCARD.PROTOCOL_T0;
  readonly SCARD_PROTOCOL_T1 = SCARD.PROTOCOL_T1;
  readonly SCARD_PROTOCOL_RAW = SCARD.PROTOCOL_RAW;
  readonly SCARD_STATE_UNAWARE = SCARD.STATE_UNAWARE;
  readonly SCARD_STATE_IGNORE = SCARD.STATE_IGNORE;
  readonly SCARD_STATE_CHANGED = SCARD.STATE_CHANGED;
  readonly SCARD_STATE_UNKNOWN = SCARD.STATE_UNKNOWN;
  readonly SCARD_STATE_UNAVAILABLE = SCARD.STATE_UNAVAILABLE;
  readonly SCARD_STATE_EMPTY = SCARD.STATE_EMPTY;
  readonly SCARD_STATE_PRESENT = SCARD.STATE_PRESENT;
  readonly SCARD_STATE_ATRMATCH = SCARD.STATE_ATRMATCH;
  readonly SCARD_STATE_EXCLUSIVE = SCARD.STATE_EXCLUSIVE;
  readonly SCARD_STATE_INUSE = SCARD.STATE_INUSE;
  readonly SCARD_STATE_MUTE = SCARD.STATE_MUTE;
  readonly SCARD_LEAVE_CARD = SCARD.LEAVE_CARD;
  readonly SCARD_RESET_CARD = SCARD.RESET_CARD;
  readonly SCARD_UNPOWER_CARD = SCARD.UNPOWER_CARD;
  readonly SCARD_EJECT_CARD = SCARD.EJECT_CARD;
  readonly #pcscd: FakePcscd;
  readonly #token = new FakeContextToken();
  #handle: FakeCardHandle | undefined;
  #watching = false;
  #closed = false;
  #ended = false;

  constructor(pcscd: FakePcscd, name: string) {
    super();
    this.#pcscd = pcscd;
    this.name = name;
  }

  /** Starts the status watch: `cb(undefined, state, atr)` on every change of the reader's state. */
  get_status(cb: (err: Error | undefined, state?: number, atr?: Buffer) => void): void {
    if (this.#watching) return;
    this.#watching = true;
    void (async () => {
      let current: number = SCARD.STATE_UNAWARE;
      while (!this.#closed) {
        const result = await this.#pcscd.getStatusChange([{ name: this.name, currentState: current }], undefined, this.#token);
        if (this.#closed || result.code === RC.CANCELLED) break;
        const s = result.states[0]!;
        if (s.eventState !== current) cb(undefined, s.eventState, Buffer.from(s.atr ?? new Uint8Array(0)));
        if (s.eventState & SCARD.STATE_UNKNOWN) break; // the reader went away: pcsc-lite ends the watch
        current = s.eventState;
      }
      this.#end();
    })();
  }

  connect(options: { share_mode?: number; protocol?: number } | Callback<number>, cb?: Callback<number>): void {
    if (typeof options === 'function') { cb = options; options = {}; }
    const share = options.share_mode || SCARD.SHARE_EXCLUSIVE;
    const protocol = options.protocol ?? (SCARD.PROTOCOL_T0 | SCARD.PROTOCOL_T1);
    if (this.connected) { cb!(undefined); return; }
    if (!isUint32(share)) throw new Error('First argument must be an integer');
    if (!isUint32(protocol)) throw new Error('Second argument must be an integer');
    if (typeof cb !== 'function') throw new Error('Third argument must be a callback function');
    this.#pcscd.connect(this.name, share, protocol).then(
      (handle) => { this.#handle = handle; this.connected = true; later(() => cb!(null, handle.protocol)); },
      (err) => later(() => cb!(pcscliteError('SCardConnect', err))),
    );
  }

  disconnect(disposition: number | Callback<void>, cb?: Callback<void>): void {
    if (typeof disposition === 'function') { cb = disposition; disposition = SCARD.UNPOWER_CARD; }
    if (typeof disposition !== 'number') disposition = SCARD.UNPOWER_CARD;
    if (!this.connected) { cb!(undefined); return; }
    const handle = this.#handle;
    this.#handle = undefined;
    let error: Error | null = null;
    try {
      if (handle) this.#pcscd.disconnect(handle, disposition);
    } catch (err) {
      error = pcscliteError('SCardDisconnect', err);
    }
    if (!error) this.connected = false;
    later(() => cb!(error));
  }

  transmit(data: Buffer, resLen: number, protocol: number, cb: Callback<Buffer>): void {
    if (!this.connected) { cb(new Error('Card Reader not connected')); return; }
    if (!Buffer.isBuffer(data)) throw new Error('First argument must be a Buffer');
    if (!isUint32(resLen)) throw new Error('Second argument must be an integer');
    if (!isUint32(protocol)) throw new Error('Third argument must be an integer');
    if (typeof cb !== 'function') throw new Error('Fourth argument must be a callback function');
    const handle = this.#handle;
    const work = async () => {
      if (!handle) throw new PcscReturnCode(RC.INVALID_HANDLE);
      // SCardTransmit refuses a PCI for another protocol than the active one (pcsc-lite winscard.c).
      if (protocol !== handle.protocol && protocol !== SCARD.PROTOCOL_RAW) throw new PcscReturnCode(RC.PROTO_MISMATCH);
      return Buffer.from(await this.#pcscd.transmit(handle, Buffer.from(data), resLen));
    };
    work().then((r) => later(() => cb(null, r)), (err) => later(() => cb(pcscliteError('SCardTransmit', err))));
  }

  control(data: Buffer, controlCode: number, resLen: number, cb: Callback<Buffer>): void {
    if (!this.connected) { cb(new Error('Card Reader not connected')); return; }
    if (!Buffer.isBuffer(data)) throw new Error('First argument must be a Buffer');
    if (!isUint32(controlCode)) throw new Error('Second argument must be an integer');
    if (!isUint32(resLen)) throw new Error('Third argument must be a Buffer');
    if (typeof cb !== 'function') throw new Error('Fourth argument must be a callback function');
    const handle = this.#handle;
    const work = async () => (handle ? this.#pcscd.control(handle) : Promise.reject(new PcscReturnCode(RC.INVALID_HANDLE)));
    work().then((r) => later(() => cb(null, Buffer.from(r).subarray(0, resLen))), (err) => later(() => cb(pcscliteError('SCardControl', err))));
  }

  SCARD_CTL_CODE(code: number): number {
    return scardCtlCode(code);
  }

  /** Stops the status watch; 'end' follows (status changes after close() are swallowed). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#token.cancel();
    if (!this.#watching) this.#end();
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    later(() => this.emit('_end'));
  }
}

export class FakePCSCLite extends EventEmitter {
  readonly readers: Record<string, FakeCardReader> = {};
  readonly #pcscd: FakePcscd;
  readonly #token = new FakeContextToken();
  #closed = false;

  constructor(pcscd: FakePcscd) {
    super();
    this.#pcscd = pcscd;
    process.nextTick(() => void this.#watch());
  }

  close(): void {
    this.#closed = true;
    this.#token.cancel();
  }

  /** The addon's PnP thread: the reader list now and after every change; the JS side diffs it. */
  async #watch(): Promise<void> {
    while (!this.#closed) {
      const names = this.#pcscd.readers;
      this.#update(names);
      const result = await this.#pcscd.getStatusChange([{ name: PNP_NOTIFICATION, currentState: (names.length << 16) >>> 0 }], undefined, this.#token);
      if (result.code === RC.CANCELLED) {
        // pcsclite 1.0: close() cancels the PnP wait, and the addon's thread then reports the
        // cancellation as an error (it overwrites the "closed" state), so 'error' follows close().
        later(() => this.emit('error', pcscliteError('SCardGetStatusChange', new PcscReturnCode(RC.CANCELLED))));
        return;
      }
    }
  }

  #update(names: string[]): void {
    const current = Object.keys(this.readers);
    for (const name of names.filter((n) => !current.includes(n))) {
      const reader = new FakeCardReader(this.#pcscd, name);
      reader.on('_end', () => {
        reader.removeAllListeners('status');
        reader.emit('end');
        delete this.readers[name];
      });
      this.readers[name] = reader;
      reader.get_status((err, state, atr) => {
        if (err) { reader.emit('error', err); return; }
        reader.emit('status', { state, atr });
        reader.state = state;
      });
      this.emit('reader', reader);
    }
    for (const name of current.filter((n) => !names.includes(n))) this.readers[name]!.close();
  }
}

export type PcscliteFake = () => FakePCSCLite;

/** The `pcsclite` module's default export bound to `pcscd`: `const pcsc = createPcscliteFake(d); pcsc()`. */
export function createPcscliteFake(pcscd: FakePcscd): PcscliteFake {
  return () => new FakePCSCLite(pcscd);
}
