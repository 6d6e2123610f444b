/**
 * emvsim: the package's front door. One transaction in a few lines:
 *
 *   import { createDemoCard, createInProcessHost, createTerminal } from 'emvsim';
 *   const terminal = createTerminal({ profile: 'eu-pos-pin', host: createInProcessHost(), cardholder: { pins: ['1234'] } });
 *   const outcome = await terminal.transact(createDemoCard(), { amount: 1234, currency: 'EUR' });
 *   console.log(outcome.outcome, outcome.liability.party);   // approved issuer
 *
 * Each layer has its own subpath with more: emvsim/card, emvsim/terminal, emvsim/issuer,
 * emvsim/reader, emvsim/apdu, emvsim/crypto, emvsim/geldkarte, emvsim/conformance,
 * emvsim/testing (docs/library.md).
 */
export { createCard, createDemoCard, loadCard, type CreateCardOptions, type EmulatedCard } from './card/index.js';
export {
  createTerminal,
  type CreateTerminalOptions,
  type Terminal,
  type TransactOptions,
  type TransactionOutcome,
  type AuthorisationHost,
  type CardholderInterface,
} from './terminal/index.js';
export { createInProcessHost, type InProcessHostOptions } from './issuer/index.js';
export type { CardTransport } from './apdu/index.js';
