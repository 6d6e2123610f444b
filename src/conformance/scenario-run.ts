/**
 * Runs one terminal scenario: card, terminal, host and cardholder from the
 * setup, one transaction through the kernel (runTransaction) with a pinned
 * clock and a seeded random source, then judged against the expectation.
 * Deterministic: the same scenario gives the same trace on every machine.
 */
import { EmvsimError, formatTrace } from '../apdu/index.js';
import { createTerminal, memoryTransactionLog } from '../terminal/index.js';
import { judge, summarise } from './expect.js';
import { buildCard, buildHost, buildTerminal } from './setup.js';
import type { CaseResult, CaseStatus, ConformanceCase, Mismatch, Scenario } from './types.js';

/** The date every scenario runs at unless it names one (inside the shipped cards' validity). */
export const DEFAULT_TRANSACTION_DATE = '2025-06-15T12:00:00Z';

export function transactionDate(text: string | undefined): Date {
  const t = text ?? DEFAULT_TRANSACTION_DATE;
  return new Date(/T/.test(t) ? (t.endsWith('Z') ? t : `${t}Z`) : `${t}T12:00:00Z`);
}

/** A result skeleton shared by both kinds of case. */
export function resultOf(c: ConformanceCase, started: number, mismatches: Mismatch[], xfail: string | undefined, extra: Partial<CaseResult>): CaseResult {
  const failed = mismatches.length > 0 || extra.error !== undefined;
  let status: CaseStatus;
  if (extra.error !== undefined && !xfail) status = 'error';
  else if (xfail) status = failed ? 'xfail' : 'xpass';
  else status = failed ? 'fail' : 'pass';
  return {
    id: c.id,
    title: c.title,
    spec: c.spec,
    kind: c.kind,
    tags: c.tags,
    file: c.origin.file,
    line: c.origin.line,
    status,
    durationMs: performance.now() - started,
    mismatches,
    actual: [],
    ...(xfail ? { xfail } : {}),
    ...extra,
  };
}

export function errorText(err: unknown): string {
  if (err instanceof EmvsimError) return err.message;
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

export async function runScenario(s: Scenario): Promise<CaseResult> {
  const started = performance.now();
  let host: ReturnType<typeof buildHost> | undefined;
  try {
    const date = transactionDate(s.transaction.date);
    const card = buildCard(s.card);
    const config = buildTerminal(s.terminal);
    host = buildHost(s.host, card, date, { reuseDatabase: true });
    const t = s.transaction;
    const terminal = createTerminal({
      profile: config,
      host,
      cardholder: {
        pins: s.cardholder.pins ?? [],
        ...(s.cardholder.choose !== undefined ? { choose: s.cardholder.choose } : {}),
        ...(s.cardholder.confirm !== undefined ? { confirm: s.cardholder.confirm } : {}),
      },
      clock: date,
      random: t.seed ?? 1,
      transactionLog: memoryTransactionLog(
        (t.log ?? []).map((e) => ({ pan: e.pan === 'card' ? card.secrets.pan : e.pan, ...(e.panSequenceNumber !== undefined ? { panSequenceNumber: e.panSequenceNumber } : {}), amountMinor: e.amountMinor })),
      ),
    });
    const outcome = await terminal.transact(card, {
      amount: t.amountMinor,
      ...(t.otherAmountMinor !== undefined ? { otherAmount: t.otherAmountMinor } : {}),
      type: t.type ?? (t.otherAmountMinor ? 'cashback' : 'goods'),
      ...(t.currency !== undefined ? { currency: t.currency } : {}),
      ...(t.forceOnline ? { forceOnline: true } : {}),
    });
    if (outcome.error) {
      // A defect in the kernel is never judged as an outcome (GUIDE: "a defect in our code is never an outcome").
      await card.close();
      return resultOf(s, started, [], undefined, { error: `${outcome.error.kind} error in the kernel: ${outcome.error.stack ?? outcome.error.message}`, trace: formatTrace(outcome.trace) });
    }
    const mismatches = judge(s.expect, { outcome, cardState: card.state, hostCalls: host.calls, hostDecidedBy: host.decidedBy });
    await card.close();
    return resultOf(s, started, mismatches, s.expect.xfail, {
      actual: summarise(outcome),
      ...(mismatches.length > 0 ? { trace: formatTrace(outcome.trace) } : {}),
    });
  } catch (err) {
    return resultOf(s, started, [], s.expect.xfail, { error: errorText(err) });
  } finally {
    host?.release();
  }
}
