/**
 * Terminals that run in the lab's own process against the emulated card
 * (`emvsim lab run --in-process`): emvsim's kernel as the reference terminal,
 * and, in the tests, faulty terminals built around it. A terminal gets the
 * card as a CardTransport (as a PC/SC reader would give it), the case's
 * transaction, and the lab's issuer host; it answers with what a terminal
 * process would: an exit code and its output.
 */
import { createTerminal, currencyByNumeric, formatOutcome, parseAmount, type AuthorisationHost, type CapkLookup, type CardTransport } from './deps.js';
import type { LabTransaction } from './types.js';

export interface TerminalRequest extends LabTransaction {
  /** The lab's issuer host simulator. */
  host: AuthorisationHost;
  /** A fresh random seed per run (the terminal's unpredictable numbers). */
  seed: number;
  /** With --terminal-module: the fake PC/SC reader holding the card, for terminals that use `smartcard`. */
  reader?: string;
}

export interface InProcessTerminal {
  readonly name: string;
  run(card: CardTransport, request: TerminalRequest): Promise<{ exitCode: number; output: string }>;
}

/** Minor units of a decimal amount ("12.34" -> 1234 with exponent 2): the one amount parser, parseAmount. */
export function amountMinor(text: string, exponent = 2): number {
  return parseAmount(text, { exponent });
}

/**
 * emvsim's kernel with a terminal profile (default eu-pos-pin), wired by createTerminal as `emvsim transact` is;
 * `capks` replaces the CA public keys the profile names (the terminal's own key store).
 */
export function kernelTerminal(profile = 'eu-pos-pin', wrap: (card: CardTransport) => CardTransport = (c) => c, options: { capks?: CapkLookup } = {}): InProcessTerminal {
  return {
    name: `emvsim kernel (${profile})`,
    async run(card, request) {
      const terminal = createTerminal({ profile, host: request.host, cardholder: { pins: request.pin }, random: request.seed, ...(options.capks ? { capks: options.capks } : {}) });
      const config = terminal.config;
      const outcome = await terminal.transact(wrap(card), { amount: request.amountMinor, type: request.type });
      const lines = formatOutcome(outcome, currencyByNumeric(config.currencyCode)?.alpha ?? '');
      return { exitCode: outcome.outcome === 'approved' ? 0 : 1, output: lines.join('\n') + '\n' };
    },
  };
}
