/**
 * Fault injection for testing terminals: per card (profile `faults:`) and per
 * command (programmatically, `card.faults.add(...)`). A rule matches commands
 * by CLA/INS/P1/P2 and fires on its Nth match (and for `times` matches):
 *   status   answer this status word without executing the command
 *   mute     no answer at all: the transport throws TransportError 'MUTE' (a reader time-out)
 *   delay    answer normally after `delayMs` milliseconds
 *   truncate execute, then cut the response data to `keepBytes` bytes (status word kept)
 *   corrupt  execute, then invert the data byte at `offset` (default: the last data byte)
 *   tear     execute and persist the new state, then lose power before answering:
 *            the transport throws TransportError 'TEAR' and the card needs a reset
 */
import { TransportError } from '../apdu/index.js';

export type FaultAction = 'status' | 'mute' | 'delay' | 'truncate' | 'corrupt' | 'tear';

export interface FaultRule {
  action: FaultAction;
  /** Match on these header bytes (absent = any). */
  cla?: number;
  ins?: number;
  p1?: number;
  p2?: number;
  /** Fire on the Nth matching command (1-based; default 1 = the first). */
  occurrence?: number;
  /** Fire on this many matching commands from the occurrence on (default 1; 0 = every one). */
  times?: number;
  /** For 'status': the status word to answer. */
  sw?: number;
  /** For 'delay': milliseconds. */
  delayMs?: number;
  /** For 'truncate': data bytes kept. */
  keepBytes?: number;
  /** For 'corrupt': data byte offset to invert. */
  offset?: number;
}

export const FAULT_ACTIONS: readonly FaultAction[] = ['status', 'mute', 'delay', 'truncate', 'corrupt', 'tear'];

/** Names accepted for `ins:` in profiles, so YAML can say `command: GENERATE AC`. */
export const COMMAND_INS: Readonly<Record<string, number>> = {
  SELECT: 0xa4,
  'READ RECORD': 0xb2,
  'GET PROCESSING OPTIONS': 0xa8,
  'GET DATA': 0xca,
  'GET CHALLENGE': 0x84,
  'GET RESPONSE': 0xc0,
  VERIFY: 0x20,
  'INTERNAL AUTHENTICATE': 0x88,
  'EXTERNAL AUTHENTICATE': 0x82,
  'GENERATE AC': 0xae,
  'PIN CHANGE/UNBLOCK': 0x24,
  'APPLICATION BLOCK': 0x1e,
  'APPLICATION UNBLOCK': 0x18,
  'CARD BLOCK': 0x16,
  'PUT DATA': 0xda,
  'UPDATE RECORD': 0xdc,
};

interface ArmedRule {
  rule: FaultRule;
  matches: number;
  fired: number;
}

/** The fault rules of one card and how often each has matched. */
export class FaultInjector {
  private rules: ArmedRule[] = [];
  /** Delay faults still waiting (cancelDelays ends them when the card is closed). */
  private readonly waiting = new Set<{ timer: ReturnType<typeof setTimeout>; reject: (err: Error) => void }>();

  constructor(rules: readonly FaultRule[] = []) {
    for (const r of rules) this.add(r);
  }

  add(rule: FaultRule): void {
    this.rules.push({ rule: { ...rule }, matches: 0, fired: 0 });
  }

  clear(): void {
    this.rules = [];
  }

  /** The wait of a delay fault: `ms`, or until cancelDelays. */
  delay(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const wait = {
        timer: setTimeout(() => {
          this.waiting.delete(wait);
          resolve();
        }, ms),
        reject,
      };
      this.waiting.add(wait);
    });
  }

  /**
   * Ends every delay still waiting with `err`, before the delayed command runs: a closed card
   * executes nothing more, and a process need not wait for an answer nobody will read (a
   * terminal that timed out and closed the card).
   */
  cancelDelays(err: Error): void {
    for (const wait of this.waiting) {
      clearTimeout(wait.timer);
      wait.reject(err);
    }
    this.waiting.clear();
  }

  get list(): readonly FaultRule[] {
    return this.rules.map((r) => r.rule);
  }

  /** The rule that fires for this command, if any (counting matches as a side effect). */
  select(header: Uint8Array): FaultRule | undefined {
    let chosen: FaultRule | undefined;
    for (const armed of this.rules) {
      const r = armed.rule;
      if (r.cla !== undefined && r.cla !== header[0]) continue;
      if (r.ins !== undefined && r.ins !== header[1]) continue;
      if (r.p1 !== undefined && r.p1 !== header[2]) continue;
      if (r.p2 !== undefined && r.p2 !== header[3]) continue;
      armed.matches++;
      const first = r.occurrence ?? 1;
      const times = r.times ?? 1;
      if (armed.matches < first) continue;
      if (times !== 0 && armed.fired >= times) continue;
      armed.fired++;
      chosen ??= r;
    }
    return chosen;
  }
}

/** Applies a post-execution fault to the response bytes (data + SW1 SW2). */
export function applyResponseFault(rule: FaultRule, response: Uint8Array): Uint8Array {
  const data = response.subarray(0, response.length - 2);
  const sw = response.subarray(response.length - 2);
  if (rule.action === 'truncate') {
    const keep = Math.max(0, Math.min(rule.keepBytes ?? Math.floor(data.length / 2), data.length));
    const out = new Uint8Array(keep + 2);
    out.set(data.subarray(0, keep));
    out.set(sw, keep);
    return out;
  }
  if (rule.action === 'corrupt') {
    const out = Uint8Array.from(response);
    if (data.length === 0) return out;
    const at = Math.max(0, Math.min(rule.offset ?? data.length - 1, data.length - 1));
    out[at] = out[at]! ^ 0xff;
    return out;
  }
  return response;
}

/** The error of an exchange on (or cut short by) a closed transport. */
export function closedError(name: string): TransportError {
  return new TransportError('CLOSED', `${name}: transport closed`);
}

export function muteError(): TransportError {
  return new TransportError('MUTE', 'emulated card: no answer (mute card fault): time-out');
}

export function tearError(): TransportError {
  return new TransportError('TEAR', 'emulated card: power lost before the answer (tearing fault); reset the card');
}

/** Refuses an exchange on a closed transport, or on a card that lost power (tear) until it is reset. */
export function assertCardReady(name: string, closed: boolean, powered = true): void {
  if (closed) throw closedError(name);
  if (!powered) throw new TransportError('NO_POWER', `${name}: the card lost power; reset it first`);
}

/**
 * One exchange with an emulated card through its fault rules: a status, mute or delay fault
 * acts before the command runs; a tear runs the command (its state persisted), then calls
 * `onTear` (lose power, drop volatile state) and throws; truncate/corrupt alter the response.
 */
export async function exchangeWithFaults(faults: FaultInjector, command: Uint8Array, execute: (command: Uint8Array) => Uint8Array, onTear: () => void): Promise<Uint8Array> {
  const fault = faults.select(command);
  if (fault) {
    if (fault.action === 'status') return Uint8Array.of((fault.sw ?? 0x6f00) >> 8, (fault.sw ?? 0x6f00) & 0xff);
    if (fault.action === 'mute') throw muteError();
    if (fault.action === 'delay') await faults.delay(fault.delayMs ?? 100);
  }
  const response = execute(command);
  if (fault?.action === 'tear') {
    onTear();
    throw tearError();
  }
  return fault ? applyResponseFault(fault, response) : response;
}
