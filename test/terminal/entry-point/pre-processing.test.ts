/** Book B §3.1 Pre-Processing, one row per requirement (numbers as tagged in emerald79/libpay emv_ep.c). */
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../src/apdu/bytes.js';
import { type Combination, preProcess, preProcessCombination } from '../../../src/terminal/entry-point/index.js';

const tx = (amountAuthorised: number) => ({ amountAuthorised, transactionType: 0x00, currencyExponent: 2 });
const base: Combination = { aid: 'A0000000031010', kernelId: '03', ttq: 'B6C04000' };

describe('Book B §3.1.1 pre-processing indicators', () => {
  const rows: { req: string; config: Partial<Combination>; amount: number; expect: Record<string, unknown> }[] = [
    { req: '3.1.1.2 TTQ copied, byte 2 b8 b7 reset', config: {}, amount: 500, expect: { ttq: 'B6004000', contactlessApplicationNotAllowed: false } },
    { req: '3.1.1.3 status check at one unit of currency', config: { statusCheckSupport: true }, amount: 100, expect: { statusCheckRequested: true } },
    { req: '3.1.1.3 no status check at other amounts', config: { statusCheckSupport: true }, amount: 101, expect: { statusCheckRequested: false } },
    { req: '3.1.1.3 no status check without support', config: { statusCheckSupport: false }, amount: 100, expect: { statusCheckRequested: false } },
    { req: '3.1.1.4 zero amount not allowed', config: { zeroAmountAllowed: false }, amount: 0, expect: { contactlessApplicationNotAllowed: true, zeroAmount: false } },
    { req: '3.1.1.4 zero amount allowed (flag absent)', config: {}, amount: 0, expect: { zeroAmount: true } },
    { req: '3.1.1.5 transaction limit reached (>=)', config: { readerContactlessTransactionLimit: 5000 }, amount: 5000, expect: { contactlessApplicationNotAllowed: true } },
    { req: '3.1.1.5 below the transaction limit', config: { readerContactlessTransactionLimit: 5000 }, amount: 4999, expect: { contactlessApplicationNotAllowed: false } },
    { req: '3.1.1.6 floor limit exceeded (>)', config: { readerContactlessFloorLimit: 1000 }, amount: 1001, expect: { readerContactlessFloorLimitExceeded: true } },
    { req: '3.1.1.6 floor limit equal is not exceeded', config: { readerContactlessFloorLimit: 1000 }, amount: 1000, expect: { readerContactlessFloorLimitExceeded: false } },
    { req: '3.1.1.7 terminal floor limit when no reader floor limit', config: { terminalFloorLimit: 2000 }, amount: 2001, expect: { readerContactlessFloorLimitExceeded: true } },
    { req: '3.1.1.7 reader floor limit wins over 9F1B', config: { readerContactlessFloorLimit: 3000, terminalFloorLimit: 2000 }, amount: 2001, expect: { readerContactlessFloorLimitExceeded: false } },
    { req: '3.1.1.8 CVM required limit reached (>=)', config: { readerCvmRequiredLimit: 2500 }, amount: 2500, expect: { readerCvmRequiredLimitExceeded: true } },
    { req: '3.1.1.9 floor limit exceeded -> TTQ online cryptogram required', config: { readerContactlessFloorLimit: 1000 }, amount: 1500, expect: { ttq: 'B6804000' } },
    { req: '3.1.1.10 status check -> TTQ online cryptogram required', config: { statusCheckSupport: true }, amount: 100, expect: { ttq: 'B6804000' } },
    { req: '3.1.1.11 zero amount, online-capable reader -> online cryptogram required', config: {}, amount: 0, expect: { ttq: 'B6804000', contactlessApplicationNotAllowed: false } },
    { req: '3.1.1.11 zero amount, offline-only reader (TTQ b1 b4) -> not allowed', config: { ttq: '3E004000' }, amount: 0, expect: { contactlessApplicationNotAllowed: true } },
    { req: '3.1.1.12 CVM limit exceeded -> TTQ CVM required', config: { readerCvmRequiredLimit: 2500 }, amount: 3000, expect: { ttq: 'B6404000' } },
    { req: '3.1.1.9+12 both bits', config: { readerCvmRequiredLimit: 2500, readerContactlessFloorLimit: 0 }, amount: 3000, expect: { ttq: 'B6C04000' } },
    { req: '3.1.1.2 no TTQ configured -> no copy', config: { ttq: undefined }, amount: 3000, expect: { ttq: undefined } },
  ];
  for (const row of rows) {
    it(row.req, () => {
      const ind = preProcessCombination({ ...base, ...row.config }, tx(row.amount));
      const view = { ...ind, ttq: ind.ttq ? toHex(ind.ttq) : undefined };
      expect(view).toMatchObject(row.expect);
    });
  }

  it('3.1.1.2 leaves the configured TTQ untouched (a copy is changed)', () => {
    const c = { ...base, ttq: 'B6C04000', readerContactlessFloorLimit: 0 };
    preProcessCombination(c, tx(10));
    expect(c.ttq).toBe('B6C04000');
  });
});

describe('Book B §3.1.1.13 no combination allowed', () => {
  it('gives Try Another Interface with UI Request 18 "Please Insert or Swipe Card", Processing Error', () => {
    const r = preProcess([{ ...base, readerContactlessTransactionLimit: 100 }, { aid: 'A0000000041010', kernelId: '02', readerContactlessTransactionLimit: 50 }], tx(100));
    expect(r.outcome?.parameters.status).toBe('try-another-interface');
    expect(r.outcome?.uiRequestOnOutcome).toEqual({ messageId: 0x18, status: 'processing-error' });
    expect(r.outcome?.parameters.removalTimeoutMs).toBe(0);
  });
  it('continues when one combination is allowed', () => {
    const r = preProcess([{ ...base, readerContactlessTransactionLimit: 100 }, { aid: 'A0000000041010', kernelId: '02' }], tx(100));
    expect(r.outcome).toBeUndefined();
    expect(r.indicators.map((i) => i?.contactlessApplicationNotAllowed)).toEqual([true, false]);
  });
  it('leaves out combinations configured for other transaction types', () => {
    const r = preProcess([{ ...base, transactionTypes: [0x20] }], tx(100));
    expect(r.indicators).toEqual([undefined]);
    expect(r.outcome?.parameters.status).toBe('try-another-interface');
  });
});
