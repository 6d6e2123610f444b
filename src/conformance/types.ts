/**
 * The conformance documents after validation (scripts/conformance/scenario.schema.json):
 * a terminal scenario ("a base card with these differences", a terminal, a
 * host, a cardholder, a transaction and what EMV Book 3 says must come out)
 * and a card-side script (C-APDUs with expected R-APDUs). Both are plain
 * data, so the runner can hand them to worker threads unchanged.
 */

/** Where a document came from: errors and reports name it. */
export interface Origin {
  file: string;
  line: number | undefined;
  /** Index in the file's list (0 when the file holds one document). */
  index: number;
}

export interface CardSetup {
  profile: string;
  /** Profile fields in the YAML shape, merged over the profile. */
  set?: Record<string, unknown>;
  tags?: Record<string, string>;
  keys?: { ac?: string; smi?: string; smc?: string };
  counters?: {
    atc?: number;
    lastOnlineAtc?: number;
    pinTryCounter?: number;
    consecutiveOffline?: number;
    /** Minor units (docs/documents.md "Amounts"); the card's nv.cumulativeOfflineAmount. */
    cumulativeOfflineAmountMinor?: number;
    issuerAuthFailedLastOnline?: boolean;
    applicationBlocked?: boolean;
  };
  faults?: Record<string, unknown>[];
  seed?: string | number;
}

export interface TerminalSetup {
  profile: string;
  set?: Record<string, unknown>;
  eachApplication?: Record<string, unknown>;
  onlyApplications?: string[];
}

export type ScriptCommandName = 'pin-unblock' | 'application-block' | 'application-unblock' | 'card-block';

export interface IssuerScriptSetup {
  command?: ScriptCommandName;
  template?: '71' | '72';
  badMac?: boolean;
  raw?: string;
}

export interface HostSetup {
  mode: 'simulator' | 'approve' | 'decline' | 'unreachable';
  rules?: string;
  responseCode?: string;
  arpc?: 'correct' | 'wrong' | 'none';
  scripts?: IssuerScriptSetup[];
  /** false: the simulator holds this card under another issuer's master keys (the ARQC fails, 05 by 'arqc'). */
  knowsCardKeys?: boolean;
}

export interface CardholderSetup {
  pins?: string[];
  choose?: number | 'cancel';
  confirm?: boolean;
}

/** Amounts in minor units of the transaction currency (docs/documents.md "Amounts"). */
export interface TransactionSetup {
  amountMinor: number;
  otherAmountMinor?: number;
  currency?: string;
  type?: 'goods' | 'services' | 'cash' | 'cashback';
  date?: string;
  seed?: number;
  forceOnline?: boolean;
  /** The terminal's transaction log before this transaction, oldest first ('card' = this scenario's PAN). */
  log?: { pan: string; panSequenceNumber?: string; amountMinor: number }[];
}

/** Bits named (exactly these set), set/clear lists, or a hex value with a mask. */
export type BitExpectation = string[] | { set?: string[]; clear?: string[]; hex?: string; mask?: string } | string;

export interface ApduAssertion {
  command?: string;
  sw?: string;
  absent?: boolean;
}

export interface Expectation {
  outcome?: 'approved' | 'declined' | 'terminated';
  reason?: string;
  cryptogram?: 'TC' | 'ARQC' | 'AAC' | 'none';
  authorisationResponseCode?: string;
  tvr?: BitExpectation;
  tsi?: BitExpectation;
  cvmResults?: string;
  pinTryCounter?: number;
  liability?: 'issuer' | 'acquirer' | 'merchant' | 'cardholder' | 'none';
  application?: string;
  hostCalled?: boolean;
  /** decidedBy of the host's answer: the simulator's rule name, 'arqc', 'arqc-missing', 'scripted:decline', ... */
  hostDecidedBy?: string;
  cardState?: { atc?: number; lastOnlineAtc?: number; pinTryCounter?: number; applicationBlocked?: boolean; cardBlocked?: boolean; consecutiveOffline?: number };
  apdus?: ApduAssertion[];
  xfail?: string;
}

export interface Scenario {
  kind: 'scenario';
  id: string;
  title: string;
  spec: string;
  tags: string[];
  card: CardSetup;
  terminal: TerminalSetup;
  host: HostSetup;
  cardholder: CardholderSetup;
  transaction: TransactionSetup;
  expect: Expectation;
  origin: Origin;
}

export interface CaptureSpec {
  tlv?: string;
  offset?: number;
  length?: number;
  sw?: boolean;
}

export interface ScriptStep {
  name?: string;
  command: string;
  expect?: { sw?: string | string[]; data?: string; tlv?: Record<string, string>; length?: number };
  capture?: Record<string, CaptureSpec>;
  reset?: 'cold' | 'warm';
}

export interface CardScript {
  kind: 'card-script';
  id: string;
  title: string;
  spec: string;
  tags: string[];
  card: CardSetup;
  variables: Record<string, string>;
  steps: ScriptStep[];
  xfail?: string;
  origin: Origin;
}

export type ConformanceCase = Scenario | CardScript;

/** One difference between what the spec expects and what happened. */
export interface Mismatch {
  field: string;
  expected: string;
  actual: string;
  /** Extra lines: TVR/TSI bits named, the APDU at fault. */
  detail?: string[];
}

export type CaseStatus = 'pass' | 'fail' | 'xfail' | 'xpass' | 'error';

export interface CaseResult {
  id: string;
  title: string;
  spec: string;
  kind: ConformanceCase['kind'];
  tags: string[];
  file: string;
  line: number | undefined;
  status: CaseStatus;
  durationMs: number;
  mismatches: Mismatch[];
  /** For error: what went wrong while setting the case up or running it. */
  error?: string;
  xfail?: string;
  /** Summary of what happened (outcome line, TVR/TSI named). */
  actual: string[];
  /** The decoded APDU trace (kept for failures only, to keep reports small). */
  trace?: string;
}
