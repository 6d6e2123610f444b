/**
 * CardTransport over a PC/SC reader (pcsc-lite through the `smartcard`
 * binding). Raw exchange: the T=0 rules (61xx GET RESPONSE, 6Cxx re-send,
 * EMV Book 1 Annex A) belong to the exchange layer above, as for every
 * transport. Connects with a share mode and preferred protocols, resets warm
 * and cold, maps every PC/SC failure to a typed TransportError, and recovers
 * when pcscd restarts: the failing call throws, the next one opens a new
 * context and reconnects.
 */
import type { Bytes } from '../apdu/index.js';
import { toHex } from '../apdu/index.js';
import type { CardTransport, Protocol } from '../apdu/index.js';
import { loadPcscBinding, type PcscBinding, type PcscCard, type PcscContext } from './pcsc-binding.js';
import { CardRemovedError, CardResetError, isServiceLost, MuteCardError, NoCardError, NoReaderError, pcscErrorFrom } from './errors.js';
import { presenceOf, type CardPresence } from './reader-events.js';
import type { ReaderControl } from './part10.js';

export type ShareMode = 'shared' | 'exclusive';

export interface PcscConnectOptions {
  /** SCARD_SHARE_SHARED (default) or SCARD_SHARE_EXCLUSIVE. */
  share?: ShareMode;
  /** Preferred protocols, in no order (default both T=0 and T=1; the reader picks per the ATR). */
  protocols?: Protocol[];
  /** How long (re)connecting waits for the reader and the card to appear (ms, default 3000). */
  waitMs?: number;
  /**
   * A transmit that takes longer is reported as a mute card (ms). Default: none
   * here, the reader driver's own (CCID) time-outs apply; set it for vpcd.
   */
  transmitTimeoutMs?: number;
  binding?: PcscBinding;
}

export interface PcscReaderInfo {
  name: string;
  card: CardPresence;
  /** ATR in hex when a card is present. */
  atr?: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Lists readers with their card state. Throws PcscServiceError when pcscd is not running. */
export async function listPcscReaders(binding?: PcscBinding): Promise<PcscReaderInfo[]> {
  const b = binding ?? (await loadPcscBinding());
  let ctx: PcscContext;
  try {
    ctx = new b.Context();
  } catch (err) {
    throw pcscErrorFrom(err, undefined, 'establish context');
  }
  try {
    return ctx.listReaders().map((r) => {
      const card = presenceOf(r.state);
      const info: PcscReaderInfo = { name: r.name, card };
      if (card === 'present' && r.atr) info.atr = toHex(r.atr);
      return info;
    });
  } catch (err) {
    throw pcscErrorFrom(err, undefined, 'list readers');
  } finally {
    ctx.close();
  }
}

/**
 * Picks a reader: the exact name, else the one reader whose name contains
 * `requested` (case-insensitive), else a NoReaderError naming the candidates.
 */
export function resolveReaderName(requested: string, available: readonly string[]): string {
  if (available.includes(requested)) return requested;
  const needle = requested.toLowerCase();
  const matches = available.filter((n) => n.toLowerCase().includes(needle));
  if (matches.length === 1) return matches[0]!;
  const list = available.length ? available.map((n) => `'${n}'`).join(', ') : 'none';
  if (matches.length > 1) throw new NoReaderError(`reader name '${requested}' is ambiguous: ${matches.map((n) => `'${n}'`).join(', ')}`);
  throw new NoReaderError(`no reader matches '${requested}' (readers: ${list})`);
}

/** Opens the named reader (see resolveReaderName) and connects to its card. */
export async function openPcscReader(requested: string, options: PcscConnectOptions = {}): Promise<PcscTransport> {
  const binding = options.binding ?? (await loadPcscBinding());
  const names = (await listPcscReaders(binding)).map((r) => r.name);
  const transport = new PcscTransport(binding, resolveReaderName(requested, names), options);
  await transport.connect();
  return transport;
}

export class PcscTransport implements CardTransport, ReaderControl {
  readonly readerName: string;
  protocol: Protocol = 'T=1';
  /** ATR of the last connect or reset. */
  atr: Bytes = new Uint8Array(0);
  private readonly binding: PcscBinding;
  private readonly options: PcscConnectOptions;
  private context: PcscContext | undefined;
  private card: PcscCard | undefined;
  private closed = false;

  constructor(binding: PcscBinding, readerName: string, options: PcscConnectOptions = {}) {
    this.binding = binding;
    this.readerName = readerName;
    this.options = options;
  }

  get name(): string {
    return `PC/SC: ${this.readerName}`;
  }

  private get shareMode(): number {
    return this.options.share === 'exclusive' ? this.binding.SCARD_SHARE_EXCLUSIVE : this.binding.SCARD_SHARE_SHARED;
  }

  private get protocolMask(): number {
    const wanted = this.options.protocols ?? ['T=0', 'T=1'];
    return (wanted.includes('T=0') ? this.binding.SCARD_PROTOCOL_T0 : 0) | (wanted.includes('T=1') ? this.binding.SCARD_PROTOCOL_T1 : 0);
  }

  private protocolName(p: number): Protocol {
    return p === this.binding.SCARD_PROTOCOL_T0 ? 'T=0' : 'T=1';
  }

  /**
   * Establishes a context (a new one after pcscd restarted) and connects,
   * waiting up to `waitMs` for the reader and the card.
   */
  async connect(): Promise<void> {
    const deadline = Date.now() + (this.options.waitMs ?? 3000);
    for (;;) {
      try {
        await this.tryConnect();
        return;
      } catch (err) {
        const typed = pcscErrorFrom(err, this.readerName, 'connect');
        this.drop(isServiceLost(typed));
        const transient = isServiceLost(typed) || typed instanceof NoReaderError || typed instanceof NoCardError || typed instanceof CardRemovedError;
        if (!transient || Date.now() >= deadline) throw typed;
        await sleep(100);
      }
    }
  }

  private async tryConnect(): Promise<void> {
    this.context ??= new this.binding.Context();
    const reader = this.context.listReaders().find((r) => r.name === this.readerName);
    if (!reader) throw new NoReaderError(`reader '${this.readerName}' is not attached`);
    const presence = presenceOf(reader.state);
    if (presence === 'absent') throw new NoCardError(this.readerName);
    if (presence === 'mute') throw new MuteCardError(this.readerName, 'no valid ATR');
    const card = await reader.connect(this.shareMode, this.protocolMask);
    this.card = card;
    this.protocol = this.protocolName(card.protocol);
    this.atr = new Uint8Array(card.getStatus().atr);
  }

  /** Forgets the card handle; with `service`, the context too (it died with pcscd). */
  private drop(service: boolean): void {
    if (this.card) { try { this.card.disconnect(this.binding.SCARD_LEAVE_CARD); } catch { /* already gone */ } }
    this.card = undefined;
    if (service && this.context) { try { this.context.close(); } catch { /* already gone */ } this.context = undefined; }
  }

  private async handle(): Promise<PcscCard> {
    if (this.closed) throw new NoReaderError(`reader '${this.readerName}' was closed`);
    if (!this.card) await this.connect();
    return this.card!;
  }

  /** Runs one binding call; on failure, drops what the failure invalidated and throws the typed error. */
  private async guarded<T>(during: string | (() => string), op: (card: PcscCard) => Promise<T>): Promise<T> {
    // Fast path: no extra await when connected (transmit is the hot loop of the benchmark).
    const card = this.card && !this.closed ? this.card : await this.handle();
    try {
      return await op(card);
    } catch (err) {
      const typed = pcscErrorFrom(err, this.readerName, typeof during === 'string' ? during : during());
      if (isServiceLost(typed) || typed instanceof CardRemovedError || typed instanceof NoCardError || typed instanceof CardResetError) {
        this.drop(isServiceLost(typed));
      }
      throw typed;
    }
  }

  async transmit(command: Bytes): Promise<Bytes> {
    const timeoutMs = this.options.transmitTimeoutMs;
    return this.guarded(() => `transmit ${toHex(command.subarray(0, 4))}`, async (card) => {
      const sent = card.transmit(Buffer.from(command.buffer, command.byteOffset, command.byteLength), { maxRecvLength: 65538 });
      const response = timeoutMs ? await this.withTimeout(sent, timeoutMs) : await sent;
      return new Uint8Array(response.buffer, response.byteOffset, response.byteLength);
    });
  }

  /** A JS-side deadline for readers whose driver has none (vpcd waits for ever on a mute card). */
  private async withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new MuteCardError(this.readerName, `no response within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async reset(disposition: number, during: string): Promise<Bytes> {
    return this.guarded(during, async (card) => {
      const active = await card.reconnect(this.shareMode, this.protocolMask, disposition);
      this.protocol = this.protocolName(active);
      this.atr = new Uint8Array(card.getStatus().atr);
      return this.atr;
    });
  }

  /** Cold reset: SCardReconnect with SCARD_UNPOWER_CARD (power off, power on). */
  coldReset(): Promise<Bytes> {
    return this.reset(this.binding.SCARD_UNPOWER_CARD, 'cold reset');
  }

  /** Warm reset: SCardReconnect with SCARD_RESET_CARD. */
  warmReset(): Promise<Bytes> {
    return this.reset(this.binding.SCARD_RESET_CARD, 'warm reset');
  }

  /** SCardControl (PC/SC part 10 features, PIN pads). */
  async control(code: number, data: Bytes = new Uint8Array(0)): Promise<Bytes> {
    return this.guarded(`control 0x${code.toString(16)}`, async (card) => {
      const out = await card.control(code, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.drop(true);
  }
}
