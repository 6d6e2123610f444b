/**
 * Outcomes of Entry Point and of a contactless kernel: the Outcome Parameter
 * Set and the User Interface Request (EMV Book A v2.x §6, Book B §3.5).
 *
 * Byte layout of the Outcome Parameter Set (8 bytes), as documented publicly in
 * the Entry Point test-case material on the Amadis developer wiki (§7.1.3.1) and
 * in open implementations (e.g. Digrol/Denom OutcomeParameterSet, BCTC autotest
 * constants in ChairmanYSL/Trendit_PURE sdkoutcome.h); sources in docs/contactless.md:
 *   byte 1 b8-b5  Status: 1 Approved, 2 Declined, 3 Online Request, 4 End Application,
 *                 5 Select Next, 6 Try Another Interface, 7 Try Again, F N/A
 *   byte 2 b8-b5  Start: 0 A, 1 B, 2 C, 3 D, F N/A
 *   byte 3 b8-b5  Online Response Data: F N/A (other values are kernel-specific)
 *   byte 4 b8-b5  CVM: 0 No CVM, 1 Obtain Signature, 2 Online PIN, 3 Confirmation Code Verified, F N/A
 *   byte 5        b8 UI Request on Outcome Present, b7 UI Request on Restart Present,
 *                 b6 Data Record Present, b5 Discretionary Data Present, b4 Receipt
 *   byte 6 b8-b5  Alternate Interface Preference: 1 Contact Chip, 2 Mag-stripe, F N/A
 *   byte 7        Field Off Request: FF N/A, otherwise the hold time in units of 100 ms
 *   byte 8        Removal Timeout in units of 100 ms
 */
import { type Bytes, toHex } from '../../apdu/index.js';
import { ParseError } from '../../apdu/index.js';

export const OUTCOME_STATUSES = ['approved', 'declined', 'online-request', 'end-application', 'select-next', 'try-another-interface', 'try-again', 'n/a'] as const;
export type OutcomeStatus = (typeof OUTCOME_STATUSES)[number];
export type Start = 'A' | 'B' | 'C' | 'D';
export type Cvm = 'no-cvm' | 'obtain-signature' | 'online-pin' | 'confirmation-code-verified' | 'n/a';
export type AlternateInterface = 'contact-chip' | 'mag-stripe' | 'n/a';

export interface OutcomeParameterSet {
  status: OutcomeStatus;
  start: Start | 'n/a';
  /** Byte 3 as given (F0 = N/A); its other values belong to the kernel books. */
  onlineResponseData: number;
  cvm: Cvm;
  uiRequestOnOutcomePresent: boolean;
  uiRequestOnRestartPresent: boolean;
  dataRecordPresent: boolean;
  discretionaryDataPresent: boolean;
  receipt: boolean;
  alternateInterfacePreference: AlternateInterface;
  /** Field off hold time in ms, or undefined for N/A. */
  fieldOffHoldMs: number | undefined;
  removalTimeoutMs: number;
}

/** User Interface Request (Book A §7.1): message identifier and status. */
export type UiStatus = 'not-ready' | 'idle' | 'ready-to-read' | 'processing' | 'card-read-successfully' | 'processing-error';
export interface UiRequest {
  /** Message identifier (Book A Table 9-x), e.g. 0x15 "Present Card". */
  messageId: number;
  status: UiStatus;
}

/** Message identifiers Entry Point itself sends (Book B §3.1.1.13, §3.2.1.2, §3.2.1.4, §3.3.2.7). */
export const MESSAGES = {
  approved: 0x03,
  notAuthorised: 0x07,
  presentCard: 0x15,
  processing: 0x16,
  cardReadOk: 0x17,
  insertOrSwipeCard: 0x18,
  presentOneCardOnly: 0x19,
  insertSwipeOrTryAnotherCard: 0x1c,
} as const;

export const MESSAGE_TEXT: Readonly<Record<number, string>> = {
  0x03: 'Approved',
  0x07: 'Not Authorised',
  0x15: 'Present Card',
  0x16: 'Processing',
  0x17: 'Card Read OK',
  0x18: 'Please Insert or Swipe Card',
  0x19: 'Please Present One Card Only',
  0x1c: 'Insert, Swipe or Try Another Card',
};

/** A complete Outcome: the parameter set and what comes with it. */
export interface Outcome {
  parameters: OutcomeParameterSet;
  uiRequestOnOutcome?: UiRequest;
  uiRequestOnRestart?: UiRequest;
  /** Data Record (kernel-specific TLV), when dataRecordPresent. */
  dataRecord?: Bytes;
  /** Discretionary Data (kernel-specific TLV), when discretionaryDataPresent. */
  discretionaryData?: Bytes;
}

/** An Outcome Parameter Set with every field N/A (status included). */
export function blankParameters(): OutcomeParameterSet {
  return {
    status: 'n/a',
    start: 'n/a',
    onlineResponseData: 0xf0,
    cvm: 'n/a',
    uiRequestOnOutcomePresent: false,
    uiRequestOnRestartPresent: false,
    dataRecordPresent: false,
    discretionaryDataPresent: false,
    receipt: false,
    alternateInterfacePreference: 'n/a',
    fieldOffHoldMs: undefined,
    removalTimeoutMs: 0,
  };
}

/** An Outcome Entry Point produces itself: status, a UI Request on Outcome, everything else N/A, removal timeout zero. */
export function entryPointOutcome(status: OutcomeStatus, ui: UiRequest): Outcome {
  return { parameters: { ...blankParameters(), status, uiRequestOnOutcomePresent: true }, uiRequestOnOutcome: ui };
}

const STATUS_NIBBLE: Record<OutcomeStatus, number> = {
  approved: 1, declined: 2, 'online-request': 3, 'end-application': 4, 'select-next': 5, 'try-another-interface': 6, 'try-again': 7, 'n/a': 0xf,
};
const START_NIBBLE: Record<Start | 'n/a', number> = { A: 0, B: 1, C: 2, D: 3, 'n/a': 0xf };
const CVM_NIBBLE: Record<Cvm, number> = { 'no-cvm': 0, 'obtain-signature': 1, 'online-pin': 2, 'confirmation-code-verified': 3, 'n/a': 0xf };
const ALT_NIBBLE: Record<AlternateInterface, number> = { 'contact-chip': 1, 'mag-stripe': 2, 'n/a': 0xf };

function reverse<K extends string>(table: Record<K, number>, nibble: number, what: string, offset: number): K {
  const hit = (Object.keys(table) as K[]).find((k) => table[k] === nibble);
  if (hit === undefined) throw new ParseError('Outcome Parameter Set', `${what} value ${nibble.toString(16).toUpperCase()} is RFU`, offset);
  return hit;
}

/** The 8-byte encoding (layout in the file comment). */
export function encodeOutcomeParameterSet(p: OutcomeParameterSet): Bytes {
  const b5 = (p.uiRequestOnOutcomePresent ? 0x80 : 0) | (p.uiRequestOnRestartPresent ? 0x40 : 0) | (p.dataRecordPresent ? 0x20 : 0) | (p.discretionaryDataPresent ? 0x10 : 0) | (p.receipt ? 0x08 : 0);
  const fieldOff = p.fieldOffHoldMs === undefined ? 0xff : Math.min(0xfe, Math.round(p.fieldOffHoldMs / 100));
  return Uint8Array.of(
    STATUS_NIBBLE[p.status] << 4,
    START_NIBBLE[p.start] << 4,
    p.onlineResponseData & 0xff,
    CVM_NIBBLE[p.cvm] << 4,
    b5,
    ALT_NIBBLE[p.alternateInterfacePreference] << 4,
    fieldOff,
    Math.min(0xff, Math.round(p.removalTimeoutMs / 100)),
  );
}

/** Decodes 8 bytes; an RFU value is a ParseError naming the byte. */
export function decodeOutcomeParameterSet(b: Bytes): OutcomeParameterSet {
  if (b.length !== 8) throw new ParseError('Outcome Parameter Set', `must be 8 bytes, got ${b.length} (${toHex(b)})`, 0);
  return {
    status: reverse(STATUS_NIBBLE, b[0]! >> 4, 'Status', 0),
    start: reverse(START_NIBBLE, b[1]! >> 4, 'Start', 1),
    onlineResponseData: b[2]!,
    cvm: reverse(CVM_NIBBLE, b[3]! >> 4, 'CVM', 3),
    uiRequestOnOutcomePresent: (b[4]! & 0x80) !== 0,
    uiRequestOnRestartPresent: (b[4]! & 0x40) !== 0,
    dataRecordPresent: (b[4]! & 0x20) !== 0,
    discretionaryDataPresent: (b[4]! & 0x10) !== 0,
    receipt: (b[4]! & 0x08) !== 0,
    alternateInterfacePreference: reverse(ALT_NIBBLE, b[5]! >> 4, 'Alternate Interface Preference', 5),
    fieldOffHoldMs: b[6] === 0xff ? undefined : b[6]! * 100,
    removalTimeoutMs: b[7]! * 100,
  };
}
