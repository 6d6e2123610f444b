/**
 * Plugs any CardTransport (the emulated card) into pcsc-lite through
 * vsmartcard's virtual reader driver, vpcd: we are the TCP client that vpcd
 * waits for on 127.0.0.1:35963 (slot 0; slot n on 35963 + n). While we are
 * connected, pcscd reports a card in "Virtual PCD 00 0n" and every PC/SC
 * program on the machine (opensc-tool, scriptor, a browser, our own driver)
 * can talk to it.
 *
 * - Inserting = connecting; removing = closing the socket (what vpcd sees as
 *   card removal). A dropped connection (pcscd restarting) is retried with
 *   exponential back-off while the card is meant to be inserted.
 * - Power on is a cold reset of the card, reset is a warm reset: pcscd powers
 *   an idle card off about a second after use, so every session starts cold.
 * - TCP_QUICKACK is set after every read: without it Linux delays our ACKs by
 *   up to 40 ms and vpcd's request/response stalls at ~20 APDU/s.
 */
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { toHex, type Bytes } from '../apdu/index.js';
import type { CardTransport } from '../apdu/index.js';
import { decodeVpcdPayload, encodeVpcdFrame, VpcdFrameDecoder, VPCD_DEFAULT_HOST, VPCD_DEFAULT_PORT, type VpcdMessage } from './vpcd-protocol.js';
import { enableQuickAck } from './quickack.js';

export interface VpcdBridgeOptions {
  host?: string;
  /** TCP port; default 35963 + slot. */
  port?: number;
  /** vpcd slot (reader "Virtual PCD 00 0<slot>"), default 0. */
  slot?: number;
  /** Start with the card out of the reader (default: inserted on start()). */
  removed?: boolean;
  /** Reconnect back-off, doubling from initialMs to maxMs (defaults 100 and 2000). */
  backoff?: { initialMs?: number; maxMs?: number };
  /** Set TCP_QUICKACK with `sockopt` (default true). */
  quickAck?: boolean;
  /** Diagnostics (connection changes, card errors). */
  log?: (line: string) => void;
}

export type BridgeState = 'removed' | 'connecting' | 'inserted' | 'stopped';

export interface BridgeStats {
  apdus: number;
  powerOns: number;
  connections: number;
}

/** Events: 'state' (BridgeState), 'apdu' (command, response), 'power' ('on' | 'off' | 'reset'). */
export class VpcdBridge extends EventEmitter {
  readonly card: CardTransport;
  readonly host: string;
  readonly port: number;
  readonly stats: BridgeStats = { apdus: 0, powerOns: 0, connections: 0 };
  private socket: net.Socket | undefined;
  private readonly decoder = new VpcdFrameDecoder();
  private wantInserted: boolean;
  private stopped = false;
  private currentState: BridgeState = 'removed';
  private delayMs: number;
  private retryTimer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private atr: Bytes | undefined;
  private refusedLogged = false;
  private readonly options: VpcdBridgeOptions;

  constructor(card: CardTransport, options: VpcdBridgeOptions = {}) {
    super();
    this.card = card;
    this.options = options;
    this.host = options.host ?? VPCD_DEFAULT_HOST;
    this.port = options.port ?? VPCD_DEFAULT_PORT + (options.slot ?? 0);
    this.wantInserted = !options.removed;
    this.delayMs = options.backoff?.initialMs ?? 100;
  }

  get state(): BridgeState {
    return this.currentState;
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  /** Starts the bridge: connects now unless constructed with `removed`. */
  start(): void {
    if (this.wantInserted) this.connect();
  }

  /** Inserts the card: resolves once vpcd accepted the connection (retrying with back-off meanwhile). */
  async insert(timeoutMs = 10_000): Promise<void> {
    if (this.stopped) throw new Error('vpcd bridge is stopped');
    this.wantInserted = true;
    if (this.currentState === 'inserted') return;
    if (this.currentState === 'removed') this.connect();
    await this.waitForState('inserted', timeoutMs);
  }

  /** Removes the card: closes the connection and stays out until insert(). */
  async remove(): Promise<void> {
    this.wantInserted = false;
    clearTimeout(this.retryTimer);
    await this.closeSocket();
    this.setState('removed');
  }

  /** Removes the card for good (does not close the card itself). */
  async stop(): Promise<void> {
    await this.remove();
    this.stopped = true;
    this.setState('stopped');
  }

  private waitForState(target: BridgeState, timeoutMs: number): Promise<void> {
    if (this.currentState === target) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onState = (s: BridgeState) => {
        if (s === target) { clearTimeout(timer); this.off('state', onState); resolve(); }
      };
      const timer = setTimeout(() => {
        this.off('state', onState);
        reject(new Error(`vpcd at ${this.address} did not accept the card within ${timeoutMs} ms (is pcscd running with vpcd?)`));
      }, timeoutMs);
      this.on('state', onState);
    });
  }

  private setState(s: BridgeState): void {
    if (s === this.currentState) return;
    this.currentState = s;
    this.emit('state', s);
  }

  private log(line: string): void {
    this.options.log?.(`vpcd ${this.address}: ${line}`);
  }

  private connect(): void {
    if (this.socket || this.stopped) return;
    this.setState('connecting');
    this.decoder.reset();
    const socket = net.connect({ host: this.host, port: this.port });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('connect', () => {
      this.stats.connections++;
      this.delayMs = this.options.backoff?.initialMs ?? 100;
      this.refusedLogged = false;
      this.log('card inserted');
      this.setState('inserted');
    });
    socket.on('data', (chunk: Buffer) => {
      if (this.options.quickAck !== false) enableQuickAck(socket, this.options.log);
      this.onData(socket, chunk);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') {
        if (!this.refusedLogged) this.log('nothing listens (is pcscd running with vpcd?); retrying with back-off');
        this.refusedLogged = true;
      } else if (err.code !== 'ECONNRESET') {
        this.log(`socket error: ${err.message}`);
      }
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      if (this.wantInserted && !this.stopped) {
        if (this.currentState === 'inserted') this.log('connection lost; reconnecting');
        this.setState('connecting');
        const delay = this.delayMs;
        this.delayMs = Math.min(this.delayMs * 2, this.options.backoff?.maxMs ?? 2000);
        this.retryTimer = setTimeout(() => this.connect(), delay);
      } else {
        this.setState('removed');
      }
    });
  }

  private closeSocket(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    if (!socket || socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      socket.once('close', () => resolve());
      socket.destroy();
    });
  }

  private onData(socket: net.Socket, chunk: Buffer): void {
    let payloads: Bytes[];
    const at = this.decoder.offset;
    try {
      payloads = this.decoder.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    } catch (err) {
      this.log(`bad frame at stream offset ${at}: ${(err as Error).message}`);
      socket.destroy();
      return;
    }
    for (const payload of payloads) {
      let message: VpcdMessage;
      try {
        message = decodeVpcdPayload(payload, this.decoder.offset);
      } catch (err) {
        // vpcd (vsmartcard vpcd.c) sends only four controls: 00 off, 01 on and 02 reset
        // with sendToVICC (no answer read), 04 ATR with vicc_transmit (answer read).
        // Every other payload comes from IFDHTransmitToICC -> vicc_transmit, which
        // blocks in recvFromVICC until it gets an answer: an unknown 1-byte code is an
        // application's 1-byte APDU, and an empty or 2-3 byte payload an APDU shorter
        // than its header. Leaving them unanswered hangs the pcscd reader, so each is
        // answered 6700 (ISO/IEC 7816-4 §5.6 "wrong length"), in order, and logged.
        this.log(`${(err as Error).message}: answered 6700`);
        this.chain = this.chain.then(() => this.handle(socket, { kind: 'malformed', apdu: payload }));
        continue;
      }
      // One exchange at a time, in arrival order: the card is a sequential device.
      this.chain = this.chain.then(() => this.handle(socket, message));
    }
  }

  private reply(socket: net.Socket, payload: Bytes): void {
    if (!socket.destroyed) socket.write(encodeVpcdFrame(payload));
  }

  private async handle(socket: net.Socket, message: VpcdMessage | { kind: 'malformed'; apdu: Bytes }): Promise<void> {
    if (socket !== this.socket) return; // a message from a connection we already dropped
    try {
      switch (message.kind) {
        case 'malformed': {
          const response = Uint8Array.of(0x67, 0x00);
          this.reply(socket, response);
          this.emit('apdu', message.apdu, response);
          return;
        }
        case 'power-off':
          this.emit('power', 'off');
          return;
        case 'power-on':
          this.stats.powerOns++;
          this.atr = await this.card.coldReset();
          this.emit('power', 'on');
          return;
        case 'reset':
          this.atr = await this.card.warmReset();
          this.emit('power', 'reset');
          return;
        case 'get-atr':
          this.atr ??= await this.card.coldReset();
          this.reply(socket, this.atr);
          return;
        case 'apdu': {
          this.stats.apdus++;
          let response: Bytes;
          try {
            response = await this.card.transmit(message.apdu);
          } catch (err) {
            // ISO 7816-4 §5.6: 6F00 "no precise diagnosis" is the closest a card gets to an internal failure.
            this.log(`card failed on ${toHex(message.apdu.subarray(0, 4))}: ${(err as Error).message}`);
            response = Uint8Array.of(0x6f, 0x00);
          }
          this.reply(socket, response);
          this.emit('apdu', message.apdu, response);
          return;
        }
      }
    } catch (err) {
      this.log(`card failed on ${message.kind}: ${(err as Error).message}`);
      if (message.kind === 'get-atr') this.reply(socket, new Uint8Array(0));
    }
  }
}

/** Bridges several cards to consecutive vpcd slots (slot i on port + i). */
export function bridgeCards(cards: CardTransport[], options: Omit<VpcdBridgeOptions, 'slot' | 'port'> & { port?: number } = {}): VpcdBridge[] {
  const base = options.port ?? VPCD_DEFAULT_PORT;
  return cards.map((card, i) => new VpcdBridge(card, { ...options, port: base + i }));
}
