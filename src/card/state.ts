/**
 * The card's state. Non-volatile state (EEPROM on a real card) lives in the
 * card file and survives resets; volatile state (RAM) is lost at every cold
 * or warm reset (EMV Book 1 §6.1: the reset returns the card to its initial
 * state: no application selected, no transaction in progress).
 */
import type { CardProfile } from './profile/types.js';

export interface NonVolatileState {
  /** Application transaction counter (9F36), incremented by each transaction's first GENERATE AC. */
  atc: number;
  /** ATC of the last transaction that went online and completed (9F13). */
  lastOnlineAtc: number;
  /** PIN try counter (9F17). */
  pinTryCounter: number;
  /** The reference PIN (changed by a PIN CHANGE script). */
  pin: string;
  /** Offline approvals since the last online transaction (Book 3 §10.6.2-10.6.3 velocity). */
  consecutiveOffline: number;
  /** Cumulative amount approved offline since the last online transaction (minor units). */
  cumulativeOfflineAmount: number;
  applicationBlocked: boolean;
  cardBlocked: boolean;
  /** Issuer authentication failed (or was missing when required) in the last online transaction. */
  issuerAuthFailedLastOnline: boolean;
  /** An ARQC was answered but the transaction did not complete (no second GENERATE AC). */
  lastOnlineNotCompleted: boolean;
  /** Issuer script processing failed in the last transaction (VIS CVR byte 4 b4). */
  scriptFailedLastTransaction: boolean;
  /** Issuer script commands processed in the last transaction (VIS CVR byte 4 b8-b5). */
  scriptCommandsLastTransaction: number;
  /** Transaction log records (hex), newest first (Book 3 Annex D). */
  log: string[];
  /** Data objects replaced by PUT DATA scripts (tag hex -> value hex). */
  dataOverrides: Record<string, string>;
  /** Records replaced by UPDATE RECORD scripts ("SFI:record" -> record hex). */
  recordOverrides: Record<string, string>;
  /** Non-volatile state of extra applets (src/card/os/applets.ts), by applet name. */
  applets?: Record<string, unknown>;
}

export function initialState(profile: CardProfile): NonVolatileState {
  return {
    atc: 0,
    lastOnlineAtc: 0,
    pinTryCounter: profile.pinTryCounter,
    pin: profile.pin,
    consecutiveOffline: 0,
    cumulativeOfflineAmount: 0,
    applicationBlocked: profile.applicationBlocked,
    cardBlocked: profile.cardBlocked,
    issuerAuthFailedLastOnline: false,
    lastOnlineNotCompleted: false,
    scriptFailedLastTransaction: false,
    scriptCommandsLastTransaction: 0,
    log: [],
    dataOverrides: {},
    recordOverrides: {},
  };
}

/** Transaction progress within one application selection (volatile). */
export type TransactionPhase = 'selected' | 'gpo-done' | 'first-ac-done' | 'second-ac-done';

export interface VolatileState {
  /** Index of the selected application in profile.applications; 'pse', 'ppse' or undefined for none. */
  selected: number | 'pse' | 'ppse' | undefined;
  /** Name used by the last SELECT by name (for P2 'next occurrence', ISO 7816-4 §7.1.1). */
  lastSelectName: Uint8Array | undefined;
  phase: TransactionPhase | undefined;
  /** PDOL data received with GET PROCESSING OPTIONS (used in the CDA hash, Book 2 §6.6.1). */
  pdolData: Uint8Array | undefined;
  /** CDOL1 data of the first GENERATE AC. */
  cdol1Data: Uint8Array | undefined;
  /** Cryptogram type (9F27 b8b7) and value of the first GENERATE AC. */
  firstAcType: number | undefined;
  firstAc: Uint8Array | undefined;
  /** The non-volatile "last online transaction not completed" flag as the first GENERATE AC found it. */
  previousOnlineNotCompleted: boolean | undefined;
  /** Number from the last GET CHALLENGE (Book 3 §6.5.6), valid for one VERIFY. */
  challenge: Uint8Array | undefined;
  /** Issuer authentication: undefined = not performed, true passed, false failed. */
  issuerAuthResult: boolean | undefined;
  /** Card verification results being built for this transaction (CVR bits set by VERIFY etc.). */
  offlinePinPerformed: boolean;
  /** The offline PIN of this transaction came enciphered (VERIFY P2 88): M/Chip CVR byte 1 b2. */
  offlinePinEnciphered: boolean;
  /** INTERNAL AUTHENTICATE answered in this transaction (DDA): M/Chip CVR byte 2 b8. */
  ddaReturned: boolean;
  offlinePinFailed: boolean;
  /** Issuer script commands processed / failed in this transaction. */
  scriptCommands: number;
  scriptFailed: boolean;
  /** Response bytes waiting for GET RESPONSE (T=0, Book 1 Annex A). */
  pendingResponse: Uint8Array | undefined;
  /** The selected extra applet (src/card/os/applets.ts) and its session, if any. */
  applet: { index: number; session?: unknown } | undefined;
}

export function initialVolatileState(): VolatileState {
  return {
    selected: undefined,
    lastSelectName: undefined,
    phase: undefined,
    pdolData: undefined,
    cdol1Data: undefined,
    firstAcType: undefined,
    firstAc: undefined,
    previousOnlineNotCompleted: undefined,
    challenge: undefined,
    issuerAuthResult: undefined,
    offlinePinPerformed: false,
    offlinePinEnciphered: false,
    ddaReturned: false,
    offlinePinFailed: false,
    scriptCommands: 0,
    scriptFailed: false,
    pendingResponse: undefined,
    applet: undefined,
  };
}

/**
 * True once GET PROCESSING OPTIONS has initiated a transaction in the selected
 * application (Book 3 §6.5.8: GPO "initiates the transaction within the ICC").
 * Before that, only SELECT, GPO, READ RECORD, GET DATA and GET CHALLENGE are
 * answered normally; VERIFY, INTERNAL AUTHENTICATE and GENERATE AC answer 6985
 * (conditions of use not satisfied), as the CCD application state machine does.
 */
export function transactionInitiated(v: VolatileState): boolean {
  return v.phase !== undefined && v.phase !== 'selected';
}

/** Resets the per-transaction part when an application is (re)selected. */
export function startTransaction(v: VolatileState): void {
  v.phase = 'selected';
  v.pdolData = undefined;
  v.cdol1Data = undefined;
  v.firstAcType = undefined;
  v.firstAc = undefined;
  v.previousOnlineNotCompleted = undefined;
  v.issuerAuthResult = undefined;
  v.offlinePinPerformed = false;
  v.offlinePinEnciphered = false;
  v.ddaReturned = false;
  v.offlinePinFailed = false;
  v.scriptCommands = 0;
  v.scriptFailed = false;
}
