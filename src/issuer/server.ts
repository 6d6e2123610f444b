/**
 * The ISO 8583 TCP server (node:net): 2-byte length-framed messages on a
 * socket, answered in order per connection, many connections at once.
 * 0100/0200/0400 (and repeats 0101/0201/0401) go to the AuthorisationHost;
 * 0800 echo is answered 0810. A malformed message gets a format-error answer
 * (39 = 30, field 44 naming the field at fault, 63 the reason) and never
 * reaches the host, so it changes nothing. With terminal MAC keys configured
 * (`macKeys`), every 0100/0200/0400 must carry a valid ANSI X9.19 MAC in field
 * 64/128 (iso8583/mac.ts); one that does not is answered 63 (ISO 8583:1987
 * "security violation") and never reaches the host either. Answers to a
 * terminal with a key are MACed under it.
 *
 * Robustness: a connection idle for `idleTimeoutMs` is closed, and so is one
 * whose message is not complete `messageDeadlineMs` after its first byte (a
 * deadline for the whole message: bytes trickled one at a time do not restart
 * it); at most `maxConnections` connections and `maxConnectionsPerPeer` from
 * one address, and when full the connection useless longest makes room for a
 * new terminal (admission.ts); at most
 * `maxInFlightPerConnection` frames read and not yet answered per connection,
 * beyond which the socket stops reading (TCP backpressure reaches the client),
 * and a client that does not read its answers stops being read too. A fatal
 * host error (DurabilityError: a commit could not be made durable) stops the
 * server: no more connections, every socket closed, `onFatal` called.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { type Bytes, yymmdd } from '../apdu/index.js';
import type { AuthorisationHost } from '../terminal/index.js';
import { admit, peerKey, type SlotUse } from './admission.js';
import { DurabilityError } from './db/durability.js';
import { decodeMessage, encodeMessage, Iso8583Error, type Iso8583Message } from './iso8583/codec.js';
import { frame, FrameReader } from './iso8583/framing.js';
import { encodeSignedMessage, MacError, verifyMessageMac } from './iso8583/mac.js';
import { kindOfMti, messageToRequest, responseMti, responseToMessage } from './iso8583/mapping.js';

export interface Iso8583ServerOptions {
  host: AuthorisationHost;
  /** Host clock (ms) for the year of MMDD dates. */
  clock?: () => number;
  /** Called for each format error (the CLI prints them). */
  onFormatError?: (error: Iso8583Error) => void;
  /**
   * Terminal MAC keys (16-byte 2-key DES, ANSI X9.19) by terminal id (field 41, trailing blanks trimmed).
   * When given, requests must carry a valid MAC in field 64/128; others are answered 63.
   */
  macKeys?: ReadonlyMap<string, Bytes>;
  /** Called for each request answered 63 (bad, missing or unverifiable MAC). */
  onSecurityViolation?: (error: MacError, terminalId: string) => void;
  /** A connection that sends nothing for this long, also in the middle of a frame, is closed (default 30 000 ms; 0 = never). */
  idleTimeoutMs?: number;
  /** A message must be complete this long after its first byte, or its connection is closed (default 10 000 ms; 0 = never). */
  messageDeadlineMs?: number;
  /** Connections held at once (default 1024); when full, the connection useless longest makes room (admission.ts). */
  maxConnections?: number;
  /** Connections held at once from one address (default 256). */
  maxConnectionsPerPeer?: number;
  /** Called when a connection is refused or closed to make room (the CLI prints it). */
  onAdmission?: (event: { peer: string; action: 'refused' | 'evicted'; reason: string }) => void;
  /** Frames read but not yet answered per connection before the server stops reading from it (default 32). */
  maxInFlightPerConnection?: number;
  /** Called once when the host failed for good (DurabilityError): the server has stopped and closed every socket. */
  onFatal?: (error: DurabilityError) => void;
}

export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
export const DEFAULT_MESSAGE_DEADLINE_MS = 10_000;
export const DEFAULT_MAX_CONNECTIONS = 1024;
export const DEFAULT_MAX_CONNECTIONS_PER_PEER = 256;

/** One open connection and what admission needs to know of it. */
interface Connection extends SlotUse {
  socket: Socket;
  peer: string;
  lastMessageAt: number;
  inFlight: number;
}
export const DEFAULT_MAX_IN_FLIGHT = 32;

/** The 30 (format error) answer, echoing what could be decoded. */
export function formatErrorAnswer(error: Iso8583Error): Iso8583Message {
  const partial = error.partial;
  const mti = partial && /^0[1248]0[01]$/.test(partial.mti) ? responseMti(partial.mti) : '0110';
  const fields = new Map<number, string | Bytes>();
  for (const n of [11, 37, 41]) {
    const v = partial?.fields.get(n);
    if (typeof v === 'string') fields.set(n, v);
  }
  fields.set(39, '30');
  fields.set(44, `field ${error.field}`);
  fields.set(63, error.message.replace(/[^\x20-\x7E]/g, '?').slice(0, 999));
  return { mti, fields };
}

function terminalOf(message: Iso8583Message): string {
  const terminal = message.fields.get(41);
  return typeof terminal === 'string' ? terminal.trimEnd() : '';
}

/** The 63 (security violation) answer to a request whose MAC did not verify: echoes 11, 37, 41. */
export function securityViolationAnswer(request: Iso8583Message, error: MacError): Iso8583Message {
  const fields = new Map<number, string | Bytes>();
  for (const n of [11, 37, 41]) {
    const v = request.fields.get(n);
    if (typeof v === 'string') fields.set(n, v);
  }
  fields.set(39, '63');
  fields.set(44, `field ${error.field}`);
  fields.set(63, error.message.slice(0, 999));
  return { mti: responseMti(request.mti), fields };
}

export class Iso8583Server {
  private readonly server: Server;
  private readonly open = new Map<Socket, Connection>();
  private readonly options: Iso8583ServerOptions;
  /** Set when the host failed for good: the server answers nothing more. */
  failure: DurabilityError | undefined;

  constructor(options: Iso8583ServerOptions) {
    this.options = options;
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Answers one message body (exposed for tests and the fuzz target). */
  async answer(body: Bytes): Promise<Bytes> {
    let message: Iso8583Message;
    try {
      message = decodeMessage(body);
      if (message.mti === '0800') {
        const fields = new Map<number, string | Bytes>();
        for (const n of [7, 11, 70]) {
          const v = message.fields.get(n);
          if (v !== undefined) fields.set(n, v);
        }
        fields.set(39, '00');
        return encodeMessage({ mti: '0810', fields });
      }
      if (!kindOfMti(message.mti)) throw new Iso8583Error(0, `${message.mti} is not a message this host answers`, 0, message);
      const terminalId = terminalOf(message);
      const key = this.options.macKeys?.get(terminalId);
      if (this.options.macKeys) {
        try {
          if (!key) throw new MacError(64, `no MAC key for terminal '${terminalId}'`);
          verifyMessageMac(body, message, key);
        } catch (err) {
          if (!(err instanceof MacError)) throw err;
          this.options.onSecurityViolation?.(err, terminalId);
          const answer = securityViolationAnswer(message, err);
          return key ? encodeSignedMessage(answer, key) : encodeMessage(answer);
        }
      }
      const request = messageToRequest(message, yymmdd(new Date((this.options.clock ?? Date.now)())));
      const response = await this.options.host.authorise(request);
      const answer = responseToMessage(message, response);
      return key ? encodeSignedMessage(answer, key) : encodeMessage(answer);
    } catch (err) {
      if (!(err instanceof Iso8583Error)) throw err;
      this.options.onFormatError?.(err);
      const key = err.partial ? this.options.macKeys?.get(terminalOf(err.partial)) : undefined;
      const answer = formatErrorAnswer(err);
      return key ? encodeSignedMessage(answer, key) : encodeMessage(answer);
    }
  }

  /** Gives the socket a slot, making room if needed (admission.ts); false when it was refused. */
  private admit(socket: Socket): Connection | undefined {
    const peer = peerKey(socket.remoteAddress);
    const decision = admit([...this.open.values()], peer, {
      maxConnections: this.options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
      maxPerPeer: this.options.maxConnectionsPerPeer ?? DEFAULT_MAX_CONNECTIONS_PER_PEER,
    });
    if (!decision.accept) {
      this.options.onAdmission?.({ peer, action: 'refused', reason: decision.reason });
      socket.destroy();
      return undefined;
    }
    if (decision.evict) {
      const reason = `made room for a new connection from ${peer}`;
      this.options.onAdmission?.({ peer: decision.evict.peer, action: 'evicted', reason });
      this.open.delete(decision.evict.socket);
      decision.evict.socket.destroy();
    }
    const connection: Connection = { socket, peer, lastMessageAt: Date.now(), inFlight: 0 };
    this.open.set(socket, connection);
    return connection;
  }

  private accept(socket: Socket): void {
    if (this.failure) {
      socket.destroy();
      return;
    }
    const connection = this.admit(socket);
    if (!connection) return;
    socket.setNoDelay(true);
    const idle = this.options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    const deadlineMs = this.options.messageDeadlineMs ?? DEFAULT_MESSAGE_DEADLINE_MS;
    const maxInFlight = Math.max(1, this.options.maxInFlightPerConnection ?? DEFAULT_MAX_IN_FLIGHT);
    const reader = new FrameReader();
    let queue: Promise<void> = Promise.resolve();
    let deadline: NodeJS.Timeout | undefined;
    const clearDeadline = () => {
      if (deadline) clearTimeout(deadline);
      deadline = undefined;
    };
    if (idle > 0) {
      socket.setTimeout(idle);
      // Idle or stalled mid-frame: a half-sent frame would otherwise hold its buffer forever. A request
      // still being answered is not idleness (the answer's write restarts the timer).
      socket.on('timeout', () => {
        if (connection.inFlight === 0) socket.destroy();
      });
    }
    const settled = () => {
      connection.inFlight--;
      if (connection.inFlight < maxInFlight && socket.isPaused() && !socket.destroyed) socket.resume();
    };
    socket.on('data', (chunk) => {
      const bodies = reader.push(chunk);
      if (bodies.length > 0) {
        connection.lastMessageAt = Date.now();
        clearDeadline();
      }
      // A new message has begun: it must be complete by its deadline, however its bytes trickle in.
      if (reader.pending > 0 && !deadline && deadlineMs > 0) {
        deadline = setTimeout(() => socket.destroy(), deadlineMs);
        deadline.unref();
      } else if (reader.pending === 0) clearDeadline();
      for (const body of bodies) {
        connection.inFlight++;
        if (connection.inFlight >= maxInFlight) socket.pause();
        queue = queue
          .then(async () => {
            const answer = await this.answer(body);
            if (socket.destroyed) return;
            // The client does not read its answers: stop reading its requests until it does.
            if (!socket.write(frame(answer))) await drained(socket);
          })
          .finally(settled);
      }
      queue = queue.catch((err: unknown) => {
        if (err instanceof DurabilityError) this.stop(err);
        socket.destroy(err instanceof Error ? err : new Error(String(err)));
      });
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      clearDeadline();
      if (this.open.get(socket) === connection) this.open.delete(socket);
    });
  }

  /** The host failed for good: stop accepting, close every connection, tell the embedder once. */
  private stop(error: DurabilityError): void {
    if (this.failure) return;
    this.failure = error;
    void this.close();
    this.options.onFatal?.(error);
  }

  /** Listens on host:port (default loopback; port 0 = ephemeral); resolves with the bound address. */
  listen(port: number, host = '127.0.0.1'): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  close(): Promise<void> {
    for (const s of this.open.keys()) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Open connections (tests). */
  get connections(): number {
    return this.open.size;
  }
}

function drained(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}
