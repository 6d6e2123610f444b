/**
 * One abandoned payment must not block the merchant card (reviewer P1): a purse
 * torn right after its DEBIT write and taken away leaves a payment whose
 * outcome the merchant card cannot learn. The merchant card parks it (up to
 * MAX_PARKED_PAYMENTS, then refuses new payments with 9412) and keeps trading;
 * it is resolved early when that purse is presented again (DEBIT STATUS while
 * its EF_BLOG still holds the record), else the end-of-day summary carries it as
 * "outcome unknown" and the clearing resolves it against the issuer's shadow
 * account (modelled: the loading host reads the purse's EF_BLOG at each load).
 * Money is conserved throughout: purses + merchant totals + settled + parked
 * payments the purse really made stay constant, and after clearing the merchant
 * is paid exactly once for every real debit.
 */
import { describe, expect, it } from 'vitest';
import { createMerchantCard, createPurseCard, purseStateOf } from '../../src/card/geldkarte/index.js';
import { DEMO_MERCHANT, type MerchantCard } from '../../src/card/geldkarte/index.js';
import { GELDKARTE_SW, MAX_PARKED_PAYMENTS } from '../../src/apdu/geldkarte-protocol.js';
import { ClearingLedger } from '../../src/issuer/geldkarte/index.js';
import { InProcessLoadingHost } from '../../src/issuer/geldkarte/index.js';
import { decodeSummary, loadPurse, pay, settle } from '../../src/terminal/geldkarte/index.js';
import { type Removable, bringBack, pullAfter, removable } from './removable.js';

/** A demo purse (150.00 EUR) the customer can pull out of the reader. */
function purse(cardNumber: string, seed: string): Removable {
  return removable(createPurseCard({ personalisation: { balance: 15000, maxBalance: 20000, cardNumber }, seed }));
}

function balance(r: Removable): number {
  return purseStateOf(r.card)!.balance;
}

function merchantNet(m: MerchantCard): number {
  return m.state.debitTotal - m.state.refundTotal;
}

function settledTotal(ledger: ClearingLedger): number {
  return Object.values(ledger.state.merchantAccounts).reduce((a, b) => a + b, 0);
}

describe('parked unresolved payments', () => {
  it('a purse pulled after DEBIT: pay() answers unknown, the merchant keeps trading, the clearing pays the debit exactly once', async () => {
    const A = purse('1500001111', 'a');
    const B = purse('1500002222', 'b');
    const M = createMerchantCard({ seed: 'm' });
    const host = new InProcessLoadingHost();
    const ledger = new ClearingLedger({ shadow: host });
    const total = balance(A) + balance(B);
    // The purse debits really made but not (yet) credited to the merchant: the test knows them.
    const conserved = (madeButParked: number): number => balance(A) + balance(B) + merchantNet(M) + settledTotal(ledger) + madeButParked;

    pullAfter(A, A.card, 0x52, 0xe0);
    const oA = await pay(A.card, M, 500);
    expect(oA.result).toBe('unknown');
    expect(oA.reason).toMatch(/outcome unknown.*5\.00 EUR.*merchant sequence 1/);
    expect(balance(A)).toBe(14500); // the purse's one atomic write happened
    expect(merchantNet(M)).toBe(0);
    expect(conserved(500)).toBe(total);

    const oB = await pay(B.card, M, 200);
    expect(oB.result).toBe('approved');
    expect(M.state.parked).toEqual([{ kind: 'debit', purseId: '6725904415000011112D', hseq: 1, bseq: 1, amount: 500 }]);
    expect(M.state.pending).toBeUndefined();
    expect(conserved(500)).toBe(total);

    const { summary, result } = await settle(M, ledger);
    expect(result.accepted).toBe(true);
    expect(summary.count).toBe(1);
    expect(summary.debitTotal).toBe(200);
    expect(summary.firstHseq).toBe(1);
    expect(summary.lastHseq).toBe(2);
    expect(summary.unknown).toEqual([{ kind: 'debit', purseId: '6725904415000011112D', hseq: 1, bseq: 1, amount: 500 }]);
    expect(M.state.parked).toEqual([]);
    // The shadow account has not seen purse A since: still open.
    expect(ledger.state.openUnknowns).toHaveLength(1);
    expect(settledTotal(ledger)).toBe(200);
    expect(conserved(500)).toBe(total);

    // A comes back and is loaded: the loading host reads its debit log; the clearing resolves the unknown.
    await bringBack(A);
    expect((await loadPurse(A.card, host, 1000, '1234')).result).toBe('approved');
    expect(ledger.resolveUnknowns()).toEqual({ credited: 1, dropped: 0, amount: 500 });
    expect(ledger.resolveUnknowns()).toEqual({ credited: 0, dropped: 0, amount: 0 }); // exactly once
    expect(ledger.state.openUnknowns).toEqual([]);
    expect(ledger.state.merchantAccounts[M.state.merchantId]).toBe(700);
    expect(conserved(0)).toBe(total + 1000);
  });

  it('the purse presented again resolves its parked payment early (DEBIT STATUS): recorded once, nothing unknown at the end of day', async () => {
    const A = purse('1500001111', 'a');
    const B = purse('1500002222', 'b');
    const M = createMerchantCard({ seed: 'm' });
    const ledger = new ClearingLedger();
    const total = balance(A) + balance(B);
    pullAfter(A, A.card, 0x52, 0xe0);
    expect((await pay(A.card, M, 500)).result).toBe('unknown');
    expect((await pay(B.card, M, 200)).result).toBe('approved');
    await bringBack(A);
    const again = await pay(A.card, M, 100);
    expect(again.result).toBe('approved');
    expect(again.notes.join('\n')).toMatch(/debit of 5\.00 EUR \(merchant sequence 1\) had reached the purse: now recorded/);
    expect(M.state.parked).toEqual([]);
    expect(M.state.records.map((r) => [r.purseId.slice(8, 18), r.bseq, r.amount])).toEqual([
      ['1500002222', 1, 200],
      ['1500001111', 1, 500],
      ['1500001111', 2, 100],
    ]);
    const { summary } = await settle(M, ledger);
    expect(summary.unknown).toEqual([]);
    expect(summary.debitTotal).toBe(800);
    expect(balance(A) + balance(B) + settledTotal(ledger)).toBe(total);
  });

  it('a payment pulled before the purse DEBIT is dropped when the purse comes back (the merchant never credits it)', async () => {
    const A = purse('1500001111', 'a');
    const B = purse('1500002222', 'b');
    const M = createMerchantCard({ seed: 'm' });
    // The merchant card loses power after AUTHORISE ran; the customer takes the purse before DEBIT.
    pullAfter(A, M, 0x52, 0x90);
    const o = await pay(A.card, M, 500);
    expect(o.result).toBe('unknown');
    expect(balance(A)).toBe(15000);
    expect((await pay(B.card, M, 200)).result).toBe('approved');
    expect(M.state.parked).toHaveLength(1);
    await bringBack(A);
    const again = await pay(A.card, M, 100);
    expect(again.notes.join('\n')).toMatch(/debit of 5\.00 EUR \(merchant sequence 1\) never reached the purse: dropped/);
    expect(M.state.parked).toEqual([]);
    expect(merchantNet(M)).toBe(300);
    expect(balance(A) + balance(B) + merchantNet(M)).toBe(30000);
  });

  it('after 15 more debits the purse log no longer holds it (9405): it stays parked, the merchant keeps trading, the summary carries it', async () => {
    const A = purse('1500001111', 'a');
    const M = createMerchantCard({ seed: 'm' });
    const M2 = createMerchantCard({ seed: 'm2', personalisation: { ...DEMO_MERCHANT, cardNumber: '9000000043' } });
    pullAfter(A, A.card, 0x52, 0xe0);
    expect((await pay(A.card, M, 500)).result).toBe('unknown');
    await bringBack(A);
    for (let i = 0; i < 15; i++) expect((await pay(A.card, M2, 10)).result).toBe('approved');
    // At M the pending payment's record has rolled out of EF_BLOG: DEBIT STATUS answers 9405.
    const o = await pay(A.card, M, 100);
    expect(o.result).toBe('approved');
    expect(o.notes.join('\n')).toMatch(/no longer holds it/);
    expect(M.state.parked).toEqual([{ kind: 'debit', purseId: '6725904415000011112D', hseq: 1, bseq: 1, amount: 500 }]);
    // Presented once more: still 9405, still parked, still trading.
    expect((await pay(A.card, M, 100)).result).toBe('approved');
    expect(M.state.parked).toHaveLength(1);
    const ledger = new ClearingLedger();
    const { summary, result } = await settle(M, ledger);
    expect(result.accepted).toBe(true);
    expect(summary.unknown.map((u) => [u.bseq, u.amount])).toEqual([[1, 500]]);
    // Purse + merchant M2 + settled M + the unknown debit the purse made = what the purse had.
    expect(balance(A) + merchantNet(M2) + settledTotal(ledger) + 500).toBe(15000);
  });

  it(`parks at most ${MAX_PARKED_PAYMENTS}: then new payments are refused with 9412 until the day is settled`, async () => {
    const M = createMerchantCard({ seed: 'm' });
    const purses = Array.from({ length: MAX_PARKED_PAYMENTS + 2 }, (_, i) => purse(`15000030${String(i).padStart(2, '0')}`, `p${i}`));
    for (const p of purses.slice(0, MAX_PARKED_PAYMENTS + 1)) {
      pullAfter(p, p.card, 0x52, 0xe0);
      expect((await pay(p.card, M, 100)).result).toBe('unknown');
    }
    expect(M.state.parked).toHaveLength(MAX_PARKED_PAYMENTS);
    expect(M.state.pending).toBeDefined();
    const last = purses[MAX_PARKED_PAYMENTS + 1]!;
    const refused = await pay(last.card, M, 100);
    expect(refused.result).toBe('declined');
    expect(refused.reason).toMatch(/9412.*maximum of unresolved payments; settle the day first/);
    expect(balance(last)).toBe(15000);
    const ledger = new ClearingLedger();
    const { summary } = await settle(M, ledger);
    expect(summary.unknown).toHaveLength(MAX_PARKED_PAYMENTS + 1);
    expect(decodeSummary(Uint8Array.from(Buffer.from(summary.raw, 'hex'))).unknown).toHaveLength(9);
    expect((await pay(last.card, M, 100)).result).toBe('approved');
    expect(GELDKARTE_SW.TOO_MANY_UNRESOLVED).toBe(0x9412);
  });

  it('pay() never throws when a card is gone: declined before the debit order, with the reason', async () => {
    const A = purse('1500001111', 'a');
    const M = createMerchantCard({ seed: 'm' });
    A.gone = true;
    const o = await pay(A.card, M, 100);
    expect(o.result).toBe('declined');
    expect(o.reason).toMatch(/terminated.*no card|card removed/);
    const B = purse('1500002222', 'b');
    pullAfter(B, B.card, 0x50, 0xe0); // pulled at INITIALISE: no order issued, nothing can be debited
    const ob = await pay(B.card, M, 100);
    expect(ob.result).toBe('declined');
    expect(ob.reason).toMatch(/^terminated: .*nothing was debited/);
    expect(balance(B)).toBe(15000);
  });
});
