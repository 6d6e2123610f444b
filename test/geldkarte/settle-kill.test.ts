/**
 * `geldkarte settle` killed (SIGKILL, as kill -9 or a power cut) at every point between the merchant
 * card's commit and the clearing's write: afterwards a plain `settle` delivers the undelivered summary
 * first, the clearing holds every summary exactly once with no gap, and the money balances (purse
 * debits = merchant credits). Each child kills itself at the point named by EMVSIM_TEST_KILL_AT.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPurseCard, purseStateOf } from '../../src/card/geldkarte/index.js';
import { type ClearingState, KILL_POINT_ENV, SETTLE_KILL_POINTS, outboxPathOf } from '../../src/issuer/geldkarte/index.js';
import { ensureBuilt, type Run, runCli } from '../cli/run-cli.js';

const dirs: string[] = [];
beforeAll(() => ensureBuilt(), 180_000);
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function day(): Promise<{ dir: string; gk: (args: string[], killAt?: string) => Promise<Run> }> {
  const dir = mkdtempSync(join(tmpdir(), 'emvsim-settle-kill-'));
  dirs.push(dir);
  const gk = (args: string[], killAt?: string) => runCli(['geldkarte', ...args], { cwd: dir, ...(killAt ? { env: { [KILL_POINT_ENV]: killAt } } : {}) });
  expect((await gk(['new', '--out', 'purse.json', '--merchant-out', 'merchant.json'])).code).toBe(0);
  for (const amount of ['2.50', '1.00']) expect((await gk(['pay', '--amount', amount, '--card', 'purse.json', '--merchant', 'merchant.json'])).code).toBe(0);
  return { dir, gk };
}

const SETTLE = ['settle', '--merchant', 'merchant.json', '--clearing', 'clearing.json'];

/** The clearing holds summaries 1..n of the merchant card once each, no gap; purse debits = merchant credits. */
function expectBalanced(dir: string, summaries: number): void {
  const clearing = JSON.parse(readFileSync(join(dir, 'clearing.json'), 'utf8')) as ClearingState;
  expect(clearing.settled.map((s) => s.summarySequence)).toEqual(Array.from({ length: summaries }, (_, i) => i + 1));
  expect(Object.values(clearing.missingSummaries).flat()).toEqual([]);
  expect(clearing.warnings).toEqual([]);
  const purse = purseStateOf(loadPurseCard(join(dir, 'purse.json')))!;
  const debited = 683 - purse.balance;
  expect(debited).toBe(400); // 2.50 + 1.00 + 0.50
  expect(Object.values(clearing.merchantAccounts).reduce((a, b) => a + b, 0) + clearing.openUnknowns.reduce((a, u) => a + u.amount, 0)).toBe(debited);
  expect(existsSync(outboxPathOf(join(dir, 'merchant.json')))).toBe(false);
}

describe('geldkarte settle killed at every point', () => {
  // Summaries in the clearing at the end: the interrupted day's, (the empty one the recovering settle closes,) day 2's.
  const expected: Record<(typeof SETTLE_KILL_POINTS)[number], { recovered: RegExp | undefined; summaries: number }> = {
    'settle-intent-written': { recovered: undefined, summaries: 2 }, // SETTLE never committed: nothing to deliver
    'settle-card-committed': { recovered: /summary 1 accepted: 2 transactions, 3\.50 EUR/, summaries: 3 },
    'settle-summary-kept': { recovered: /summary 1 accepted: 2 transactions, 3\.50 EUR/, summaries: 3 },
    'settle-clearing-written': { recovered: /summary 1 .*already settled: duplicate refused/, summaries: 3 },
    'settle-outbox-cleared': { recovered: undefined, summaries: 3 },
  };
  for (const point of SETTLE_KILL_POINTS) {
    it(`killed at ${point}: the next plain settle delivers the day's summary exactly once`, async () => {
      const { dir, gk } = await day();
      const killed = await gk(SETTLE, point);
      expect(killed.signal).toBe('SIGKILL');
      const again = await gk(SETTLE);
      expect(again.code, again.stderr).toBe(0);
      const { recovered } = expected[point];
      if (recovered) {
        expect(again.stdout).toMatch(/End-of-day summary 1 of merchant card \w+: delivered first \(closed by an interrupted settle\)/);
        expect(again.stdout).toMatch(recovered);
      } else {
        expect(again.stdout).not.toMatch(/delivered first/);
      }
      expect((await gk(['pay', '--amount', '0.50', '--card', 'purse.json', '--merchant', 'merchant.json'])).code).toBe(0);
      expect((await gk(SETTLE)).code).toBe(0);
      expectBalanced(dir, expected[point].summaries);
    }, 60_000);
  }

  it('killed again while delivering the pending summary: the third settle still delivers it once', async () => {
    const { dir, gk } = await day();
    expect((await gk(SETTLE, 'settle-card-committed')).signal).toBe('SIGKILL');
    expect((await gk(SETTLE, 'settle-pending-delivered')).signal).toBe('SIGKILL');
    const third = await gk(SETTLE);
    expect(third.code, third.stderr).toBe(0);
    expect(third.stdout).toMatch(/summary 1 .*already settled: duplicate refused/); // the killed run had delivered it
    expect((await gk(['pay', '--amount', '0.50', '--card', 'purse.json', '--merchant', 'merchant.json'])).code).toBe(0);
    expect((await gk(SETTLE)).code).toBe(0);
    expectBalanced(dir, 3);
  }, 60_000);
});
