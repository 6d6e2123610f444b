/**
 * Cardholder verification, Book 3 §10.5: walk the CVM List (8E) rule by rule;
 * a rule whose condition holds is performed; an unsuccessful CVM continues
 * with the next rule only when b7 ("apply succeeding rule") is set, otherwise
 * cardholder verification fails; "Fail CVM processing" (00) is a CVM that
 * always fails and follows the same b7 rule. CVM Results (9F34) record the last CVM
 * performed (Book 4 Annex A4 Table 33: byte 1 "CVM performed", '3F' when no CVM was
 * performed): a rule the terminal did not recognise or does not support was not performed,
 * so a list whose failing rules were all of that kind ends with 3F 00 01 (Book 3 §10.5).
 */
import { toHex } from '../apdu/index.js';
import { AIP, isBitSet, parseCvmList, type CvmList } from '../apdu/index.js';
import { EmvsimError } from '../apdu/index.js';
import type { TransactionContext } from './context.js';
import { CVM, evaluateCondition, isPinCvm, isRecognisedCvm, terminalSupportsCvm } from './cvm-rules.js';
import { type PinOutcome, offlinePin, onlinePin } from './pin-entry.js';

const RESULT_UNKNOWN = 0x00;
const RESULT_FAILED = 0x01;
const RESULT_SUCCESSFUL = 0x02;

const CVM_NAMES: Record<number, string> = {
  0x00: 'fail CVM processing',
  0x01: 'offline plaintext PIN',
  0x02: 'online PIN',
  0x03: 'offline plaintext PIN and signature',
  0x04: 'offline enciphered PIN',
  0x05: 'offline enciphered PIN and signature',
  0x1e: 'signature',
  0x1f: 'no CVM required',
};

export function cvmName(code: number): string {
  return CVM_NAMES[code] ?? `CVM ${toHex(Uint8Array.of(code))}`;
}

/** Performs one recognised, supported CVM; returns its CVM Results byte 3, or 'failed'. */
async function perform(ctx: TransactionContext, code: number): Promise<number | 'failed'> {
  let pin: PinOutcome | undefined;
  switch (code) {
    case CVM.fail:
      return 'failed';
    case CVM.noCvmRequired:
      return RESULT_SUCCESSFUL;
    case CVM.signature:
      // Book 4 Annex A4: the result of a signature is not known to the terminal at this point.
      return RESULT_UNKNOWN;
    case CVM.onlinePin:
      pin = await onlinePin(ctx);
      return pin === 'successful' ? RESULT_UNKNOWN : 'failed';
    case CVM.offlinePlaintextPin:
    case CVM.offlinePlaintextPinAndSignature:
      pin = await offlinePin(ctx, false);
      break;
    case CVM.offlineEncipheredPin:
    case CVM.offlineEncipheredPinAndSignature:
      pin = await offlinePin(ctx, true);
      break;
    default:
      return 'failed';
  }
  if (pin !== 'successful') return 'failed';
  // PIN + signature: the signature part is still to come (result unknown).
  return code === CVM.offlinePlaintextPinAndSignature || code === CVM.offlineEncipheredPinAndSignature ? RESULT_UNKNOWN : RESULT_SUCCESSFUL;
}

export async function cardholderVerification(ctx: TransactionContext): Promise<string> {
  const aip = ctx.tag('82') ?? new Uint8Array(2);
  if (!isBitSet(aip, AIP.cardholderVerificationSupported)) {
    ctx.decide('AIP: cardholder verification not supported by the card: skipped (Book 3 §10.5)');
    ctx.cvmResults = Uint8Array.of(0x3f, 0x00, 0x00);
    return 'not supported by the card';
  }
  const raw = ctx.tag('8E');
  let list: CvmList | undefined;
  try {
    list = raw ? parseCvmList(raw) : undefined;
  } catch (err) {
    if (!(err instanceof EmvsimError)) throw err;
  }
  if (!list || list.rules.length === 0) {
    // Book 3 §10.5: no CVM List: ICC data missing, CVM not performed.
    ctx.setTvr('iccDataMissing', `CVM List (8E) ${raw ? 'is malformed or empty' : 'is absent'}`);
    ctx.cvmResults = Uint8Array.of(0x3f, 0x00, 0x00);
    return 'no CVM List';
  }
  ctx.decide(`CVM List: amount X ${list.amountX}, Y ${list.amountY}, ${list.rules.length} rules`);
  ctx.tsi.set('cardholderVerificationPerformed');
  let lastFailed: { code: number; condition: number } | undefined;
  for (const rule of list.rules) {
    const code = rule.methodCode;
    const fullCode = code | (rule.applySucceedingIfUnsuccessful ? 0x40 : 0);
    const cond = evaluateCondition(ctx, rule.conditionCode, code, list.amountX, list.amountY);
    const label = `${cvmName(code)} (${cond.why})`;
    if (!cond.satisfied) {
      ctx.decide(`rule ${label}: condition not satisfied, next rule`);
      continue;
    }
    let outcome: number | 'failed';
    let performed = false;
    if (!isRecognisedCvm(code)) {
      ctx.setTvr('unrecognisedCvm', `rule ${label}: CVM code ${toHex(Uint8Array.of(code))} not recognised`);
      outcome = 'failed';
    } else if (!terminalSupportsCvm(ctx, code)) {
      if (isPinCvm(code)) ctx.setTvr('pinPadNotPresentOrNotWorking', `rule ${label}: PIN CVM not supported by the terminal`);
      else ctx.decide(`rule ${label}: not supported by the terminal`);
      outcome = 'failed';
    } else {
      ctx.facts.cvm = cvmName(code);
      outcome = await perform(ctx, code);
      performed = true;
    }
    if (outcome !== 'failed') {
      ctx.cvmResults = Uint8Array.of(fullCode, rule.conditionCode, outcome);
      ctx.facts.cvm = cvmName(code);
      ctx.facts.cvmResult = outcome === RESULT_SUCCESSFUL ? 'successful' : 'unknown';
      ctx.facts.cardholderVerificationSucceeded = true;
      ctx.decide(`rule ${label}: performed, ${outcome === RESULT_SUCCESSFUL ? 'successful' : 'result unknown to the terminal'}`);
      return cvmName(code);
    }
    // Book 4 Annex A4: only a CVM the terminal actually performed is recorded in 9F34.
    if (performed) lastFailed = { code: fullCode, condition: rule.conditionCode };
    // Book 3 §10.5 (CVM processing flow): an unsuccessful CVM goes on with the next rule when
    // b7 is set. "Fail CVM processing" (00) is simply a CVM that always fails: same rule.
    if (rule.applySucceedingIfUnsuccessful) {
      ctx.decide(`rule ${label}: unsuccessful, apply succeeding rule (b7)`);
      continue;
    }
    ctx.decide(`rule ${label}: unsuccessful and b7 is not set: cardholder verification fails`);
    break;
  }
  ctx.facts.cvmResult = 'failed';
  ctx.cvmResults = lastFailed ? Uint8Array.of(lastFailed.code, lastFailed.condition, RESULT_FAILED) : Uint8Array.of(0x3f, 0x00, RESULT_FAILED);
  ctx.setTvr('cardholderVerificationNotSuccessful', lastFailed ? 'no CVM succeeded' : 'no CV Rule applied (Book 3 §10.5)');
  return 'failed';
}
