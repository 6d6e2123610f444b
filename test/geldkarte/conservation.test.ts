/**
 * Money is conserved: purse balance + merchant card totals (+ what the clearing
 * settled) stay constant across 1,000 random debits and refunds with faults
 * injected at every step of the protocol (power lost after the command ran,
 * no answer before it ran, a garbled answer), and no debit is ever counted
 * twice: every purse debit sequence number appears in exactly one merchant
 * record. The terminal resets the cards and resolves the interrupted payment.
 */
import { describe, expect, it } from 'vitest';
import { createMerchantCard, createPurseCard, purseStateOf } from '../../src/card/geldkarte/index.js';
import type { MerchantCard, MerchantRecord } from '../../src/card/geldkarte/index.js';
import type { EmulatedCard, FaultAction } from '../../src/card/index.js';
import { ClearingLedger } from '../../src/issuer/geldkarte/index.js';
import { loadPurse, pay, settle } from '../../src/terminal/geldkarte/index.js';
import { InProcessLoadingHost } from '../../src/issuer/geldkarte/index.js';
import { mulberry32 as prng } from '../../bench/prng.js';


/** The protocol steps a fault can hit: [card, CLA, INS]. */
const STEPS: readonly ['purse' | 'merchant', number, number][] = [
  ['merchant', 0x90, 0x50], // START
  ['purse', 0xe0, 0x50], // INITIALISE
  ['merchant', 0x90, 0x52], // AUTHORISE (payment becomes pending)
  ['purse', 0xe0, 0x52], // DEBIT (the purse's one atomic write)
  ['merchant', 0x90, 0x54], // CONFIRM (the merchant's credit)
  ['merchant', 0x90, 0x56], // GET PENDING (recovery)
  ['purse', 0xe0, 0x54], // DEBIT STATUS (recovery)
];
const ACTIONS: readonly FaultAction[] = ['tear', 'mute', 'corrupt'];

interface World {
  purse: EmulatedCard;
  merchant: MerchantCard;
  ledger: ClearingLedger;
  settledRecords: MerchantRecord[];
}

function moneyIn(w: World): number {
  const m = w.merchant.state;
  const settled = Object.values(w.ledger.state.merchantAccounts).reduce((a, b) => a + b, 0);
  return purseStateOf(w.purse)!.balance + m.debitTotal - m.refundTotal + settled;
}

function checkNoDoubleCount(w: World): void {
  const records = [...w.settledRecords, ...w.merchant.state.records];
  const bseqs = records.map((r) => r.bseq).sort((a, b) => a - b);
  const purseCounter = purseStateOf(w.purse)!.bseq;
  // Sequence numbers 1 .. counter-1 were used by the purse; each appears exactly once at the merchant.
  expect(bseqs).toEqual(Array.from({ length: purseCounter - 1 }, (_, i) => i + 1));
  const hseqs = new Set(records.map((r) => r.hseq));
  expect(hseqs.size).toBe(records.length);
}

function newWorld(seed: number): World {
  return {
    purse: createPurseCard({ personalisation: { balance: 15000, maxBalance: 20000 }, seed: `purse-${seed}` }),
    merchant: createMerchantCard({ seed: `merchant-${seed}` }),
    ledger: new ClearingLedger(),
    settledRecords: [],
  };
}

describe('money conservation under faults', () => {
  it('a fault at every step, every action: the outcome matches the cards, nothing created or lost', async () => {
    for (const [target, cla, ins] of STEPS) {
      for (const action of ACTIONS) {
        for (const kind of ['debit', 'refund'] as const) {
          const w = newWorld(ins * 7 + cla);
          await pay(w.purse, w.merchant, 1000); // something to refund
          const total = moneyIn(w);
          const before = purseStateOf(w.purse)!.balance;
          (target === 'purse' ? w.purse : w.merchant).faults.add({ action, cla, ins, offset: 0 });
          const o = await pay(w.purse, w.merchant, 300, { kind });
          const after = purseStateOf(w.purse)!.balance;
          const where = `${action} on ${target} ${cla.toString(16)} ${ins.toString(16)} during a ${kind}`;
          expect(moneyIn(w), where).toBe(total);
          expect(w.merchant.state.pending, where).toBeUndefined();
          expect(after - before, where).toBe(o.result === 'approved' ? (kind === 'debit' ? -300 : 300) : 0);
          expect(o.balanceAfter, where).toBe(after);
          checkNoDoubleCount(w);
        }
      }
    }
  });

  it('1,000 random debits, refunds, faults and settlements keep purse + merchant + clearing constant', async () => {
    const random = prng(20241231);
    const w = newWorld(1);
    const host = new InProcessLoadingHost({ defaultAccountBalance: 10_000_000 });
    let total = moneyIn(w);
    let approved = 0;
    for (let i = 0; i < 1000; i++) {
      // Debit more often while the purse is full, refund more often while it is empty.
      const net = w.merchant.state.debitTotal - w.merchant.state.refundTotal;
      const kind = net < 1500 || random() < purseStateOf(w.purse)!.balance / 15000 ? 'debit' : 'refund';
      const amount = 1 + Math.floor(random() * 1500);
      if (random() < 0.6) {
        const [target, cla, ins] = STEPS[Math.floor(random() * STEPS.length)]!;
        const action = ACTIONS[Math.floor(random() * ACTIONS.length)]!;
        (target === 'purse' ? w.purse : w.merchant).faults.add({ action, cla, ins, offset: 0 });
      }
      if (purseStateOf(w.purse)!.balance < 3000 && random() < 0.5) {
        // Money enters the system only by a load (PIN + loading host).
        const loaded = await loadPurse(w.purse, host, 10000, '1234');
        expect(loaded.result).toBe('approved');
        total += 10000;
      }
      const balanceBefore = purseStateOf(w.purse)!.balance;
      const o = await pay(w.purse, w.merchant, amount, { kind });
      w.purse.faults.clear();
      w.merchant.faults.clear();
      const delta = purseStateOf(w.purse)!.balance - balanceBefore;
      expect(delta, `operation ${i}`).toBe(o.result === 'approved' ? (kind === 'debit' ? -amount : amount) : 0);
      if (o.result === 'approved') approved++;
      expect(moneyIn(w), `operation ${i}`).toBe(total);
      if (random() < 0.02) {
        const records = w.merchant.state.records;
        const { result } = await settle(w.merchant, w.ledger);
        expect(result.accepted).toBe(true);
        w.settledRecords.push(...records);
        // The same summary again is refused and changes nothing.
        expect((await settle(w.merchant, w.ledger, { resubmitLast: true })).result.accepted).toBe(false);
        expect(moneyIn(w)).toBe(total);
      }
    }
    checkNoDoubleCount(w);
    expect(approved).toBeGreaterThan(500);
  });
});
