/**
 * `emvsim geldkarte ...` end to end with card files: state persists between
 * runs; --json output; the duplicate end-of-day summary is refused.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type GeldkarteArgs, runGeldkarte } from '../../src/cli/geldkarte/run.js';

async function run(args: Partial<GeldkarteArgs> & { action: GeldkarteArgs['action'] }): Promise<string> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await runGeldkarte({ resubmit: false, json: false, ...args });
  } finally {
    spy.mockRestore();
  }
  return out;
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('emvsim geldkarte', () => {
  it('balance of the demo purse: 6.83 EUR, maximum 200.00 EUR', async () => {
    const text = await run({ action: 'balance' });
    expect(text).toMatch(/balance\s+6\.83 EUR/);
    expect(text).toMatch(/maximum balance 200\.00 EUR/);
    const json = JSON.parse(await run({ action: 'balance', json: true })) as { amounts: { balance: number }; aid: string };
    expect(json.amounts.balance).toBe(683);
    expect(json.aid).toBe('D27600002545500200');
  });

  it('new, pay, load, refund, balance, settle twice with files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emvsim-gk-cli-'));
    const card = join(dir, 'purse.json');
    const merchant = join(dir, 'merchant.json');
    const clearing = join(dir, 'clearing.json');
    await run({ action: 'new', out: card, merchantOut: merchant });
    expect(await run({ action: 'pay', amount: '2.50', card, merchant })).toMatch(/Payment 2\.50 EUR: APPROVED[\s\S]*6\.83 EUR -> 4\.33 EUR/);
    expect(await run({ action: 'pay', amount: '10', card, merchant })).toMatch(/DECLINED\n  balance insufficient: the purse holds 4\.33 EUR, less than 10\.00 EUR; nothing was debited/);
    expect(process.exitCode).toBe(1);
    process.exitCode = undefined;
    expect(await run({ action: 'load', amount: '20', pin: '1234', card })).toMatch(/4\.33 EUR -> 24\.33 EUR/);
    expect(await run({ action: 'refund', amount: '1', card, merchant })).toMatch(/24\.33 EUR -> 25\.33 EUR/);
    const balance = JSON.parse(await run({ action: 'balance', card, json: true })) as { amounts: { balance: number }; loads: unknown[]; debits: { amount: number }[] };
    expect(balance.amounts.balance).toBe(2533);
    expect(balance.loads).toHaveLength(1);
    expect(balance.debits.map((d) => d.amount)).toEqual([100, 250]);
    expect(await run({ action: 'settle', merchant, clearing })).toMatch(/ACCEPTED: summary 1 accepted: 2 transactions, 1\.50 EUR credited/);
    expect(await run({ action: 'settle', merchant, clearing, resubmit: true })).toMatch(/REFUSED: summary 1 .* duplicate refused/);
  });
});
