/**
 * Terminal test plans (scripts/lab/*.yaml, schema scripts/lab/plan.schema.json):
 * each case is a card image (a base profile plus deltas, as conformance
 * scenarios give it) and what the terminal under test must do, judged only
 * from what the card saw (commands, data sent through the card's own DOLs)
 * and, optionally, the terminal's own reported result.
 */
import type { CardSetup } from './deps.js';

/** Which command(s) a rule is about. A bare string is a command name ("VERIFY"). */
export interface CommandMatcher {
  command?: string;
  cla?: string;
  p1?: string;
  p2?: string;
  /** Command data: hex pattern, X = any nibble, trailing * = any rest. */
  data?: string;
  /** GENERATE AC only: the cryptogram type requested in P1 (Book 3 §6.5.5.2). */
  cryptogram?: 'AAC' | 'TC' | 'ARQC';
  /** The card's answer to it. */
  sw?: string;
  /** Issuer script commands (secure messaging class 84/8C/0C/04, Book 3 §10.10). */
  script?: boolean;
}

export type Matcher = string | CommandMatcher;

interface RuleBase {
  /** The terminal fault this rule catches, shown in the failure message. */
  fault?: string;
}
export interface SentRule extends RuleBase {
  sent: Matcher;
  /** Exactly this many (default: at least one). */
  times?: number;
}
export interface AbsentRule extends RuleBase {
  absent: Matcher;
  /** Only after the first command matching this. */
  after?: Matcher;
  /** Only before the first command matching this (the whole log when none matches). */
  before?: Matcher;
}
export interface OrderRule extends RuleBase {
  order: Matcher[];
}
export interface FirstRule extends RuleBase {
  first: Matcher;
}
export interface NothingAfterRule extends RuleBase {
  nothingAfter: Matcher;
}
export type CommandRule = SentRule | AbsentRule | OrderRule | FirstRule | NothingAfterRule;

export interface BitsExpectation {
  set?: string[];
  clear?: string[];
}

/** Expectations on DOL data fields, by name (DOL_FIELDS) or tag. */
export interface FieldExpectations {
  /** 9F02 in minor units. */
  amountMinor?: number;
  /** 9F03 in minor units. */
  amountOtherMinor?: number;
  country?: string;
  currency?: string;
  type?: string;
  date?: 'today' | string;
  tvr?: BitsExpectation;
  cvmResults?: string;
  unpredictableNumber?: 'present';
  terminalType?: string;
  arc?: string;
  [tag: string]: unknown;
}

export interface GenerateAcExpectation {
  /** The cryptogram requested; a list accepts any of them. */
  request?: 'AAC' | 'TC' | 'ARQC' | ('AAC' | 'TC' | 'ARQC')[];
  cda?: boolean;
  data?: FieldExpectations;
  fault?: string;
  /** Alternatives: the GENERATE AC passes when it meets any one of them (e.g. TC, or ARQC when randomly selected). */
  anyOf?: GenerateAcExpectation[];
}

export interface TerminalResultExpectation {
  exit?: number | 'nonzero';
  /** A regular expression some output line must match. */
  output?: string;
  /** A regular expression no output line may match. */
  notOutput?: string;
  fault?: string;
}

export interface LabExpectation {
  commands?: CommandRule[];
  /** First and second GENERATE AC (index 0 and 1); null: that GENERATE AC must not be sent. */
  generateAc?: (GenerateAcExpectation | null)[];
  /** Data the terminal sent in GET PROCESSING OPTIONS, decoded by the card's PDOL. */
  gpo?: FieldExpectations;
  /** Offline data authentication the terminal performed, seen from the card. */
  oda?: 'none' | 'sda' | 'dda' | 'cda';
  /** Across the runs of the case (runs >= 2): the unpredictable number differs. */
  unpredictableNumber?: 'differs';
  terminal?: TerminalResultExpectation;
}

/** What the terminal is asked to do: the placeholders of --terminal-cmd. */
export interface LabTransaction {
  /** The amount in minor units (the plan's amountMinor; {amountMinor}). */
  amountMinor: number;
  /** The same amount in major units as a terminal's keypad takes it, e.g. "8.00" ({amount}). */
  amount: string;
  /** ISO 4217 exponent {amount} is written with (the plan's currencyExponent, default 2). */
  currencyExponent: number;
  /** PIN entries in order ({pin}: space-separated; 'bypass' to bypass). */
  pin: string[];
  type: 'goods' | 'services' | 'cash' | 'cashback';
  /** Shown to a person with --manual. */
  instructions?: string;
}

export interface LabCase {
  id: string;
  title: string;
  spec: string;
  tags: string[];
  card: CardSetup;
  transaction: LabTransaction;
  /** Issuer host simulator: rules file (scripts/issuer/NAME.yaml or a path relative to the plan). */
  host: { rules?: string; knowsCardKeys?: boolean };
  /** How many transactions the terminal makes with this card (2 for "differs across runs"). */
  runs: number;
  expect: LabExpectation;
  file: string;
  line: number | undefined;
}

export interface LabPlan {
  name: string;
  description: string;
  file: string;
  cases: LabCase[];
}

export type Verdict = 'pass' | 'fail' | 'inconclusive';

/** One failed expectation: expected against what the card saw, decoded. */
export interface Finding {
  rule: string;
  fault?: string;
  expected: string;
  seen: string;
  detail?: string[];
}

/** One command/response the card saw. */
export interface CardExchange {
  run: number;
  index: number;
  command: string;
  response: string;
  name: string;
  sw: string;
  timeMs: number;
}

export interface TerminalRun {
  exitCode: number | null;
  signal?: string | null;
  output: string;
  timedOut: boolean;
  /** The terminal's own result is not known (a lab server session where the rig reported none): not judged. */
  unreported?: boolean;
  /** A crash of the terminal itself (spawn failure, thrown error). */
  crash?: string;
  durationMs: number;
}

export interface LabCaseResult {
  id: string;
  title: string;
  spec: string;
  tags: string[];
  file: string;
  line: number | undefined;
  verdict: Verdict;
  /** For inconclusive: why, in words. */
  reason?: string;
  findings: Finding[];
  log: CardExchange[];
  /** The decoded card-side log, one line per command plus decoded data. */
  decodedLog: string[];
  /** Book 3 steps as the card saw them, with where the terminal deviated. */
  steps: { step: string; state: 'seen' | 'deviated' | 'not-seen' }[];
  terminal: TerminalRun[];
  durationMs: number;
}
