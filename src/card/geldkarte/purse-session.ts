/**
 * Shared plumbing of the purse command handlers: the volatile session (lost at
 * every reset, Book 1 §6.1) and the one atomic state change per command.
 */
import { fromHex } from '../../apdu/index.js';
import type { CardEngine } from '../engine.js';
import { appletSession } from '../os/applets.js';
import { PURSE_STATE_KEY, type PurseState } from './purse-files.js';
import type { DebitKind } from './scheme.js';

/** A debit or refund between INITIALISE and DEBIT (single use). */
export interface DebitSession {
  kind: DebitKind;
  merchantId: Uint8Array;
  hseq: Uint8Array;
  sseq: Uint8Array;
  merchantChallenge: Uint8Array;
  purseChallenge: Uint8Array;
}

/** A load between INITIALISE LOAD and LOAD (single use). */
export interface LoadSession {
  amount: number;
  terminalId: Uint8Array;
  purseChallenge: Uint8Array;
}

export interface PurseSession {
  /** The cardholder PIN was verified since the purse was selected. */
  pinVerified: boolean;
  debit: DebitSession | undefined;
  load: LoadSession | undefined;
}

export function purseSession(card: CardEngine): PurseSession {
  return appletSession<PurseSession>(card, () => ({ pinVerified: false, debit: undefined, load: undefined }));
}

export function purseState(card: CardEngine): PurseState {
  const s = card.nv.applets?.[PURSE_STATE_KEY] as PurseState | undefined;
  if (!s) throw new Error('the purse is not personalised on this card');
  return s;
}

/** The 10-byte purse identity (EF_ID bytes 0-9). */
export function purseId(s: PurseState): Uint8Array {
  return fromHex(s.efId).subarray(0, 10);
}

/**
 * Replaces the purse state and writes the card file once: balance, counter and
 * log record change together or not at all (the card file is written with
 * temp + fsync + rename, src/card/persistence.ts).
 */
export function commitPurse(card: CardEngine, next: PurseState): void {
  card.nv.applets = { ...card.nv.applets, [PURSE_STATE_KEY]: next };
  card.commit();
}
