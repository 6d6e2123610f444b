/**
 * What the kernel is given from outside: the card transport, the terminal
 * configuration, and the injected cardholder interface, issuer host, clock,
 * randomness, CAPKs and transaction log. The kernel core does no I/O of its
 * own, so a seeded random source and a fixed clock make a run deterministic.
 */
import type { Bytes } from '../apdu/index.js';
import type { CardTransport } from '../apdu/index.js';
import type { TerminalConfig } from './config.js';
import type { AuthorisationHost } from './host.js';
import type { LiabilityRule } from './liability.js';

export type TransactionType = 'goods' | 'services' | 'cash' | 'cashback';

export interface TransactionRequest {
  /** Amount authorised (9F02) in minor units, including any cashback. */
  amountMinor: number;
  /** Amount other (9F03): the cashback part, minor units. */
  otherAmountMinor?: number;
  transactionType: TransactionType;
  /** ISO 4217 numeric; defaults to the terminal's currency. */
  currencyCode?: string;
  /** The merchant forces the transaction online (TVR B4b4, Book 4 §6.5.3). */
  merchantForcedOnline?: boolean;
}

/**
 * Whether the transaction has a cashback part: a purchase with cashback, or any
 * transaction with an Amount Other (9F03) above zero. Book 3 §10.4.2 (the AUC
 * cashback checks apply "if the transaction has a cashback amount") and the CV
 * Rule condition "purchase with cashback" (Annex C3) both use this one test.
 */
export function isCashback(request: Pick<TransactionRequest, 'transactionType' | 'otherAmountMinor'>): boolean {
  return request.transactionType === 'cashback' || (request.otherAmountMinor ?? 0) > 0;
}

/** A candidate application shown to the cardholder (Book 1 §12.4). */
export interface ApplicationChoice {
  aid: string;
  label: string;
  priority: number;
  confirmationRequired: boolean;
}

/** What the kernel asks when it needs a PIN (Book 4 §6.3.4 / §11.1 messages). */
export interface PinPrompt {
  kind: 'offline-plaintext' | 'offline-enciphered' | 'online';
  amountMinor: number;
  currencyCode: string;
  /** PIN tries left on the card (9F17), when the card told us. */
  triesLeft?: number;
  /** Book 4 §6.3.4: display "LAST PIN TRY" when one try remains. */
  lastTry: boolean;
  /** The previous entry was wrong ("INCORRECT PIN"). */
  afterWrongPin: boolean;
}

export type PinEntry =
  | { kind: 'pin'; pin: string }
  /** The cardholder or attendant bypassed PIN entry (Book 4 §6.3.4.1). */
  | { kind: 'bypass' }
  /** The PIN pad failed while entering. */
  | { kind: 'pin-pad-failure' };

/** The cardholder (and attendant) side: PIN pad, display, application choice. */
export interface CardholderInterface {
  /** Chooses among several candidate applications; returns the index, or undefined to cancel. */
  chooseApplication(choices: ApplicationChoice[]): Promise<number | undefined>;
  /** Confirms a single application whose priority indicator requires it (87 b8). */
  confirmApplication(choice: ApplicationChoice): Promise<boolean>;
  enterPin(prompt: PinPrompt): Promise<PinEntry>;
  /** Standard messages (Book 4 §11.2): "APPROVED", "INCORRECT PIN", "LAST PIN TRY" ... */
  display(message: string): void;
}

/**
 * A PIN-pad reader that verifies the offline plaintext PIN itself (PC/SC Part 10
 * FEATURE_VERIFY_PIN_DIRECT): its keypad collects the digits and it sends the
 * VERIFY (P2 80, Book 3 §6.5.12) to the card, so the PIN never passes through
 * the host. The terminal defines this shape and src/reader's SecurePinPad
 * fits it, so the kernel core needs no import of src/reader (no I/O here).
 */
export interface SecurePinEntry {
  readonly readerName?: string;
  verifyOfflinePlaintextPin(params: { minDigits: number; maxDigits: number; timeoutSeconds: number }): Promise<SecurePinEntryResult>;
}

/**
 * What the reader reports: the card's answer to VERIFY (9000, 63Cx, 6983/6984)
 * or the reader's own status (Part 10 §2.5.2: 6400 time-out, 6401 cancelled,
 * 6403 PIN length out of range; 6402 "new PINs differ" belongs to MODIFY).
 */
export type SecurePinEntryResult =
  | { result: 'verified'; sw?: number }
  | { result: 'wrong-pin'; triesLeft: number; sw?: number }
  | { result: 'blocked'; sw?: number }
  | { result: 'timeout' | 'cancelled' | 'bad-length' | 'mismatch'; sw?: number }
  | { result: 'card-error'; sw: number };

/** Injected randomness: the unpredictable number and random transaction selection draw from it. */
export interface RandomSource {
  bytes(n: number): Bytes;
  /** A uniformly distributed integer in 1..99 (Book 3 §10.6.2). */
  percent(): number;
}

export interface Clock {
  now(): Date;
}

/** Certification authority public keys, looked up by RID and index (Book 2 §5.2, §11.2). */
export interface CapkLookup {
  /** `expiry` YYMMDD when the key's file gives one (Book 2 §11.2.3 withdrawal). */
  find(rid: string, index: number): { modulus: Bytes; exponent: Bytes; expiry?: string } | undefined;
}

/** One approved transaction in the terminal's log. */
export interface TransactionLogEntry {
  pan: string;
  panSequenceNumber?: string;
  amountMinor: number;
}

/**
 * The terminal's log of approved transactions, for the split-sale floor limit check (Book 3
 * §10.6.1: the terminal looks for the most recent entry with the same PAN, optionally the same
 * PAN sequence number, and adds its amount to this transaction's; it does not sum the log).
 */
export interface TransactionLog {
  /** The most recent entry for this PAN (and sequence number, when both sides have one). */
  mostRecentFor(pan: string, panSequenceNumber: string | undefined): TransactionLogEntry | undefined;
  record(pan: string, panSequenceNumber: string | undefined, amountMinor: number): void;
}

/** A magnetic stripe reader, for fallback after a chip failure (magstripe-fallback.ts, Book 4 §6.3.1). */
export interface MagstripeReader {
  /** Reads track 2 ("PAN=YYMM SSS ..." with '=' or 'D' as separator); undefined when nothing was swiped. */
  swipe(): Promise<{ track2: string } | undefined>;
}

/** Observer of the kernel's progress (the CLI prints each step as it happens). */
export type KernelEvent =
  | { type: 'step-start'; step: string }
  | { type: 'decision'; step: string; text: string; tvrBits: string[] }
  | { type: 'step-end'; step: string; result: string }
  | { type: 'transition'; from: string; to: string; reason: string };

export interface KernelEnvironment {
  transport: CardTransport;
  config: TerminalConfig;
  cardholder: CardholderInterface;
  host: AuthorisationHost;
  clock: Clock;
  random: RandomSource;
  capks: CapkLookup;
  transactionLog?: TransactionLog;
  liabilityRules?: LiabilityRule[];
  /** Magnetic stripe reader for fallback (Book 4 §6.3.1), when the terminal has one. */
  magstripe?: MagstripeReader;
  /**
   * The reader's own PIN pad (PC/SC Part 10), when it has one: offline plaintext
   * PIN is then entered on it instead of through `cardholder.enterPin` (pin-entry.ts).
   */
  securePinPad?: SecurePinEntry;
  observer?: (event: KernelEvent) => void;
  /**
   * The terminal's system trace audit number counter (ISO 8583 field 11: six
   * digits, unique per terminal per day; the host treats a repeated STAN as a
   * retransmission and answers it from its ledger). Default: derived from the
   * unpredictable number, which a seeded run repeats; a terminal that talks to
   * a persistent host gives a real counter (stanCounter).
   */
  stan?: () => string;
}

/** A STAN counter starting after `last` (wraps 999999 -> 000001; 000000 is not used). */
export function stanCounter(last = 0): () => string {
  let n = last % 1_000_000;
  return () => {
    n = (n % 999_999) + 1;
    return String(n).padStart(6, '0');
  };
}

/** A seeded PRNG (SplitMix32 variant), so `--seed N` reproduces a run. */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  return {
    bytes(n) {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = next() & 0xff;
      return out;
    },
    percent() {
      return 1 + (next() % 99);
    },
  };
}

export function fixedClock(date: Date): Clock {
  return { now: () => new Date(date.getTime()) };
}

/** An in-memory transaction log, optionally seeded with earlier entries (oldest first). */
export function memoryTransactionLog(entries: readonly TransactionLogEntry[] = []): TransactionLog {
  const log = [...entries];
  return {
    mostRecentFor: (pan, psn) => {
      for (let i = log.length - 1; i >= 0; i--) {
        const e = log[i]!;
        if (e.pan === pan && (psn === undefined || e.panSequenceNumber === undefined || e.panSequenceNumber === psn)) return e;
      }
      return undefined;
    },
    record: (pan, psn, amountMinor) => {
      log.push({ pan, ...(psn !== undefined ? { panSequenceNumber: psn } : {}), amountMinor });
    },
  };
}
