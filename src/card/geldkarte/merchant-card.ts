/**
 * The emulated merchant card (Haendlerkarte): a second card behind its own
 * CardTransport (T=1, the emulated card's ATR), with the same fault injection
 * as the EMV card (src/card/faults.ts: status, mute, delay, truncate, corrupt,
 * tear) and its own card file written atomically after every state change.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Bytes, concat } from '../../apdu/index.js';
import { decodeCommand } from '../../apdu/index.js';
import { ApduError, DocumentError, TransportError } from '../../apdu/index.js';
import type { CardTransport, Protocol } from '../../apdu/index.js';
import { answerToReset } from '../atr.js';
import { FaultInjector, assertCardReady, closedError, exchangeWithFaults } from '../faults.js';
import { writeFileAtomic } from '../persistence.js';
import { type MerchantContext, type MerchantSession, merchantCommand } from './merchant-commands.js';
import { DEMO_MERCHANT, type MerchantPersonalisation, type MerchantState, parseMerchantState, personaliseMerchant } from './merchant-state.js';

function freshSession(): MerchantSession {
  return { selected: false, payment: undefined, confirmChallenge: undefined, resolvingParked: undefined };
}

export interface MerchantCardOptions {
  file?: string;
  seed?: string | number;
  name?: string;
}

export class MerchantCard implements CardTransport {
  readonly name: string;
  readonly protocol: Protocol = 'T=1';
  readonly faults = new FaultInjector();
  readonly file: string | undefined;
  private current: MerchantState;
  private session = freshSession();
  private powered = true;
  private closed = false;
  private counter = 0;
  private readonly seed: string | undefined;

  constructor(state: MerchantState, options: MerchantCardOptions = {}) {
    this.current = state;
    this.file = options.file;
    this.seed = options.seed === undefined ? undefined : String(options.seed);
    this.name = options.name ?? `emulated merchant card ${state.merchantId}`;
  }

  get atr(): Bytes {
    return answerToReset(this.protocol);
  }

  /** A copy of the card's non-volatile state. */
  get state(): MerchantState {
    return structuredClone(this.current);
  }

  private random(n: number): Bytes {
    if (this.seed === undefined) return new Uint8Array(randomBytes(n));
    const block = createHash('sha256').update(`emvsim-merchant:${this.seed}:${this.counter++}`).digest();
    return new Uint8Array(block.subarray(0, n));
  }

  /** Executes one command APDU (no faults); never throws for any input bytes. */
  transmitSync(command: Bytes): Bytes {
    let answer;
    try {
      const cmd = decodeCommand(command, { allowExtended: false });
      const ctx: MerchantContext = {
        state: this.current,
        session: this.session,
        random: (n) => this.random(n),
        commit: (next) => {
          this.current = next;
          if (this.file) this.save();
        },
      };
      answer = merchantCommand(ctx, cmd);
    } catch (err) {
      if (!(err instanceof ApduError)) throw err;
      answer = { data: new Uint8Array(0), sw: 0x6700 };
    }
    return concat(answer.data, Uint8Array.of(answer.sw >> 8, answer.sw & 0xff));
  }

  async transmit(command: Bytes): Promise<Bytes> {
    assertCardReady(this.name, this.closed, this.powered);
    return exchangeWithFaults(this.faults, command, (c) => this.transmitSync(c), () => {
      this.powered = false;
      this.session = freshSession();
    });
  }

  async coldReset(): Promise<Bytes> {
    assertCardReady(this.name, this.closed);
    this.powered = true;
    this.session = freshSession();
    return this.atr;
  }

  async warmReset(): Promise<Bytes> {
    return this.coldReset();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.faults.cancelDelays(closedError(this.name));
  }

  save(file = this.file): void {
    if (!file) throw new TransportError('NO_FILE', `${this.name}: no card file to save to`);
    writeFileAtomic(file, JSON.stringify(this.current, null, 1) + '\n');
  }
}

/** A fresh in-memory merchant card (the demo one unless personalisation is given). */
export function createMerchantCard(options: MerchantCardOptions & { personalisation?: MerchantPersonalisation } = {}): MerchantCard {
  return new MerchantCard(personaliseMerchant(options.personalisation ?? DEMO_MERCHANT), options);
}

/** Loads a merchant card file; every state change is written back atomically. */
export function loadMerchantCard(file: string, options: Omit<MerchantCardOptions, 'file'> = {}): MerchantCard {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new DocumentError(`cannot read the merchant card file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: path, field: '$' });
  }
  return new MerchantCard(parseMerchantState(text, path), { ...options, file: path });
}

/** Writes a new merchant card file. */
export function newMerchantCardFile(file: string, personalisation: MerchantPersonalisation = DEMO_MERCHANT): MerchantState {
  const state = personaliseMerchant(personalisation);
  writeFileAtomic(resolve(file), JSON.stringify(state, null, 1) + '\n');
  return state;
}
