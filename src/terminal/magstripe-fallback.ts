/**
 * Fallback to the magnetic stripe after a chip failure (Book 4 §6.3.1 leaves
 * it to the scheme; POS entry mode 80): the stripe is read through the
 * injected reader, the transaction must be authorised online, without ICC
 * data (field 55 absent), with signature as the CVM. Liability of a fallback
 * is a scheme rule (scripts/liability: fallback-*).
 */
import { cn, fromHex, isChipServiceCode, isTrack2Problem, splitTrack2, track2EquivalentHex } from '../apdu/index.js';
import type { FinalDecision } from './completion.js';
import type { TransactionContext } from './context.js';
import { buildAuthorisationRequest, isApprovalCode } from './online-processing.js';

export type { MagstripeReader } from './environment.js';

export async function magstripeFallback(ctx: TransactionContext, why: string): Promise<FinalDecision> {
  ctx.facts.entryMode = 'fallback';
  ctx.decide(`chip not usable (${why}): fallback to the magnetic stripe (POS entry mode 80)`);
  const reader = ctx.env.magstripe;
  const swiped = reader ? await reader.swipe() : undefined;
  const track = swiped ? splitTrack2(swiped.track2) : undefined;
  if (track === undefined || isTrack2Problem(track)) ctx.terminate(`magstripe fallback: no readable track 2${track ? ` (${track.error})` : ''}`);
  const { pan, expiry, serviceCode } = track;
  ctx.card.set('5A', cn(pan, Math.ceil(pan.length / 2)));
  ctx.card.set('5F24', fromHex(`${expiry}31`));
  ctx.card.set('57', fromHex(track2EquivalentHex(swiped!.track2)));
  ctx.decide(`track 2 read: service code ${serviceCode}${isChipServiceCode(serviceCode) ? ' (chip card: fallback flagged)' : ''}`);
  // Signature is the CVM of a fallback here; the attendant checks it.
  ctx.facts.cvm = 'signature';
  ctx.facts.cvmResult = 'unknown';
  ctx.facts.wentOnline = true;
  const request = buildAuthorisationRequest(ctx);
  request.iccData = new Map();
  request.posEntryMode = '801';
  ctx.facts.fullChipDataSent = false;
  try {
    const response = await ctx.env.host.authorise(request);
    ctx.facts.hostReached = true;
    ctx.facts.hostResponseCode = response.responseCode;
    ctx.authorisationResponseCode = response.responseCode;
    ctx.decide(`host answered ${response.responseCode}${response.message ? ` (${response.message})` : ''}`);
    const approved = isApprovalCode(response.responseCode);
    return { outcome: approved ? 'approved' : 'declined', reason: `magstripe fallback ${approved ? 'approved' : 'declined'} online (${response.responseCode})` };
  } catch (err) {
    // No chip, no offline approval: a fallback that cannot go online is declined.
    ctx.authorisationResponseCode = 'Z3';
    ctx.decide(`unable to go online (${err instanceof Error ? err.message : String(err)}): magstripe fallback declined`);
    return { outcome: 'declined', reason: 'magstripe fallback: unable to go online' };
  }
}


