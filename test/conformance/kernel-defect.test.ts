/**
 * Errors are not outcomes (GUIDE: "a defect in our code is never an outcome"): a TypeError thrown
 * inside a kernel step surfaces as outcome.error (kind 'internal') and `conform` reports the case
 * as ERROR with exit code 1, even when the scenario expected the transaction to be terminated.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { conform } from '../../src/conformance/conform.js';

vi.mock('../../src/terminal/terminal-risk-management.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/terminal/terminal-risk-management.js')>();
  return {
    ...original,
    // The injected defect: reading a property of undefined, as a real bug would.
    terminalRiskManagement: async () => (undefined as unknown as { floorLimit: number }).floorLimit,
  };
});

const SCENARIO = `
- id: defect-is-not-an-outcome
  title: a kernel defect while the scenario expects a termination
  spec: GUIDE (errors are not outcomes)
  tags: [robustness]
  cardholder: { pins: ["1234"] }
  transaction: { amountMinor: 800 }
  expect:
    outcome: terminated
    reason: internal error
`;

describe('a defect in a kernel step', () => {
  it('is ERROR in conform (exit 1), never a terminated outcome that an expectation can match', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emvsim-defect-'));
    const path = join(dir, 'defect.yaml');
    writeFileSync(path, SCENARIO);
    let out = '';
    const run = await conform({ paths: [path], reporter: 'table', filter: [], jobs: 1, progress: false, write: (t) => (out += t), warn: () => undefined });
    expect(run.exitCode).toBe(1);
    expect(run.results).toHaveLength(1);
    expect(run.results[0]!.status).toBe('error');
    expect(run.results[0]!.error).toMatch(/internal error in the kernel: TypeError/);
    expect(out).toMatch(/ERROR/);
  });

  it('is reported as outcome.error of kind internal by runTransaction', async () => {
    const { runTransaction } = await import('../../src/terminal/kernel.js');
    const { buildCard, buildHost, buildTerminal } = await import('../../src/conformance/setup.js');
    const { ScriptedCardholder } = await import('../../src/terminal/cardholder.js');
    const { capksForTerminal } = await import('../../src/terminal/capk-lookup.js');
    const { fixedClock, seededRandom } = await import('../../src/terminal/environment.js');
    const card = buildCard({ profile: 'visa-cvn18' });
    const config = buildTerminal({ profile: 'eu-pos-pin' });
    const date = new Date('2025-06-15T12:00:00Z');
    const outcome = await runTransaction(
      { transport: card, config, cardholder: new ScriptedCardholder({ pins: ['1234'] }), host: buildHost({ mode: 'approve' }, card, date), clock: fixedClock(date), random: seededRandom(1), capks: capksForTerminal(config) },
      { amountMinor: 800, transactionType: 'goods' },
    );
    expect(outcome.error).toMatchObject({ kind: 'internal' });
    expect(outcome.error!.message).toMatch(/^TypeError: /);
    await card.close();
  });
});
