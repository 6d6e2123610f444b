/**
 * The EMV kernel's state machine (Book 3 §10, Book 4 §6): one state per Book 3
 * step, each implemented in the module named after it. Every transition is
 * recorded with its reason; a step that terminates the transaction, a mute
 * card or malformed data end in a `terminated` outcome with a reason, never
 * an exception.
 */
import { fromCn, toHex } from '../apdu/index.js';
import { EmvsimError } from '../apdu/index.js';
import { TracingTransport } from '../apdu/index.js';
import { buildCandidateList, chooseCandidate, finalSelect, type Candidate } from './application-selection.js';
import { cardActionAnalysis } from './card-action-analysis.js';
import { cardholderVerification } from './cardholder-verification.js';
import { completion, offlineCompletion, type FinalDecision } from './completion.js';
import { type StepName, TransactionContext, TransactionTerminated } from './context.js';
import type { KernelEnvironment, TransactionRequest } from './environment.js';
import { initiateApplicationProcessing } from './initiate-application-processing.js';
import { magstripeFallback } from './magstripe-fallback.js';
import { issuerScriptProcessing } from './issuer-script-processing.js';
import { determineLiability } from './liability.js';
import { offlineDataAuthentication } from './offline-data-authentication.js';
import { onlineProcessing } from './online-processing.js';
import { type TransactionOutcome, buildOutcome } from './outcome.js';
import { processingRestrictions } from './processing-restrictions.js';
import { readApplicationData } from './read-application-data.js';
import { terminalActionAnalysis } from './terminal-action-analysis.js';
import { terminalRiskManagement } from './terminal-risk-management.js';

export type KernelState = 'idle' | StepName | 'done';

class Machine {
  state: KernelState = 'idle';
  constructor(readonly ctx: TransactionContext) {}

  async step<T>(name: StepName, reason: string, body: () => Promise<T> | T, result: (v: T) => string): Promise<T> {
    this.ctx.transition(this.state, name, reason);
    this.state = name;
    this.ctx.beginStep(name);
    const v = await body();
    this.ctx.endStep(result(v));
    return v;
  }

  done(reason: string): void {
    this.ctx.transition(this.state, 'done', reason);
    this.state = 'done';
  }
}

/** Application selection with the retry loop of Book 3 §10.1 (GPO 6985: next candidate). */
async function selectAndInitiate(m: Machine): Promise<void> {
  const ctx: TransactionContext = m.ctx;
  let candidates: Candidate[] = await m.step(
    'application-selection',
    'card inserted',
    async () => {
      const list = await buildCandidateList(ctx);
      if (list.length === 0) ctx.terminate('no application supported by both card and terminal (Book 1 §12.4)');
      return list;
    },
    (l) => `${l.length} candidate(s)`,
  );
  for (;;) {
    const chosen = await m.step(
      'application-selection',
      'choose the application',
      async () => {
        for (;;) {
          const c = await chooseCandidate(ctx, candidates);
          if (!c) ctx.terminate(candidates.length === 0 ? 'no application left to select (Book 3 §10.1)' : 'no application selected by the cardholder');
          candidates = candidates.filter((x) => x !== c);
          if (await finalSelect(ctx, c)) return c;
        }
      },
      (c) => `${c.label} (${c.aid})`,
    );
    const r = await m.step('initiate-application-processing', `${chosen.label} selected`, () => initiateApplicationProcessing(ctx), (v) => (v === 'ok' ? 'AIP and AFL received' : 'conditions of use not satisfied (6985)'));
    if (r === 'ok') return;
    ctx.decide(`${chosen.aid} removed from the candidate list; ${candidates.length} left`);
  }
}

async function chipTransaction(m: Machine): Promise<FinalDecision> {
  const ctx: TransactionContext = m.ctx;
  await selectAndInitiate(m);
  await m.step('read-application-data', 'AFL received', () => readApplicationData(ctx), () => 'records read');
  await m.step('offline-data-authentication', 'data read', () => offlineDataAuthentication(ctx), (method) =>
    method === 'none' ? 'not performed' : `${method}${ctx.tvr.has('sdaFailed') || ctx.tvr.has('ddaFailed') || ctx.tvr.has('cdaFailed') ? ' failed' : method === 'CDA' ? ' certificates verified' : ' successful'}`,
  );
  await m.step('processing-restrictions', 'ODA done', () => processingRestrictions(ctx), () => 'checked');
  await m.step('cardholder-verification', 'restrictions checked', () => cardholderVerification(ctx), (r) => r);
  await m.step('terminal-risk-management', 'cardholder verification done', () => terminalRiskManagement(ctx), (r) => r);
  const requested = await m.step('terminal-action-analysis', 'risk management done', () => terminalActionAnalysis(ctx), (t) => `request ${t}`);
  ctx.requestedFirstAc = requested;
  const decision = await m.step('card-action-analysis', `first GENERATE AC for ${requested}`, () => cardActionAnalysis(ctx, requested), (d) => d);
  if (decision === 'approve-offline' || decision === 'decline-offline') {
    return m.step('completion', `card ${decision === 'approve-offline' ? 'approved' : 'declined'} offline`, () =>
      offlineCompletion(ctx, decision === 'approve-offline', decision === 'approve-offline' ? 'card approved offline (TC)' : `card declined offline (AAC${requested === 'AAC' ? ' requested by terminal action analysis' : ''})`),
    (d) => d.outcome);
  }
  if (decision === 'cda-failed') {
    // Book 2 §6.6.2 / Book 4 §6.3.7: CDA failed: decline; after an ARQC, complete with an AAC.
    return m.step('completion', 'CDA failed', async () => {
      if (ctx.firstAc?.type === 'ARQC') {
        ctx.authorisationResponseCode = 'Z1';
        const { generateAc } = await import('./generate-ac.js');
        const a = await generateAc(ctx, 'AAC', 'second', false);
        ctx.finalAc = { cid: a.cid, type: a.type, ac: a.ac };
        ctx.decide('second GENERATE AC requested an AAC after CDA failed');
        return { outcome: 'declined' as const, reason: 'CDA failed (Book 2 §6.6.2)' };
      }
      return offlineCompletion(ctx, false, 'CDA failed (Book 2 §6.6.2)');
    }, (d) => d.outcome);
  }
  const online = await m.step('online-processing', 'card asked to go online (ARQC)', () => onlineProcessing(ctx), (r) => r);
  if (ctx.issuerScripts.some((s) => s[0] === 0x71)) {
    await m.step('issuer-script-processing', 'scripts before the final GENERATE AC (71)', () => issuerScriptProcessing(ctx, '71'), (n) => `${n} script(s) 71`);
  }
  const final = await m.step('completion', `online result: ${online}`, () => completion(ctx, online), (d) => d.outcome);
  if (ctx.issuerScripts.some((s) => s[0] === 0x72)) {
    await m.step('issuer-script-processing', 'scripts after the final GENERATE AC (72)', () => issuerScriptProcessing(ctx, '72'), (n) => `${n} script(s) 72`);
  }
  return final;
}

/**
 * The chip transaction; when the chip cannot be used (reader broken, mute
 * card, nothing selectable) and the terminal allows fallback, the magnetic
 * stripe (Book 4 §6.3.1).
 */
async function chipOrFallback(m: Machine, tracing: TracingTransport): Promise<FinalDecision> {
  const ctx: TransactionContext = m.ctx;
  const cfg = ctx.env.config;
  const fallback = (why: string) =>
    m.step('magstripe-fallback', why, () => magstripeFallback(ctx, why), (d) => d.outcome);
  if (!cfg.chipReaderWorking) {
    if (cfg.magstripeFallbackAllowed) return fallback('chip reader not working');
    ctx.terminate('chip reader not working and fallback not allowed');
  }
  try {
    await tracing.coldReset().catch((err: unknown) => ctx.terminate(`card did not answer to reset: ${err instanceof Error ? err.message : String(err)}`));
    return await chipTransaction(m);
  } catch (err) {
    const early = m.state === 'idle' || m.state === 'application-selection';
    if (err instanceof TransactionTerminated && early && cfg.magstripeFallbackAllowed && ctx.env.magstripe) {
      ctx.decide(`chip transaction ended: ${err.message}`);
      ctx.endStep('terminated');
      return fallback(err.message);
    }
    throw err;
  }
}

/** Runs one transaction from card insertion to the outcome. */
export async function runTransaction(env: KernelEnvironment, request: TransactionRequest): Promise<TransactionOutcome> {
  const tracing = new TracingTransport(env.transport, { clock: () => env.clock.now() });
  const ctx = new TransactionContext(env, request, tracing);
  const m = new Machine(ctx);
  const liability = (facts: Parameters<typeof determineLiability>[0]) =>
    env.liabilityRules ? determineLiability(facts, env.liabilityRules) : { party: 'none' as const, rule: '(no rules loaded)', reason: 'no liability rules table was given to the kernel' };
  let outcome: TransactionOutcome['outcome'];
  let reason: string;
  let defect: TransactionOutcome['error'];
  try {
    const final = await chipOrFallback(m, tracing);
    outcome = final.outcome;
    reason = final.reason;
    if (outcome === 'approved') {
      const pan = ctx.tag('5A');
      const psn = ctx.tag('5F34');
      if (pan) env.transactionLog?.record(fromCn(pan), psn ? toHex(psn) : undefined, request.amountMinor);
    }
  } catch (err) {
    outcome = 'terminated';
    if (err instanceof TransactionTerminated) reason = err.message;
    else if (err instanceof EmvsimError) reason = `${err.code}: ${err.message}`;
    else {
      reason = `internal error: ${err instanceof Error ? err.message : String(err)}`;
      defect = { kind: 'internal', message: err instanceof Error ? `${err.name}: ${err.message}` : String(err), ...(err instanceof Error && err.stack ? { stack: err.stack } : {}) };
    }
    if (ctx.currentStep) {
      ctx.decide(`terminated: ${reason}`);
      ctx.endStep('terminated');
    }
  }
  m.done(`${outcome}: ${reason}`);
  env.cardholder.display(outcome === 'approved' ? 'APPROVED' : outcome === 'declined' ? 'DECLINED' : 'NOT ACCEPTED');
  const result = buildOutcome(ctx, outcome, reason, liability, tracing.recordsSoFar());
  if (defect) result.error = defect;
  return result;
}

