/**
 * Terminals that run in the lab's own process against the emulated card
 * (`emvsim lab run --in-process`): emvsim's kernel as the reference terminal,
 * and, in the tests, faulty terminals built around it. A terminal gets the
 * card as a CardTransport (as a PC/SC reader would give it), the case's
 * transaction, and the lab's issuer host; it answers with what a terminal
 * process would: an exit code and its output.
 */
import { join } from 'node:path';
import {
  buildTerminal,
  capksForTerminal,
  currencyByNumeric,
  formatOutcome,
  loadLiabilityTable,
  memoryTransactionLog,
  projectRoot,
  runTransaction,
  ScriptedCardholder,
  seededRandom,
  type AuthorisationHost,
  type CardTransport,
} from './deps.js';
import type { LabTransaction } from './types.js';

export interface TerminalRequest extends LabTransaction {
  /** The lab's issuer host simulator. */
  host: AuthorisationHost;
  /** A fresh random seed per run (the terminal's unpredictable numbers). */
  seed: number;
}

export interface InProcessTerminal {
  readonly name: string;
  run(card: CardTransport, request: TerminalRequest): Promise<{ exitCode: number; output: string }>;
}

/** Minor units of a decimal amount ("12.34" -> 1234 with exponent 2). */
export function amountMinor(text: string, exponent = 2): number {
  const [whole, frac = ''] = text.split('.');
  return Number(whole) * 10 ** exponent + Number(frac.padEnd(exponent, '0').slice(0, exponent) || '0');
}

/** emvsim's kernel with a terminal profile (default eu-pos-pin), as `emvsim transact` runs it. */
export function kernelTerminal(profile = 'eu-pos-pin', wrap: (card: CardTransport) => CardTransport = (c) => c): InProcessTerminal {
  return {
    name: `emvsim kernel (${profile})`,
    async run(card, request) {
      const config = buildTerminal({ profile });
      const lines: string[] = [];
      const outcome = await runTransaction(
        {
          transport: wrap(card),
          config,
          cardholder: new ScriptedCardholder({ pins: request.pin }),
          host: request.host,
          clock: { now: () => new Date() },
          random: seededRandom(request.seed),
          capks: capksForTerminal(config),
          transactionLog: memoryTransactionLog(),
          liabilityRules: loadLiabilityTable(join(projectRoot(), 'scripts', 'liability', `${config.liabilityRules}.yaml`)).rules,
        },
        { amountMinor: amountMinor(request.amount, config.currencyExponent), transactionType: request.type, currencyCode: config.currencyCode },
      );
      lines.push(...formatOutcome(outcome, currencyByNumeric(config.currencyCode)?.alpha ?? ''));
      return { exitCode: outcome.outcome === 'approved' ? 0 : 1, output: lines.join('\n') + '\n' };
    },
  };
}
