/**
 * Iso8583HostClient: the terminal's AuthorisationHost over an ISO 8583 TCP
 * link (framing and codec as the server's). Requests are pipelined on one
 * connection and matched to answers by terminal id (41), STAN (11) and
 * message class. When no answer comes within `timeoutMs`, the request is
 * retransmitted as a repeat (0101/0201/0401, ISO 8583:1987 §4.1.2.2): the
 * host's idempotency makes that safe (same answer, no second posting). After
 * the last retry, or when the connection fails, the call rejects with
 * HostUnavailableError and the kernel applies Book 3 §10.8 (unable to go online).
 * With a terminal MAC key (`macKey`), every request carries an ANSI X9.19 MAC
 * in field 64/128 (iso8583/mac.ts) and an answer is accepted only when its MAC
 * verifies; an unsigned answer is accepted only when it approves nothing (30
 * format error, 63 security violation: the host could not tell who sent it).
 * Any other answer is treated as no answer (retransmission, then unable to go online).
 */
import { connect, type Socket } from 'node:net';
import type { Bytes } from '../apdu/index.js';
import { type AuthorisationHost, type AuthorisationRequest, type AuthorisationResponse, HostUnavailableError } from '../terminal/index.js';
import { decodeMessage, encodeMessage, type Iso8583Message } from './iso8583/codec.js';
import { frame, FrameReader } from './iso8583/framing.js';
import { encodeSignedMessage, MacError, verifyMessageMac } from './iso8583/mac.js';
import { messageToResponse, requestToMessage } from './iso8583/mapping.js';

export interface Iso8583HostClientOptions {
  /** Host address, default 127.0.0.1. */
  host?: string;
  port: number;
  /** Time to wait for each answer before retransmitting (default 5,000 ms). */
  timeoutMs?: number;
  /** Retransmissions after the first attempt (default 1). */
  retries?: number;
  /** Terminal MAC key (16 bytes, ANSI X9.19): MAC every request, verify every answer. */
  macKey?: Bytes;
}

/** Unsigned answers a MACing terminal still accepts: they approve nothing. */
const UNSIGNED_ANSWER_CODES = new Set(['30', '63']);

interface Pending {
  resolve: (m: Iso8583Message) => void;
  reject: (e: Error) => void;
}

function matchKey(mtiClass: string, terminalId: string, stan: string): string {
  return `${mtiClass}|${terminalId.trimEnd()}|${stan}`;
}

/** "host:port" -> options (the `--host` option of `emvsim transact`). */
export function parseHostAddress(address: string): { host: string; port: number } {
  const m = /^(.*):(\d{1,5})$/.exec(address);
  if (!m || Number(m[2]) > 65535) throw new RangeError(`'${address}' is not host:port`);
  return { host: m[1] || '127.0.0.1', port: Number(m[2]) };
}

export class Iso8583HostClient implements AuthorisationHost {
  private readonly options: Required<Omit<Iso8583HostClientOptions, 'macKey'>>;
  private readonly macKey: Bytes | undefined;
  private socket: Socket | undefined;
  private connecting: Promise<Socket> | undefined;
  private readonly pending = new Map<string, Pending>();
  /** Answers dropped because their MAC did not verify, by match key: the reason an exchange ran out of attempts. */
  private readonly macFailures = new Map<string, string>();

  constructor(options: Iso8583HostClientOptions) {
    const { macKey, ...rest } = options;
    this.options = { host: '127.0.0.1', timeoutMs: 5000, retries: 1, ...rest };
    this.macKey = macKey;
  }

  private connection(): Promise<Socket> {
    if (this.socket && !this.socket.destroyed) return Promise.resolve(this.socket);
    if (this.connecting) return this.connecting;
    this.connecting = new Promise<Socket>((resolve, reject) => {
      const socket = connect({ host: this.options.host, port: this.options.port });
      socket.setNoDelay(true);
      const reader = new FrameReader();
      const timer = setTimeout(() => socket.destroy(new Error('connect time-out')), this.options.timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        this.socket = socket;
        this.connecting = undefined;
        resolve(socket);
      });
      socket.on('data', (chunk) => {
        for (const body of reader.push(chunk)) this.deliver(body);
      });
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearTimeout(timer);
        if (this.socket === socket) this.socket = undefined;
        if (this.connecting) {
          this.connecting = undefined;
          reject(new HostUnavailableError(`cannot connect to ${this.options.host}:${this.options.port}`));
        }
        const failed = [...this.pending.values()];
        this.pending.clear();
        for (const p of failed) p.reject(new HostUnavailableError(`connection to ${this.options.host}:${this.options.port} lost`));
      });
    });
    return this.connecting;
  }

  private deliver(body: Bytes): void {
    let message: Iso8583Message;
    try {
      message = decodeMessage(body);
    } catch {
      return; // an undecodable answer is treated as no answer: the time-out retransmits
    }
    const stan = message.fields.get(11);
    const terminal = message.fields.get(41);
    if (typeof stan !== 'string') return;
    const key = matchKey(message.mti.slice(0, 2), typeof terminal === 'string' ? terminal : '', stan);
    if (this.macKey && message.mti !== '0810' && !this.authentic(body, message)) {
      // Forged or corrupted, or our key is not the host's: no answer (the time-out retransmits), but
      // remembered, so that running out of attempts says "MAC" rather than "no answer".
      const code = message.fields.get(39);
      const text = message.fields.get(63);
      this.macFailures.set(key, `an answer${typeof code === 'string' ? ` (response code ${code}${code === '63' ? ', security violation' : ''}${typeof text === 'string' ? `: ${text}` : ''})` : ''} whose MAC does not verify under the terminal MAC key`);
      return;
    }
    const p = this.pending.get(key);
    if (p) {
      this.pending.delete(key);
      p.resolve(message);
    }
  }

  private authentic(body: Bytes, message: Iso8583Message): boolean {
    const signed = message.fields.has(64) || message.fields.has(128);
    if (!signed) return UNSIGNED_ANSWER_CODES.has(String(message.fields.get(39)));
    try {
      verifyMessageMac(body, message, this.macKey!);
      return true;
    } catch (err) {
      if (err instanceof MacError) return false;
      throw err;
    }
  }

  private encode(message: Iso8583Message): Bytes {
    return this.macKey && message.mti !== '0800' ? encodeSignedMessage(message, this.macKey) : encodeMessage(message);
  }

  /** Sends one message and waits for its answer, retransmitting as a repeat on time-out. */
  private async exchange(build: (repeat: boolean) => Iso8583Message, terminalId: string, stan: string): Promise<Iso8583Message> {
    const first = build(false);
    const key = matchKey(first.mti.slice(0, 2), terminalId, stan);
    for (let attempt = 0; attempt <= this.options.retries; attempt++) {
      const socket = await this.connection();
      const message = attempt === 0 ? first : build(true);
      const answer = await new Promise<Iso8583Message | undefined>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.pending.delete(key);
          resolve(undefined);
        }, this.options.timeoutMs);
        this.pending.set(key, {
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        socket.write(frame(this.encode(message)));
      });
      if (answer) {
        this.macFailures.delete(key);
        return answer;
      }
    }
    const macFailure = this.macFailures.get(key);
    this.macFailures.delete(key);
    if (macFailure) {
      throw new HostUnavailableError(`${this.options.host}:${this.options.port} sent ${macFailure}: check the MAC key (--mac-key) against the host's`);
    }
    throw new HostUnavailableError(`no answer from ${this.options.host}:${this.options.port} after ${this.options.retries + 1} attempts`);
  }

  async authorise(request: AuthorisationRequest): Promise<AuthorisationResponse> {
    const answer = await this.exchange((repeat) => requestToMessage(request, repeat), request.terminalId, request.stan);
    return messageToResponse(answer);
  }

  /** 0800 network management echo (70 = 301); resolves with the round-trip time in ms. */
  async echo(stan = '000001'): Promise<number> {
    const start = performance.now();
    const fields = new Map<number, string | Bytes>([
      [7, new Date().toISOString().replace(/\D/g, '').slice(4, 14)],
      [11, stan],
      [70, '301'],
    ]);
    const answer = await this.exchange(() => ({ mti: '0800', fields }), '', stan);
    if (answer.fields.get(39) !== '00') throw new HostUnavailableError(`echo answered ${String(answer.fields.get(39))}`);
    return performance.now() - start;
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }
}
