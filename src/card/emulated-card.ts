/**
 * EmulatedCard: the emulated EMV card behind the CardTransport interface
 * (src/apdu/transport.ts), used by the terminal and the CLI exactly as a
 * reader. Holds the engine, the fault injector and, for a card loaded from a
 * file, writes the non-volatile state back atomically after every change.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Bytes, fromHex } from '../apdu/index.js';
import { DocumentError, TransportError } from '../apdu/index.js';
import type { CardTransport, Protocol } from '../apdu/index.js';
import { type RsaKeyPair, keyPairFromJson } from '../crypto/index.js';
import { answerToReset } from './atr.js';
import { contactlessAtr } from './os/ppse.js';
import type { CardInterface } from './profile/types.js';
import { CardEngine } from './engine.js';
import { type CardImage, parseCardImage } from './factory.js';
import { FaultInjector, assertCardReady, closedError, exchangeWithFaults } from './faults.js';
// The purse applet module, not src/card/geldkarte/index.js: purse-card.ts imports this file
// (loadCard), and purse-applet.ts / purse-files.ts import nothing that leads back here.
import { purseApplet } from './geldkarte/purse-applet.js';
import { PURSE_STATE_KEY } from './geldkarte/purse-files.js';
import { processApdu } from './os/dispatch.js';
import { removeStaleTempFiles, writeFileAtomic } from './persistence.js';
import { buildLayout } from './personalise.js';
import type { NonVolatileState } from './state.js';

/** What the issuer and the tests know about a card (never sent by the card). */
export interface CardSecrets {
  pan: string;
  panSequenceNumber: string;
  /** The current reference PIN. */
  pin: string;
  /** Issuer master keys (Book 2 A1.4) for AC, secure-messaging integrity and confidentiality. */
  issuerMasterKeys: { ac: Bytes; smi: Bytes; smc: Bytes };
  /** ICC master key derivation option. */
  derivation: 'A' | 'B';
  /** The ICC RSA key pair, when the card has one. */
  iccKey: RsaKeyPair | undefined;
}

export interface EmulatedCardOptions {
  /** Card file to write the state back to (set by loadCard). */
  file?: string;
  /** Seed for GET CHALLENGE and dynamic numbers (deterministic runs). */
  seed?: string | number;
  /** Transport name (default "emulated card <PAN>"). */
  name?: string;
  /**
   * Durable store of the non-volatile state, called after every change and before the card
   * answers (EngineInit.persist); default: the card file, when there is one. A throw is a
   * power cut: the command gets no answer.
   */
  persist?: (state: NonVolatileState) => void;
  /**
   * The interface the card is presented through (default 'contact'). 'contactless' answers
   * the PPSE instead of the PSE, only applications marked `contactless` are selectable, the
   * protocol is T=1 and the ATR is the one a PC/SC reader synthesises (os/ppse.ts).
   */
  interface?: CardInterface;
}

/** Historical bytes of the emulated card's ATS (ISO/IEC 14443-4 §5.2.7): category 80, status 9000. */
const CONTACTLESS_HISTORICAL = fromHex('8031 8066 B084 0C01 6E01 8300 9000');

export class EmulatedCard implements CardTransport {
  readonly name: string;
  readonly engine: CardEngine;
  readonly faults: FaultInjector;
  readonly file: string | undefined;
  private readonly image: CardImage;
  private powered = true;
  private closed = false;

  constructor(image: CardImage, options: EmulatedCardOptions = {}) {
    this.image = image;
    this.file = options.file;
    const profile = image.profile;
    const pan = profile.pan!;
    const iccKey = image.iccKey ? keyPairFromJson(image.iccKey) : undefined;
    this.engine = new CardEngine({
      profile,
      pan,
      layout: buildLayout(profile, pan, image.oda),
      iccKey,
      pinKey: image.pinKey ? keyPairFromJson(image.pinKey) : undefined,
      state: image.state,
      ...(options.persist ? { persist: options.persist } : this.file ? { persist: () => this.save() } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      iface: options.interface ?? 'contact',
    });
    // A card whose state holds a GeldKarte purse (written by newPurseCardFile) carries the purse
    // applet, whichever way it is opened (loadCard, emvsim emulate --card, vpcd).
    if (image.state.applets?.[PURSE_STATE_KEY] !== undefined) this.engine.applets.push(purseApplet);
    this.faults = new FaultInjector(profile.faults);
    this.name = options.name ?? `emulated card ${pan}`;
  }

  /** Contact or contactless (EmulatedCardOptions.interface). */
  get interface(): CardInterface {
    return this.engine.iface;
  }

  get protocol(): Protocol {
    // PC/SC presents an ISO/IEC 14443-4 card as T=1 (PC/SC Part 3 §3.1.3.2.3).
    return this.engine.protocol;
  }

  /** The Answer-To-Reset this card gives (over contactless: the ATR a PC/SC reader synthesises). */
  get atr(): Bytes {
    if (this.engine.iface === 'contactless') return contactlessAtr(CONTACTLESS_HISTORICAL);
    return answerToReset(this.protocol);
  }

  async transmit(command: Bytes): Promise<Bytes> {
    assertCardReady(this.name, this.closed, this.powered);
    return exchangeWithFaults(this.faults, command, (c) => processApdu(this.engine, c), () => {
      this.powered = false;
      this.engine.resetVolatile();
    });
  }

  /** Synchronous exchange without faults, for benchmarks and fuzzing. */
  transmitSync(command: Bytes | string): Bytes {
    return processApdu(this.engine, typeof command === 'string' ? fromHex(command) : command);
  }

  async coldReset(): Promise<Bytes> {
    assertCardReady(this.name, this.closed);
    this.powered = true;
    this.engine.resetVolatile();
    return this.atr;
  }

  async warmReset(): Promise<Bytes> {
    return this.coldReset();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.faults.cancelDelays(closedError(this.name));
  }

  /** A copy of the non-volatile state (counters, flags, log). */
  get state(): NonVolatileState {
    return structuredClone(this.engine.nv);
  }

  get secrets(): CardSecrets {
    const p = this.engine.profile;
    return {
      pan: this.engine.pan,
      panSequenceNumber: p.panSequenceNumber,
      pin: this.engine.nv.pin,
      issuerMasterKeys: {
        ac: fromHex(p.cryptogram.issuerMasterKeys.ac),
        smi: fromHex(p.cryptogram.issuerMasterKeys.smi),
        smc: fromHex(p.cryptogram.issuerMasterKeys.smc),
      },
      derivation: p.cryptogram.derivation,
      iccKey: this.engine.iccKey,
    };
  }

  /** The card file content with the current state. */
  toImage(): CardImage {
    return { ...this.image, state: structuredClone(this.engine.nv) };
  }

  /** Writes the card file atomically (to `file`, or the file the card was loaded from). */
  save(file = this.file): void {
    if (!file) throw new TransportError('NO_FILE', `${this.name}: no card file to save to`);
    writeFileAtomic(file, JSON.stringify(this.toImage(), null, 1) + '\n');
  }
}

/** Loads a card file; state changes are written back to it atomically. */
export function loadCard(file: string, options: Omit<EmulatedCardOptions, 'file'> = {}): EmulatedCard {
  const path = resolve(file);
  removeStaleTempFiles(path); // a crashed writer's temp file is never the truth (persistence.ts)
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new DocumentError(`cannot read the card file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: path, field: '$' });
  }
  const image = parseCardImage(text, path);
  return new EmulatedCard(image, { ...options, file: path });
}
