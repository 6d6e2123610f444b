/**
 * Payments of unknown outcome resolve through the CLI (docs/geldkarte.md "Interrupted payments"): the
 * issuer's record of purse debits lives in a file (`--issuer`), `geldkarte load` adds the purse's debit
 * log to it, and `geldkarte settle` resolves the open payments against it: credited to the merchant
 * once when the purse made the debit, dropped when that purse sequence number went to another debit.
 * At every step purse debits = merchant credits + open unknown payments: no money created or lost.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMerchantCard, loadPurseCard, purseStateOf } from '../../src/card/geldkarte/index.js';
import type { ClearingState, PurseDebitRecordState } from '../../src/issuer/geldkarte/index.js';
import { pay } from '../../src/terminal/geldkarte/index.js';
import { ensureBuilt, type Run, runCli } from '../cli/run-cli.js';
import { pullAfter, removable } from './removable.js';

const dirs: string[] = [];
beforeAll(() => ensureBuilt(), 180_000);
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const PURSE_ID = '6725904415000011112D';
const SETTLE = ['settle', '--merchant', 'merchant.json', '--clearing', 'clearing.json', '--issuer', 'issuer.json'];
const LOAD = ['load', '--amount', '10', '--pin', '1234', '--card', 'purse.json', '--issuer', 'issuer.json'];

function setup(): { dir: string; gk: (args: string[]) => Promise<Run>; clearing: () => ClearingState; balance: () => number } {
  const dir = mkdtempSync(join(tmpdir(), 'emvsim-issuer-record-'));
  dirs.push(dir);
  return {
    dir,
    gk: (args) => runCli(['geldkarte', ...args], { cwd: dir }),
    clearing: () => JSON.parse(readFileSync(join(dir, 'clearing.json'), 'utf8')) as ClearingState,
    balance: () => purseStateOf(loadPurseCard(join(dir, 'purse.json')))!.balance,
  };
}

/** A payment torn on the purse's DEBIT (written) or on the merchant's AUTHORISE (the purse never debited), purse taken away. */
async function tornPayment(dir: string, merchantFile: string, amount: number, at: 'purse-debit' | 'merchant-authorise'): Promise<void> {
  const purse = removable(loadPurseCard(join(dir, 'purse.json')));
  const merchant = loadMerchantCard(join(dir, merchantFile));
  if (at === 'purse-debit') pullAfter(purse, purse.card, 0x52, 0xe0);
  else pullAfter(purse, merchant, 0x52, 0x90);
  expect((await pay(purse.card, merchant, amount)).result).toBe('unknown');
}

const credited = (c: ClearingState) => Object.values(c.merchantAccounts).reduce((a, b) => a + b, 0);
const open = (c: ClearingState) => c.openUnknowns.reduce((a, u) => a + (u.kind === 'debit' ? u.amount : -u.amount), 0);

describe('payments of unknown outcome resolve through the CLI', () => {
  it('a purse torn after its DEBIT write, then loaded: the next settle credits the merchant exactly once', async () => {
    const { dir, gk, clearing, balance } = setup();
    expect((await gk(['new', '--out', 'purse.json', '--merchant-out', 'merchant.json'])).code).toBe(0);
    await tornPayment(dir, 'merchant.json', 250, 'purse-debit');
    expect(balance()).toBe(433); // the purse made the debit

    const first = await gk(SETTLE);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/unknown +debit 2\.50 EUR, purse 6725904415000011112D BSEQ 1, merchant sequence 1/);
    expect(first.stdout).toMatch(/1 in this summary, 0 credited \(0\.00 EUR\), 0 dropped, 1 open/);
    expect(credited(clearing())).toBe(0);
    expect(open(clearing())).toBe(250); // debits 250 = credits 0 + open 250

    expect((await gk(LOAD)).code).toBe(0); // the issuer learns the purse's debit log
    const record = JSON.parse(readFileSync(join(dir, 'issuer.json'), 'utf8')) as PurseDebitRecordState;
    expect(record.format).toBe('emvsim-geldkarte-issuer');
    expect(record.purses[PURSE_ID]!.debits['1']).toEqual({ kind: 'debit', amount: 250, merchantId: clearing().settled[0]!.merchantId, hseq: 1 });

    const second = await gk(SETTLE);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/0 in this summary, 1 credited \(2\.50 EUR\), 0 dropped, 0 open/);
    expect(clearing().resolvedUnknowns.map((u) => [u.bseq, u.amount, u.outcome])).toEqual([[1, 250, 'credited']]);
    expect(credited(clearing())).toBe(250);
    expect(open(clearing())).toBe(0);

    expect((await gk(SETTLE)).code).toBe(0); // again: nothing credited twice
    expect(credited(clearing())).toBe(250);
    expect(683 + 1000 - balance()).toBe(credited(clearing()) + open(clearing()));
  }, 60_000);

  it('a payment torn before the purse debited: once that BSEQ went to another debit and the issuer saw it, the clearing drops it', async () => {
    const { dir, gk, clearing, balance } = setup();
    expect((await gk(['new', '--out', 'purse.json', '--merchant-out', 'merchant.json'])).code).toBe(0);
    expect((await gk(['new', '--merchant-out', 'other-merchant.json'])).code).toBe(0);
    await tornPayment(dir, 'merchant.json', 250, 'merchant-authorise');
    expect(balance()).toBe(683); // the purse never debited

    expect((await gk(SETTLE)).code).toBe(0);
    expect(open(clearing())).toBe(250);
    // The purse pays elsewhere (its BSEQ 1 goes to that debit), then is loaded: the issuer learns it.
    expect((await gk(['pay', '--amount', '1.00', '--card', 'purse.json', '--merchant', 'other-merchant.json'])).code).toBe(0);
    expect((await gk(LOAD)).code).toBe(0);
    const again = await gk(SETTLE);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/0 credited \(0\.00 EUR\), 1 dropped, 0 open/);
    expect(clearing().resolvedUnknowns.map((u) => [u.bseq, u.amount, u.outcome])).toEqual([[1, 250, 'dropped']]);
    expect(credited(clearing())).toBe(0);
    // The purse's only debit (1.00 EUR) waits on the other merchant card, not settled here: nothing created or lost.
    expect(683 + 1000 - balance()).toBe(100);
  }, 60_000);

  it('without --issuer the unknown payment stays open (nothing guessed); an --issuer file of another format is bad input', async () => {
    const { dir, gk, clearing } = setup();
    expect((await gk(['new', '--out', 'purse.json', '--merchant-out', 'merchant.json'])).code).toBe(0);
    await tornPayment(dir, 'merchant.json', 250, 'purse-debit');
    expect((await gk(['settle', '--merchant', 'merchant.json', '--clearing', 'clearing.json'])).code).toBe(0);
    expect((await gk(LOAD)).code).toBe(0);
    expect(open(clearing())).toBe(250);
    const bad = await gk(['settle', '--merchant', 'merchant.json', '--clearing', 'clearing.json', '--issuer', 'clearing.json']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/clearing\.json:\d+: purses: is required/); // validated by its schema (src/documents)
  }, 60_000);
});
