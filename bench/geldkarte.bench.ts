/**
 * GeldKarte throughput with emulated purse and merchant card: purse reads
 * (SELECT + READ RECORD of every file) and complete payments (mutual
 * authentication, debit with MAC, merchant credit) per second, in memory.
 */
import { createMerchantCard, createPurseCard } from '../src/card/geldkarte/index.js';
import { pay, readPurse } from '../src/terminal/geldkarte/index.js';
import { type BenchSuite, opsPerSecond } from './harness.js';

export const geldkarteBench: BenchSuite = {
  name: 'geldkarte',
  async run() {
    const purse = createPurseCard({ personalisation: { balance: 20000, maxBalance: 20000 } });
    const merchant = createMerchantCard({ seed: 'bench' });
    const reads = await opsPerSecond(() => readPurse(purse));
    let kind: 'debit' | 'refund' = 'debit';
    const payments = await opsPerSecond(async () => {
      await pay(purse, merchant, 1, { kind });
      kind = kind === 'debit' ? 'refund' : 'debit';
    });
    return [
      { suite: 'geldkarte', metric: 'purse read (all files)', value: Math.round(reads), unit: 'ops/s' },
      { suite: 'geldkarte', metric: 'payment (purse + merchant card)', value: Math.round(payments), unit: 'ops/s', note: 'debit and refund alternating' },
    ];
  },
};
