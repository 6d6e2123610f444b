/**
 * Purse terminal flows against the emulated purse and merchant card: loads and
 * debits with exact balances and log records, the scheme's rules (maximum
 * balance 200.00 EUR, per-transaction maximum, no PIN for paying, payment
 * guarantee), mutual authentication with a wrong key, end-of-day settlement.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Bytes, concat, fromHex, toHex } from '../../src/apdu/bytes.js';
import type { CardTransport } from '../../src/apdu/transport.js';
import {
  DEMO_MASTER_KEYS,
  MAC_DOMAIN,
  type MerchantCard,
  createMerchantCard,
  createPurseCard,
  deriveCardKey,
  purseStateOf,
  schemeMac,
} from '../../src/card/geldkarte/index.js';
import { ClearingLedger } from '../../src/issuer/geldkarte/index.js';
import { InProcessLoadingHost } from '../../src/issuer/geldkarte/index.js';
import { projectRoot } from '../../src/terminal/config-loader.js';
import { loadPurse, pay, readPurse, settle } from '../../src/terminal/geldkarte/index.js';
import { loadLiabilityTable } from '../../src/terminal/liability-file.js';

const now = () => new Date(Date.UTC(2024, 10, 30, 9, 15, 0));

/** Records the commands a transport sees. */
function recorded(card: CardTransport): CardTransport & { commands: Bytes[] } {
  const commands: Bytes[] = [];
  return {
    name: card.name,
    get protocol() {
      return card.protocol;
    },
    commands,
    transmit: (c) => (commands.push(c), card.transmit(c)),
    coldReset: () => card.coldReset(),
    warmReset: () => card.warmReset(),
    close: () => card.close(),
  };
}

describe('loads and debits', () => {
  it('a sequence of loads and debits leaves exact balances, counters and log records', async () => {
    const purse = createPurseCard({ personalisation: { balance: 0 } });
    const merchant = createMerchantCard({ seed: 'm' });
    const host = new InProcessLoadingHost();
    expect((await loadPurse(purse, host, 5000, '1234', { now })).balanceAfter).toBe(5000);
    expect((await pay(purse, merchant, 1234, { now })).balanceAfter).toBe(3766);
    expect((await pay(purse, merchant, 66, { now })).balanceAfter).toBe(3700);
    expect((await loadPurse(purse, host, 1300, '1234', { now })).balanceAfter).toBe(5000);
    expect((await pay(purse, merchant, 5000, { now })).balanceAfter).toBe(0);

    const r = await readPurse(purse);
    expect(r.amounts.balance).toBe(0);
    expect(r.loadSequence).toBe(3); // value - 1 = number of loads
    expect(r.debitSequence).toBe(4); // value - 1 = number of debits
    expect(r.loads.map((l) => [l.lseq, l.amount, l.balance, l.bseq])).toEqual([
      [2, 1300, 5000, 3],
      [1, 5000, 5000, 1],
    ]);
    expect(r.debits.map((d) => [d.status, d.bseq, d.lseq, d.amount, d.balance, d.hseq, d.sseq])).toEqual([
      [0x50, 3, 3, 5000, 0, 3, 1],
      [0x50, 2, 2, 66, 3700, 2, 1],
      [0x50, 1, 2, 1234, 3766, 1, 1],
    ]);
    expect(r.debits[0]!.date).toBe('2024-11-30');
    expect(r.debits[0]!.time).toBe('09:15:00');
    expect(merchant.state.debitTotal).toBe(1234 + 66 + 5000);
    expect(host.accounts[r.purseId]).toBe(100000 - 6300);
    expect(host.shadowBalances[r.purseId]).toBe(5000);
  });

  it('the debit log keeps the newest 15 records (cyclic)', async () => {
    const purse = createPurseCard({ personalisation: { balance: 2000 } });
    const merchant = createMerchantCard();
    for (let i = 1; i <= 17; i++) await pay(purse, merchant, i, { now });
    const r = await readPurse(purse);
    expect(r.debits).toHaveLength(15);
    expect(r.debits[0]!.amount).toBe(17);
    expect(r.debits[14]!.amount).toBe(3);
    expect(r.amounts.balance).toBe(2000 - (17 * 18) / 2);
  });
});

describe('rules', () => {
  it('paying more than the balance is declined with a clear message and nothing changes', async () => {
    const purse = createPurseCard();
    const merchant = createMerchantCard();
    const before = purseStateOf(purse);
    const o = await pay(purse, merchant, 1000);
    expect(o.result).toBe('declined');
    expect(o.reason).toBe('balance insufficient: the purse holds 6.83 EUR, less than 10.00 EUR; nothing was debited');
    expect(purseStateOf(purse)).toEqual(before);
    expect(merchant.state.hseq).toBe(0);
  });

  it('the purse itself refuses a debit above its balance (9401) even from a rogue terminal with a valid order MAC', () => {
    const purse = createPurseCard();
    const before = purseStateOf(purse);
    const merchantId = fromHex('6725050190000000423D');
    const hseq = fromHex('00000001');
    const sseq = fromHex('00000001');
    const merchantChallenge = fromHex('0102030405060708');
    expect(toHex(purse.transmitSync('00A4040C09D27600002545500200'))).toBe('9000');
    const init = purse.transmitSync(toHex(concat(fromHex('E0500000 1A'), merchantId, hseq, sseq, merchantChallenge)));
    expect(toHex(init.subarray(init.length - 2))).toBe('9000');
    const purseChallenge = init.subarray(0, 8);
    // Whoever holds the debit master key can compute the order; the purse still checks its balance.
    const key = deriveCardKey(fromHex(DEMO_MASTER_KEYS.debit), fromHex(before!.efId).subarray(0, 10));
    const amount = fromHex('000684');
    const order = schemeMac(key, MAC_DOMAIN.DEBIT_ORDER, Uint8Array.of(0x50), purseChallenge, merchantChallenge, amount, fromHex('0001'), merchantId, hseq, sseq);
    const answer = purse.transmitSync(toHex(concat(fromHex('E0520000 12'), amount, fromHex('20241130 091500'), order)));
    expect(toHex(answer)).toBe('9401');
    expect(purseStateOf(purse)).toEqual(before);
  });

  it('respects the per-transaction maximum', async () => {
    const purse = createPurseCard({ personalisation: { balance: 10000, maxTransaction: 2500 } });
    const o = await pay(purse, createMerchantCard(), 2501);
    expect(o.result).toBe('declined');
    expect(o.reason).toMatch(/above the purse's maximum per transaction of 25.00 EUR/);
    expect((await pay(purse, createMerchantCard(), 2500)).result).toBe('approved');
  });

  it('a load above the 200.00 EUR maximum balance is declined before the PIN is asked', async () => {
    const purse = recorded(createPurseCard({ personalisation: { balance: 19000 } }));
    const o = await loadPurse(purse, new InProcessLoadingHost(), 1001, '1234');
    expect(o.result).toBe('declined');
    expect(o.reason).toMatch(/above its maximum of 200.00 EUR/);
    expect(purse.commands.some((c) => c[1] === 0x20)).toBe(false);
    expect((await loadPurse(purse, new InProcessLoadingHost(), 1000, '1234')).balanceAfter).toBe(20000);
  });

  it('a load needs the PIN: a wrong PIN declines and counts down the card PIN try counter', async () => {
    const card = createPurseCard();
    const o = await loadPurse(card, new InProcessLoadingHost(), 500, '9999');
    expect(o.result).toBe('declined');
    expect(o.reason).toMatch(/wrong PIN, 2 tries left/);
    expect(card.state.pinTryCounter).toBe(2);
    expect(purseStateOf(card)!.balance).toBe(683);
  });

  it('a load the host declines (no funds) changes nothing', async () => {
    const card = createPurseCard();
    const host = new InProcessLoadingHost({ defaultAccountBalance: 100 });
    const o = await loadPurse(card, host, 500, '1234');
    expect(o.result).toBe('declined');
    expect(o.reason).toMatch(/51: insufficient funds/);
    expect(purseStateOf(card)!.balance).toBe(683);
  });

  it('paying needs no PIN and no signature; the payment is guaranteed (liability table rule geldkarte-purse)', async () => {
    const purse = recorded(createPurseCard());
    const rules = loadLiabilityTable(join(projectRoot(), 'scripts', 'liability', 'default.yaml')).rules;
    const o = await pay(purse, createMerchantCard(), 250, { liabilityRules: rules });
    expect(o.result).toBe('approved');
    expect(o.cvm).toBe('none');
    expect(purse.commands.some((c) => c[1] === 0x20)).toBe(false); // no VERIFY
    expect(o.liability?.rule).toBe('geldkarte-purse');
    expect(o.guarantee).toMatch(/guaranteed to the merchant/);
    expect(o.guarantee).toMatch(/lost card loses its balance/);
  });

  it('a found card pays without any PIN: a lost card loses its balance', async () => {
    const lost = createPurseCard({ personalisation: { balance: 4200 } });
    const o = await pay(lost, createMerchantCard(), 4200);
    expect(o.result).toBe('approved');
    expect(purseStateOf(lost)!.balance).toBe(0);
  });
});

describe('mutual authentication', () => {
  it('a purse with a wrong key fails authentication and nothing changes on either card', async () => {
    const purse = createPurseCard({ personalisation: { masterKeys: { debit: '00112233445566778899AABBCCDDEEFF', load: '00112233445566778899AABBCCDDEEFF' } } });
    const merchant = createMerchantCard();
    const purseBefore = purseStateOf(purse);
    const merchantBefore = merchant.state;
    const o = await pay(purse, merchant, 100);
    expect(o.result).toBe('declined');
    expect(o.reason).toMatch(/failed to authenticate/);
    expect(o.reason).toMatch(/6982/);
    expect(purseStateOf(purse)).toEqual(purseBefore);
    expect(merchant.state).toEqual(merchantBefore);
  });

  it('a merchant card with a wrong debit master key cannot debit a genuine purse', async () => {
    const purse = createPurseCard();
    const merchant = createMerchantCard({
      personalisation: { name: 'fake', bankCode: '250501', cardNumber: '9000000043', masterKeys: { debit: '00112233445566778899AABBCCDDEEFF', clearing: '00112233445566778899AABBCCDDEEFF' } },
    });
    const o = await pay(purse, merchant, 100);
    expect(o.result).toBe('declined');
    expect(purseStateOf(purse)!.balance).toBe(683);
    expect(merchant.state.debitTotal).toBe(0);
  });
});

describe('refund and settlement', () => {
  it('refunds credit the purse and lower the merchant total; not above what the merchant took', async () => {
    const purse = createPurseCard({ personalisation: { balance: 1000 } });
    const merchant = createMerchantCard();
    await pay(purse, merchant, 400, { now });
    const refund = await pay(purse, merchant, 150, { kind: 'refund', now });
    expect(refund.result).toBe('approved');
    expect(refund.balanceAfter).toBe(750);
    expect(merchant.state.refundTotal).toBe(150);
    const r = await readPurse(purse);
    expect(r.debits[0]).toMatchObject({ status: 0x70, amount: 150, balance: 750 });
    const tooMuch = await pay(purse, merchant, 300, { kind: 'refund' });
    expect(tooMuch.result).toBe('declined');
    expect(tooMuch.reason).toMatch(/9411/);
    expect(purseStateOf(purse)!.balance).toBe(750);
  });

  it('the clearing accepts a summary once and refuses the same summary submitted twice', async () => {
    const purse = createPurseCard({ personalisation: { balance: 5000 } });
    const merchant: MerchantCard = createMerchantCard();
    const ledger = new ClearingLedger();
    await pay(purse, merchant, 1000);
    await pay(purse, merchant, 250);
    await pay(purse, merchant, 50, { kind: 'refund' });
    const first = await settle(merchant, ledger);
    expect(first.summary).toMatchObject({ summarySequence: 1, count: 3, debitTotal: 1250, refundTotal: 50, firstHseq: 1, lastHseq: 3 });
    expect(first.result).toMatchObject({ accepted: true, credited: 1200 });
    const again = await settle(merchant, ledger, { resubmitLast: true });
    expect(again.result).toMatchObject({ accepted: false, reason: 'duplicate' });
    expect(ledger.state.merchantAccounts[first.summary.merchantId]).toBe(1200);

    // The next day: a new summary number, the next merchant sequence numbers.
    await pay(purse, merchant, 100);
    const second = await settle(merchant, ledger);
    expect(second.summary).toMatchObject({ summarySequence: 2, count: 1, firstHseq: 4, lastHseq: 4 });
    expect(second.result.accepted).toBe(true);
    expect(ledger.state.merchantAccounts[first.summary.merchantId]).toBe(1300);
  });

  it('the clearing refuses a summary with a forged MAC or a replayed sequence range', async () => {
    const merchant = createMerchantCard();
    await pay(createPurseCard(), merchant, 100);
    const ledger = new ClearingLedger();
    const { summary } = await settle(merchant, new ClearingLedger());
    const raw = Uint8Array.from(Buffer.from(summary.raw, 'hex'));
    const forged = raw.slice();
    forged[22] = 0x99; // a bigger debit total
    expect(await ledger.submit(forged)).toMatchObject({ accepted: false, reason: 'mac' });
    expect(await ledger.submit(raw)).toMatchObject({ accepted: true });
  });
});
