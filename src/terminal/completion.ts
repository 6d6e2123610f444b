/**
 * Completion, Book 3 §10.11 and Book 4 §6.3.7: after online processing the
 * second GENERATE AC asks for a TC (host approved, or unable to go online and
 * the default action codes allow it) or an AAC; the card has the last word.
 * The Authorisation Response Code (8A) is the host's, or the terminal's own:
 * Y1/Z1 offline approved/declined, Y3/Z3 unable to go online (Book 4 Annex A6).
 * One rule for the ARC after the second GENERATE AC: once the issuer has answered, 8A stays the
 * issuer's code (it is the "disposition of the message" the issuer gave, Book 3 Annex A 8A, and
 * the value the card received in CDOL2); Book 4 Annex A6's terminal codes are only for decisions
 * taken without an issuer answer. A card AAC after an approval and a CDA failure on the second
 * GENERATE AC both decline the transaction through the outcome and cryptogram, not through 8A.
 */
import type { CryptogramType, TransactionContext } from './context.js';
import { cdaInUse } from './card-action-analysis.js';
import { generateAc } from './generate-ac.js';
import type { OnlineResult } from './online-processing.js';
import { defaultActionAnalysis } from './terminal-action-analysis.js';

export interface FinalDecision {
  outcome: 'approved' | 'declined';
  reason: string;
}

/** Second GENERATE AC after online processing (or failure to go online). */
export async function completion(ctx: TransactionContext, online: OnlineResult): Promise<FinalDecision> {
  let requested: CryptogramType;
  let why: string;
  if (online === 'unable-to-go-online') {
    requested = defaultActionAnalysis(ctx, 'unable to go online');
    ctx.authorisationResponseCode = requested === 'TC' ? 'Y3' : 'Z3';
    why = requested === 'TC' ? 'unable to go online, approved offline by the default action codes (Y3)' : 'unable to go online, declined by the default action codes (Z3)';
  } else if (online === 'approved') {
    requested = 'TC';
    why = `approved online (${ctx.authorisationResponseCode})`;
  } else {
    requested = 'AAC';
    why = `declined online (${ctx.authorisationResponseCode})`;
  }
  ctx.decide(`second GENERATE AC requests ${requested}: ${why}`);
  const cda = cdaInUse(ctx) && requested === 'TC';
  const answer = await generateAc(ctx, requested, 'second', cda);
  ctx.finalAc = { cid: answer.cid, type: answer.type, ac: answer.ac };
  if (answer.cdaVerified === false) {
    // Book 2 §6.6.2: the card's TC is not authenticated, so it is not trusted: the terminal
    // declines. The ARC stays the issuer's (module comment); the card's CID is in cardCryptogram.
    ctx.tvr.set('cdaFailed');
    ctx.facts.odaResult = 'failed';
    ctx.decide(
      `CDA failed on the second GENERATE AC: ${answer.cdaFailure ?? 'signature not verified'}: the card's ${answer.type} is not trusted, declined by the terminal (ARC stays the issuer's ${ctx.authorisationResponseCode ?? '-'}) (Book 2 §6.6.2)`,
      ['cdaFailed'],
    );
    return { outcome: 'declined', reason: `CDA failed on the second GENERATE AC: the card's ${answer.type} is not trusted (Book 2 §6.6.2)` };
  }
  // generateAc has already terminated on an ARQC (Book 3 §6.5.5.4): the answer is TC or AAC.
  if (answer.type === 'TC') {
    ctx.decide('card answered TC: transaction approved');
    return { outcome: 'approved', reason: why };
  }
  ctx.decide(`card answered AAC${requested === 'TC' ? ' although the terminal asked for a TC' : ''}: transaction declined`);
  return { outcome: 'declined', reason: requested === 'TC' ? `${why}, but declined by the card (AAC)` : why };
}

/** Offline result of the first GENERATE AC (no second GENERATE AC): ARC Y1 or Z1. */
export function offlineCompletion(ctx: TransactionContext, approved: boolean, reason: string): FinalDecision {
  ctx.authorisationResponseCode = approved ? 'Y1' : 'Z1';
  ctx.finalAc = ctx.firstAc ? { cid: ctx.firstAc.cid, type: ctx.firstAc.type, ac: ctx.firstAc.ac } : undefined;
  ctx.decide(`${approved ? 'approved' : 'declined'} offline (${ctx.authorisationResponseCode}): ${reason}`);
  return { outcome: approved ? 'approved' : 'declined', reason };
}
