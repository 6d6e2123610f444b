/**
 * Refund limits on the purse itself (EF_BETRAG maximum per transaction and
 * maximum balance 200.00 EUR, docs/sources.md §1) and the clearing
 * ledger's detection of a gap in a merchant card's summary sequence numbers
 * (a summary that never arrived: Haendlerevidenzzentrale "detects duplicates by
 * sequence numbers", §1 Settlement).
 */
import { describe, expect, it } from 'vitest';
import { concat, fromHex, toHex } from '../../src/apdu/bytes.js';
import { DEMO_MASTER_KEYS, MAC_DOMAIN, createMerchantCard, createPurseCard, deriveCardKey, purseStateOf, schemeMac } from '../../src/card/geldkarte/index.js';
import { ClearingLedger } from '../../src/issuer/geldkarte/index.js';
import { type ClearingHost, pay, settle } from '../../src/terminal/geldkarte/index.js';

/** A rogue terminal that holds the debit master key sends a refund order the purse must still check. */
function rogueRefund(personalisation: { balance: number; maxBalance: number; maxTransaction: number }, amountBcd: string): { sw: string; changed: boolean } {
  const purse = createPurseCard({ personalisation });
  const before = purseStateOf(purse)!;
  const merchantId = fromHex('6725050190000000423D');
  const hseq = fromHex('00000001');
  const sseq = fromHex('00000001');
  const merchantChallenge = fromHex('0102030405060708');
  purse.transmitSync('00A4040C09D27600002545500200');
  const init = purse.transmitSync(toHex(concat(fromHex('E0500100 1A'), merchantId, hseq, sseq, merchantChallenge)));
  const key = deriveCardKey(fromHex(DEMO_MASTER_KEYS.debit), fromHex(before.efId).subarray(0, 10));
  const amount = fromHex(amountBcd);
  const order = schemeMac(key, MAC_DOMAIN.DEBIT_ORDER, Uint8Array.of(0x70), init.subarray(0, 8), merchantChallenge, amount, fromHex('0001'), merchantId, hseq, sseq);
  const answer = purse.transmitSync(toHex(concat(fromHex('E0520100 12'), amount, fromHex('20241130 091500'), order)));
  return { sw: toHex(answer.subarray(answer.length - 2)), changed: JSON.stringify(purseStateOf(purse)) !== JSON.stringify(before) };
}

describe('refund limits on the purse', () => {
  it('the purse refuses a refund above its maximum per transaction (9402), even with a valid order MAC', () => {
    expect(rogueRefund({ balance: 1000, maxBalance: 20000, maxTransaction: 2500 }, '002501')).toEqual({ sw: '9402', changed: false });
    expect(rogueRefund({ balance: 1000, maxBalance: 20000, maxTransaction: 2500 }, '002500')).toEqual({ sw: '9000', changed: true });
  });

  it('the purse refuses a refund that would take it over 200.00 EUR (9403)', () => {
    expect(rogueRefund({ balance: 19900, maxBalance: 20000, maxTransaction: 20000 }, '000101')).toEqual({ sw: '9403', changed: false });
    expect(rogueRefund({ balance: 19900, maxBalance: 20000, maxTransaction: 20000 }, '000100')).toEqual({ sw: '9000', changed: true });
  });

  it('the terminal declines a refund above the per-transaction maximum before anything changes', async () => {
    const purse = createPurseCard({ personalisation: { balance: 10000, maxTransaction: 2500 } });
    const merchant = createMerchantCard();
    expect((await pay(purse, merchant, 2500)).result).toBe('approved');
    expect((await pay(purse, merchant, 2500)).result).toBe('approved');
    const o = await pay(purse, merchant, 2600, { kind: 'refund' });
    expect(o.result).toBe('declined');
    expect(o.reason).toMatch(/refund of 26\.00 EUR is above the purse's maximum per transaction of 25\.00 EUR/);
    expect(purseStateOf(purse)!.balance).toBe(5000);
    expect(merchant.state.refundTotal).toBe(0);
  });
});

describe('clearing: gaps in the summary sequence', () => {
  async function threeDays(): Promise<Uint8Array[]> {
    const merchant = createMerchantCard();
    const purse = createPurseCard({ personalisation: { balance: 10000 } });
    const raws: Uint8Array[] = [];
    const collect: ClearingHost = { submit: async (raw) => (raws.push(raw), { accepted: true, credited: 0, message: '' }) };
    for (const amount of [100, 200, 300]) {
      await pay(purse, merchant, amount);
      await settle(merchant, collect);
    }
    return raws;
  }

  it('a lost summary is detected: the next one is accepted with a recorded warning, the late one fills the gap', async () => {
    const [day1, day2, day3] = await threeDays();
    const ledger = new ClearingLedger();
    expect(await ledger.submit(day1!)).toMatchObject({ accepted: true, credited: 100 });
    const r3 = await ledger.submit(day3!);
    expect(r3).toMatchObject({ accepted: true, credited: 300 });
    expect(r3.accepted && r3.warnings).toEqual(['gap in the summary sequence of merchant card 6725050190000000423D: summary 2 never arrived (expected 2, got 3)']);
    expect(r3.message).toMatch(/WARNING: gap in the summary sequence/);
    expect(ledger.state.missingSummaries['6725050190000000423D']).toEqual([2]);
    expect(ledger.state.warnings).toHaveLength(1);
    // Summary 2 arrives late: accepted, no new warning, the gap closed; its duplicate is still refused.
    const r2 = await ledger.submit(day2!);
    expect(r2).toMatchObject({ accepted: true, credited: 200 });
    expect(r2.accepted && r2.warnings).toBeUndefined();
    expect(ledger.state.missingSummaries['6725050190000000423D']).toEqual([]);
    expect(await ledger.submit(day2!)).toMatchObject({ accepted: false, reason: 'duplicate' });
    expect(ledger.state.merchantAccounts['6725050190000000423D']).toBe(600);
  });

  it('a first summary that is not number 1 is a gap too', async () => {
    const [, , day3] = await threeDays();
    const r = await new ClearingLedger().submit(day3!);
    expect(r.accepted && r.warnings).toEqual(['gap in the summary sequence of merchant card 6725050190000000423D: summary 1-2 never arrived (expected 1, got 3)']);
  });
});
