/**
 * emvsim/terminal: the EMV kernel (Book 3 steps, one module each, chained by
 * kernel.ts) and what it is given from outside. Most users need only
 * createTerminal(); the rest is for those who wire the kernel themselves or
 * implement one of its ports (host, cardholder, PIN pad, clock, randomness).
 *
 *   const terminal = createTerminal({ profile: 'eu-pos-pin', host, cardholder: { pins: ['1234'] } });
 *   const outcome = await terminal.transact(card, { amount: 1234, currency: 'EUR' });
 *
 * House rule: nothing here imports src/card or src/issuer; card and terminal meet at CardTransport.
 */
export { createTerminal, currencyCode, type CreateTerminalOptions, type Terminal, type TransactOptions } from './create-terminal.js';
export { runTransaction } from './kernel.js';
export {
  type KernelEnvironment,
  type KernelEvent,
  type TransactionRequest,
  type TransactionType,
  type CardholderInterface,
  type ApplicationChoice,
  type PinPrompt,
  type PinEntry,
  type SecurePinEntry,
  type SecurePinEntryResult,
  type RandomSource,
  type Clock,
  type CapkLookup,
  type TransactionLog,
  type MagstripeReader,
  isCashback,
  seededRandom,
  fixedClock,
  memoryTransactionLog,
  stanCounter,
} from './environment.js';
export { type AuthorisationHost, type AuthorisationRequest, type AuthorisationResponse, type MessageKind, HostUnavailableError } from './host.js';
export { ScriptedCardholder, type ScriptedCardholderOptions } from './cardholder.js';
export type { TransactionOutcome } from './outcome.js';
export type { StepName, StepRecord, Decision, Transition, CryptogramType } from './context.js';
export {
  type LiableParty,
  type LiabilityFacts,
  type LiabilityRule,
  type LiabilityTable,
  type LiabilityDetermination,
  type LiabilityExplanation,
  explainLiability,
  determineLiability,
  parseLiabilityTable,
} from './liability.js';
export { type TerminalConfig, type SupportedApplication, type TerminalActionCodes, type Scheme, terminalTypeInfo, hasCapability } from './config.js';
export { formatOutcome, formatEvent, eventPrinter, formatAmount } from './report.js';
// Loaders of the shipped files (terminal profiles, CAPKs, liability tables, key files): kept apart from the steps.
export { loadTerminalProfile, parseTerminalProfile, parseTerminalProfileJson, listTerminalProfiles, terminalProfilesDirectory, projectRoot } from './config-loader.js';
export { capksForTerminal, capkLookup } from './capk-lookup.js';
export { loadLiabilityTable, liabilityTablePath, liabilityRules } from './liability-file.js';
export { type KeyFile, loadKeyFile, parseKeyFile, keyFilePath, keysDirectory } from './key-file.js';
