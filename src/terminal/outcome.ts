/**
 * The transaction outcome: decision and reason, cryptogram, ARC, TVR/TSI/CVM
 * results, PIN try counter, liability, the ordered steps with their decisions
 * (and the TVR bits behind them), the state transitions and the APDU trace.
 */
import { toHex } from '../apdu/index.js';
import type { TraceRecord } from '../apdu/index.js';
import { parseCvmList } from '../apdu/index.js';
import type { CryptogramType, StepRecord, TransactionContext, Transition } from './context.js';
import { isPinCvm } from './cvm-rules.js';
import type { LiabilityDetermination, LiabilityFacts } from './liability.js';
import { tvrBitDescription } from './tvr.js';

export interface TransactionOutcome {
  outcome: 'approved' | 'declined' | 'terminated';
  reason: string;
  /**
   * The cryptogram the decision stands on: TC when approved, AAC when declined (also when the
   * terminal declines a TC it cannot trust, CDA failed: Book 2 §6.6.2), undefined when the
   * transaction was terminated or no GENERATE AC was answered.
   */
  cryptogram: CryptogramType | undefined;
  /** What the card's latest GENERATE AC answer named (CID 9F27), whether or not the terminal trusted it. */
  cardCryptogram: CryptogramType | undefined;
  authorisationResponseCode: string | undefined;
  /** The host's response code when it was reached (can differ from the ARC when the terminal or card overruled it). */
  hostResponseCode: string | undefined;
  tvr: string;
  tsi: string;
  cvmResults: string;
  pinTryCounter: number | undefined;
  liability: LiabilityDetermination;
  application: { aid: string; label: string } | undefined;
  /** Masked PAN (first 6, last 4). */
  pan: string | undefined;
  amountMinor: number;
  currency: string;
  /** Names (spec wording) of the TVR bits set at the end. */
  tvrBits: string[];
  issuerScriptResults: string | undefined;
  steps: StepRecord[];
  transitions: Transition[];
  facts: LiabilityFacts;
  trace: TraceRecord[];
  /**
   * Set when the transaction ended because of a defect in emvsim itself (an exception that is
   * neither a Book 3 termination nor a typed EmvsimError about bad card or host data). The
   * outcome is then 'terminated' only for the card's sake; callers must treat it as an error.
   */
  error?: KernelError;
}

export interface KernelError {
  kind: 'internal';
  message: string;
  stack?: string;
}

/** The PAN with all but the first 6 and last 4 digits masked (PCI DSS 3.4); 10 digits or fewer as given. */
export function maskPan(pan: string): string {
  return pan.length <= 10 ? pan : pan.slice(0, 6) + '*'.repeat(pan.length - 10) + pan.slice(-4);
}

function cvmFact(name: string, result: string): string {
  if (result === 'failed') return 'failed';
  if (result === 'none') return 'none';
  switch (name) {
    case 'offline plaintext PIN':
    case 'offline enciphered PIN':
      return 'offline-pin';
    case 'online PIN':
      return 'online-pin';
    case 'offline plaintext PIN and signature':
    case 'offline enciphered PIN and signature':
      return 'pin-and-signature';
    case 'signature':
      return 'signature';
    case 'no CVM required':
      return 'no-cvm';
    default:
      return 'none';
  }
}

function cardCvmCapability(ctx: TransactionContext): { pinPreferring: boolean; supportsPin: boolean } {
  try {
    const raw = ctx.tag('8E');
    if (!raw) return { pinPreferring: false, supportsPin: false };
    const rules = parseCvmList(raw).rules.filter((r) => r.methodCode !== 0x3f);
    return { pinPreferring: rules.length > 0 && isPinCvm(rules[0]!.methodCode), supportsPin: rules.some((r) => isPinCvm(r.methodCode)) };
  } catch {
    return { pinPreferring: false, supportsPin: false };
  }
}

export function liabilityFacts(ctx: TransactionContext, outcome: TransactionOutcome['outcome']): LiabilityFacts {
  const f = ctx.facts;
  const capability = cardCvmCapability(ctx);
  const cvm = cvmFact(f.cvm, f.cvmResult);
  const scheme = ctx.application?.config.scheme ?? 'other';
  const finalType = decisionCryptogram(ctx, outcome);
  return {
    outcome,
    entryMode: f.entryMode,
    scheme,
    cvm,
    cvmSuccessful: f.cardholderVerificationSucceeded,
    cardPinPreferring: capability.pinPreferring,
    cardSupportsPin: capability.supportsPin,
    wentOnline: f.wentOnline,
    onlineAuthorised: f.hostReached && f.hostResponseCode !== undefined && ['00', '08', '10', '11'].includes(f.hostResponseCode),
    fullChipData: f.fullChipDataSent,
    aboveFloorLimit: ctx.tvr.has('floorLimitExceeded'),
    offlineApproved: outcome === 'approved' && !f.hostReached,
    pinPadPresent: ctx.env.config.pinPad.present,
    pinPadWorking: ctx.env.config.pinPad.present && ctx.env.config.pinPad.working,
    odaResult: f.odaResult,
    cryptogram: finalType ?? 'none',
    authorisationResponseCode: ctx.authorisationResponseCode ?? '',
    directDebit: scheme === 'girocard' && (cvm === 'signature' || cvm === 'pin-and-signature') && !f.hostReached,
  };
}

/** The cryptogram behind the final decision (see TransactionOutcome.cryptogram). */
export function decisionCryptogram(ctx: TransactionContext, outcome: TransactionOutcome['outcome']): CryptogramType | undefined {
  const card = ctx.finalAc?.type;
  if (card === undefined || outcome === 'terminated') return undefined;
  if (outcome === 'declined') return 'AAC';
  return card;
}

export function buildOutcome(
  ctx: TransactionContext,
  outcome: TransactionOutcome['outcome'],
  reason: string,
  liability: (facts: LiabilityFacts) => LiabilityDetermination,
  trace: TraceRecord[] | (() => TraceRecord[]),
): TransactionOutcome {
  const facts = liabilityFacts(ctx, outcome);
  const pan = ctx.tag('5A');
  const result: Omit<TransactionOutcome, 'trace'> = {
    outcome,
    reason,
    cryptogram: decisionCryptogram(ctx, outcome),
    cardCryptogram: ctx.lastCardCryptogram,
    authorisationResponseCode: ctx.authorisationResponseCode,
    hostResponseCode: ctx.facts.hostResponseCode,
    tvr: ctx.tvr.hex(),
    tsi: ctx.tsi.hex(),
    cvmResults: toHex(ctx.cvmResults),
    pinTryCounter: ctx.pinTryCounter,
    liability: liability(facts),
    application: ctx.application ? { aid: ctx.application.aid, label: ctx.application.label } : undefined,
    pan: pan ? maskPan(toHex(pan).replace(/F+$/, '')) : undefined,
    amountMinor: ctx.request.amountMinor,
    currency: ctx.currencyCode,
    tvrBits: ctx.tvr.setBits().map(tvrBitDescription),
    issuerScriptResults: ctx.issuerScriptResults.length > 0 ? ctx.issuerScriptResults.map((b) => toHex(b)).join('') : undefined,
    steps: ctx.steps,
    transitions: ctx.transitions,
    facts,
  };
  if (typeof trace !== 'function') return { ...result, trace };
  // The trace is rendered on first read (hex, command names, status texts): most callers of an
  // in-process kernel never read it. It stays an ordinary enumerable field for JSON, spread and clone.
  let rendered: TraceRecord[] | undefined;
  return Object.defineProperty(result, 'trace', {
    enumerable: true,
    configurable: true,
    get: () => (rendered ??= trace()),
    set: (v: TraceRecord[]) => {
      rendered = v;
    },
  }) as TransactionOutcome;
}
