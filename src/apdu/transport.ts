/**
 * The one interface through which terminal, CLI and conformance runner talk to
 * a card: the emulated card, a PC/SC reader, the vpcd bridge and a replayed
 * trace all implement it. Raw exchange only: T=0 rules live in exchange.ts.
 */
import type { Bytes } from './bytes.js';

export type Protocol = 'T=0' | 'T=1';

export interface CardTransport {
  /** Human-readable name ("emulated card", "PC/SC: Virtual PCD 00 00"). */
  readonly name: string;
  /** Protocol in use after the last reset. */
  readonly protocol: Protocol;
  /** Sends one command APDU and returns the raw response APDU (data + SW1 SW2). */
  transmit(command: Bytes): Promise<Bytes>;
  /** Cold reset (power off and on); returns the ATR. Volatile card state is lost. */
  coldReset(): Promise<Bytes>;
  /** Warm reset; returns the ATR. */
  warmReset(): Promise<Bytes>;
  /** Releases the card/reader. Safe to call twice. */
  close(): Promise<void>;
}
