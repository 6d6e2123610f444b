/**
 * The one place that wires a terminal: a terminal profile, the shipped CAPKs
 * and liability rules (read by the loaders, never by the kernel steps), the
 * injected host, cardholder, clock, randomness and transaction log, around
 * runTransaction. The CLI (`transact`, `demo`), the conformance runner, the
 * bench and users' code all build their kernel environment here.
 *
 *   const terminal = createTerminal({ profile: 'eu-pos-pin', host, cardholder: { pins: ['1234'] } });
 *   const outcome = await terminal.transact(card, { amount: 1234 });   // minor units: 12.34
 */
import type { CardTransport } from '../apdu/index.js';
import { currencyByAlpha } from '../apdu/index.js';
import { capksForTerminal } from './capk-lookup.js';
import { ScriptedCardholder, type ScriptedCardholderOptions } from './cardholder.js';
import type { TerminalConfig } from './config.js';
import { loadTerminalProfile } from './config-loader.js';
import {
  type CapkLookup,
  type CardholderInterface,
  type Clock,
  type KernelEnvironment,
  type KernelEvent,
  type MagstripeReader,
  type RandomSource,
  type SecurePinEntry,
  type TransactionLog,
  type TransactionType,
  fixedClock,
  memoryTransactionLog,
  seededRandom,
} from './environment.js';
import type { AuthorisationHost } from './host.js';
import { runTransaction } from './kernel.js';
import type { LiabilityRule } from './liability.js';
import { liabilityRules } from './liability-file.js';
import type { TransactionOutcome } from './outcome.js';

export interface CreateTerminalOptions {
  /** A shipped terminal profile's name (scripts/terminals/NAME.yaml), a profile file path, or a loaded TerminalConfig. */
  profile: string | TerminalConfig;
  /** The issuer side: createInProcessHost(), an Iso8583HostClient, a ScriptedHost (emvsim/testing) or your own. */
  host: AuthorisationHost;
  /** The PIN pad and display: your CardholderInterface, or scripted answers ({ pins: ['1234'] }). */
  cardholder: CardholderInterface | ScriptedCardholderOptions;
  /** Certification authority public keys; default: the files the profile names (capkFiles), shipped under scripts/capk/. */
  capks?: CapkLookup;
  /** Liability rules, or a table's name or path; default: the table the profile names (liabilityRules), shipped under scripts/liability/. */
  liability?: readonly LiabilityRule[] | string;
  /** A Clock, or a fixed date; default the wall clock. */
  clock?: Clock | Date;
  /** A RandomSource, or a seed for the seeded one (the unpredictable number repeats per seed); default seed 1. */
  random?: RandomSource | number;
  /** Observer of every step, decision and state transition (the CLI prints them). */
  log?: (event: KernelEvent) => void;
  /**
   * The terminal's log of approved transactions (Book 3 §10.6.1: split sales count towards the
   * floor limit); default an in-memory log that lives as long as this terminal.
   */
  transactionLog?: TransactionLog;
  /** A magnetic stripe reader for fallback (Book 4 §6.3.1). */
  magstripe?: MagstripeReader;
  /** The reader's own PIN pad (PC/SC Part 10), for offline plaintext PIN. */
  securePinPad?: SecurePinEntry;
  /** The STAN counter (ISO 8583 field 11), e.g. stanCounter(); default derived from the unpredictable number. */
  stan?: () => string;
}

export interface TransactOptions {
  /** Amount authorised in minor units (1234 = 12.34 in a 2-decimal currency), cashback included. */
  amount: number;
  /** ISO 4217 alpha ('EUR') or numeric ('978'); default the terminal's currency. */
  currency?: string;
  /** Default 'goods'; 'cashback' when otherAmount is given. */
  type?: TransactionType;
  /** Amount other (9F03): the cashback part of `amount`, minor units. */
  otherAmount?: number;
  /** The merchant forces the transaction online (TVR B4b4). */
  forceOnline?: boolean;
}

export interface Terminal {
  /** The terminal configuration the profile gave. */
  readonly config: TerminalConfig;
  /** The kernel environment every transaction of this terminal runs in, without the card. */
  readonly environment: Omit<KernelEnvironment, 'transport'>;
  /** Runs one transaction with the card (any CardTransport: emulated card, PC/SC reader, replay); the card stays open. */
  transact(card: CardTransport, options: TransactOptions): Promise<TransactionOutcome>;
}

const capkCache = new Map<string, CapkLookup>();

/** The CAPKs a profile names, read once per process (the files are read-only). */
function shippedCapks(config: TerminalConfig): CapkLookup {
  const key = config.capkFiles.join('|');
  let capks = capkCache.get(key);
  if (!capks) capkCache.set(key, (capks = capksForTerminal(config)));
  return capks;
}

/** ISO 4217 numeric code of an alpha currency; a numeric code is taken as it is (the kernel judges it). */
export function currencyCode(currency: string): string {
  if (/^\d{3}$/.test(currency)) return currency;
  const info = currencyByAlpha(currency.toUpperCase());
  if (!info) throw new RangeError(`unknown currency '${currency}' (ISO 4217 alpha like EUR or numeric like 978)`);
  return info.numeric;
}

export function createTerminal(options: CreateTerminalOptions): Terminal {
  const config = typeof options.profile === 'string' ? loadTerminalProfile(options.profile) : options.profile;
  const { clock, random, liability, cardholder } = options;
  const environment: Omit<KernelEnvironment, 'transport'> = {
    config,
    cardholder: isCardholderInterface(cardholder) ? cardholder : new ScriptedCardholder(cardholder),
    host: options.host,
    clock: clock === undefined ? { now: () => new Date() } : clock instanceof Date ? fixedClock(clock) : clock,
    random: typeof random === 'object' ? random : seededRandom(random ?? 1),
    capks: options.capks ?? shippedCapks(config),
    transactionLog: options.transactionLog ?? memoryTransactionLog(),
    liabilityRules: typeof liability === 'object' ? [...liability] : liabilityRules(liability ?? config.liabilityRules),
    ...(options.log ? { observer: options.log } : {}),
    ...(options.magstripe ? { magstripe: options.magstripe } : {}),
    ...(options.securePinPad ? { securePinPad: options.securePinPad } : {}),
    ...(options.stan ? { stan: options.stan } : {}),
  };
  return {
    config,
    environment,
    transact(card, t) {
      if (!Number.isSafeInteger(t.amount) || t.amount < 0) throw new RangeError(`amount ${t.amount} is not a whole number of minor units`);
      const other = t.otherAmount ?? 0;
      return runTransaction(
        { ...environment, transport: card },
        {
          amountMinor: t.amount,
          ...(other ? { otherAmountMinor: other } : {}),
          transactionType: t.type ?? (other ? 'cashback' : 'goods'),
          ...(t.currency !== undefined ? { currencyCode: currencyCode(t.currency) } : {}),
          ...(t.forceOnline ? { merchantForcedOnline: true } : {}),
        },
      );
    },
  };
}

function isCardholderInterface(c: CardholderInterface | ScriptedCardholderOptions): c is CardholderInterface {
  return typeof (c as CardholderInterface).enterPin === 'function';
}
