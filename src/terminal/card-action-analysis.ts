/**
 * Card action analysis, Book 3 §10.8: the first GENERATE AC with the
 * cryptogram chosen by terminal action analysis, the card's answer (CID), and
 * the CDA verification of that answer (Book 2 §6.6.2). The card may decline
 * (AAC), approve offline (TC) or ask to go online (ARQC).
 */
import { toHex } from '../apdu/index.js';
import type { CryptogramType, TransactionContext } from './context.js';
import { generateAc } from './generate-ac.js';

export type CardDecision = 'approve-offline' | 'decline-offline' | 'go-online' | 'cda-failed';

const ADVICE_REASONS: Record<number, string> = {
  1: 'service not allowed',
  2: 'PIN try limit exceeded',
  3: 'issuer authentication failed',
};

/** CDA is requested when it is the ODA method and nothing failed before (Book 3 §10.7 / Book 2 §6.6). */
export function cdaInUse(ctx: TransactionContext): boolean {
  return ctx.facts.odaMethod === 'CDA' && !ctx.tvr.has('cdaFailed') && ctx.iccPublicKey !== undefined;
}

export async function cardActionAnalysis(ctx: TransactionContext, requested: CryptogramType): Promise<CardDecision> {
  const cda = cdaInUse(ctx) && requested !== 'AAC';
  const answer = await generateAc(ctx, requested, 'first', cda);
  ctx.firstAc = { cid: answer.cid, type: answer.type, ac: answer.ac, atc: answer.atc, iad: answer.iad };
  ctx.tsi.set('cardRiskManagementPerformed');
  const reason = ADVICE_REASONS[answer.cid & 0x07];
  ctx.decide(
    `card answered ${answer.type} (CID ${toHex(Uint8Array.of(answer.cid))}${answer.cid & 0x08 ? ', advice required' : ''}${reason ? `, ${reason}` : ''}) to a request for ${requested}`,
  );
  if (answer.cdaVerified === false) {
    ctx.tvr.set('cdaFailed');
    ctx.facts.odaResult = 'failed';
    ctx.decide(`CDA failed: ${answer.cdaFailure ?? 'signature not verified'} (Book 2 §6.6.2)`, ['cdaFailed']);
    return 'cda-failed';
  }
  if (answer.cdaVerified === true) {
    ctx.facts.odaResult = 'success';
    ctx.decide('CDA signature verified: the cryptogram is authentic (Book 2 §6.6.2)');
  }
  switch (answer.type) {
    case 'AAC':
      return 'decline-offline';
    case 'TC':
      return 'approve-offline';
    case 'ARQC':
      return 'go-online';
  }
}
