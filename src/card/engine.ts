/**
 * The card engine: personalised data, keys and state of one emulated card,
 * and the services the command handlers share (persistence, randomness, the
 * ICC master keys). Command handlers live in src/card/os/ and src/card/app/.
 */
import { randomBytes, hash } from 'node:crypto';
import { type Bytes, fromHex } from '../apdu/index.js';
import { deriveIccMasterKey } from '../crypto/index.js';
import type { RsaKeyPair } from '../crypto/index.js';
import type { DecodedCommand } from '../apdu/index.js';
import type { CardLayout } from './personalise.js';
import type { CardInterface, CardProfile } from './profile/types.js';
import { type NonVolatileState, type VolatileState, initialVolatileState } from './state.js';

/** A command's answer before transport rules (T=0 61xx/6Cxx) are applied. */
export interface Answer {
  data: Bytes;
  sw: number;
}

const EMPTY = new Uint8Array(0);

/**
 * An application beside the EMV payment application (os/applets.ts routes to it).
 * Declared here, with Answer, so the engine and the applets do not import each other.
 */
export interface CardApplet {
  /** Key of the applet's state in `card.nv.applets`. */
  readonly name: string;
  /** DF names (AIDs) the applet is selected by, exact match. */
  readonly aids: readonly Bytes[];
  /** SELECT by one of `aids` (index `aidIndex`); returns the FCI answer. */
  select(card: CardEngine, aidIndex: number, cmd: DecodedCommand): Answer;
  /** A command while selected; `undefined` hands it to the card OS's own routing. */
  handle(card: CardEngine, cmd: DecodedCommand): Answer | undefined;
}

export function sw(code: number): Answer {
  return { data: EMPTY, sw: code };
}

export function ok(data: Bytes = EMPTY): Answer {
  return { data, sw: 0x9000 };
}

/** ICC master keys derived from the issuer master keys (Book 2 A1.4). */
export interface IccMasterKeys {
  ac: Bytes;
  smi: Bytes;
  smc: Bytes;
}

export interface EngineInit {
  profile: CardProfile;
  pan: string;
  layout: CardLayout;
  iccKey: RsaKeyPair | undefined;
  /** Separate ICC PIN encipherment key (9F2D, Book 2 §7.1), when the card has one. */
  pinKey?: RsaKeyPair | undefined;
  state: NonVolatileState;
  /** Called with the new state whenever non-volatile state changed; must be durable on return. */
  persist?: (state: NonVolatileState) => void;
  /** Seed for a deterministic random source (GET CHALLENGE, ICC dynamic numbers). */
  seed?: string | number;
  /** The interface the card is reached through (default contact; os/ppse.ts). */
  iface?: CardInterface;
}

export class CardEngine {
  readonly profile: CardProfile;
  readonly pan: string;
  readonly layout: CardLayout;
  readonly iccKey: RsaKeyPair | undefined;
  /** Separate ICC PIN encipherment key; VERIFY P2 '88' uses it instead of the ICC key. */
  readonly pinKey: RsaKeyPair | undefined;
  readonly masterKeys: IccMasterKeys;
  /** Contact or contactless: decides PSE vs PPSE and which applications are selectable. */
  readonly iface: CardInterface;
  nv: NonVolatileState;
  v: VolatileState = initialVolatileState();
  /** Extra applications beside the EMV application (e.g. the GeldKarte purse), tried first. */
  readonly applets: CardApplet[] = [];
  private readonly persistFn: ((state: NonVolatileState) => void) | undefined;
  private readonly random: (n: number) => Bytes;

  constructor(init: EngineInit) {
    this.profile = init.profile;
    this.pan = init.pan;
    this.layout = init.layout;
    this.iccKey = init.iccKey;
    this.pinKey = init.pinKey;
    this.nv = init.state;
    this.iface = init.iface ?? 'contact';
    this.persistFn = init.persist;
    this.random = init.seed === undefined ? (n) => new Uint8Array(randomBytes(n)) : seededRandom(String(init.seed));
    const imk = init.profile.cryptogram.issuerMasterKeys;
    const option = init.profile.cryptogram.derivation;
    const psn = init.profile.panSequenceNumber;
    this.masterKeys = {
      ac: deriveIccMasterKey(fromHex(imk.ac), init.pan, psn, option),
      smi: deriveIccMasterKey(fromHex(imk.smi), init.pan, psn, option),
      smc: deriveIccMasterKey(fromHex(imk.smc), init.pan, psn, option),
    };
  }

  /** Writes the non-volatile state through (the card file, when there is one). */
  commit(): void {
    this.persistFn?.(this.nv);
  }

  randomBytes(n: number): Bytes {
    return this.random(n);
  }

  /** Power loss or reset: RAM is cleared (Book 1 §6.1). */
  resetVolatile(): void {
    this.v = initialVolatileState();
  }

  /** The transmission protocol in use: T=1 over contactless (ISO/IEC 14443-4 block protocol as PC/SC shows it). */
  get protocol(): 'T=0' | 'T=1' {
    return this.iface === 'contactless' ? 'T=1' : this.profile.protocol;
  }

  get selectedApplication(): number | undefined {
    return typeof this.v.selected === 'number' ? this.v.selected : undefined;
  }
}

/** SHA-256 counter-mode stream: reproducible challenges for seeded test cards. */
function seededRandom(seed: string): (n: number) => Bytes {
  let counter = 0;
  return (n: number) => {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const block = hash('sha256', `emvsim-card:${seed}:${counter++}`, 'buffer');
      const take = Math.min(block.length, n - filled);
      out.set(block.subarray(0, take), filled);
      filled += take;
    }
    return out;
  };
}
