/** Book B §3.3 Combination Selection, one row per requirement (numbers as tagged in emerald79/libpay emv_ep.c). */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromHex, toHex } from '../../../src/apdu/bytes.js';
import {
  type Combination,
  PpseFormatError,
  buildCandidateList,
  chooseCandidate,
  defaultKernelId,
  parsePpse,
  preProcess,
  requestedKernelId,
} from '../../../src/terminal/entry-point/index.js';
import { finalSelectName, visaKernelAdjustment } from '../../../src/terminal/entry-point/combination-selection.js';
import { type PpseEntry, appFci, ppseFci } from './fixtures.js';

const tx = { amountAuthorised: 1000, transactionType: 0, currencyExponent: 2 };
function candidates(combinations: Combination[], entries: PpseEntry[]) {
  const { indicators } = preProcess(combinations, tx);
  return buildCandidateList(combinations, indicators, parsePpse(fromHex(ppseFci(entries))));
}
const names = (list: ReturnType<typeof candidates>) => list.map((c) => `${toHex(c.adfName)}/${toHex(c.kernelId)}`);

describe('Book B §3.3.2.5 directory entries against combinations', () => {
  const rows: { req: string; combos: Combination[]; entries: PpseEntry[]; expect: string[] }[] = [
    { req: '3.3.2.5 A ADF Name shorter than 5 bytes is skipped', combos: [{ aid: 'A000000003', kernelId: '03' }], entries: [{ aid: 'A00000' }], expect: [] },
    { req: '3.3.2.5 B full match', combos: [{ aid: 'A0000000031010', kernelId: '03' }], entries: [{ aid: 'A0000000031010', kernelId: '03' }], expect: ['A0000000031010/03'] },
    { req: '3.3.2.5 B partial match (ADF Name begins with the AID)', combos: [{ aid: 'A000000003', kernelId: '03' }], entries: [{ aid: 'A0000000031010', kernelId: '03' }], expect: ['A0000000031010/03'] },
    { req: '3.3.2.5 B AID longer than the ADF Name does not match', combos: [{ aid: 'A000000003101001', kernelId: '03' }], entries: [{ aid: 'A0000000031010', kernelId: '03' }], expect: [] },
    { req: '3.3.2.5 C 9F2A absent: default by RID (Visa -> 3)', combos: [{ aid: 'A000000003', kernelId: '03' }], entries: [{ aid: 'A0000000031010' }], expect: ['A0000000031010/03'] },
    { req: '3.3.2.5 C 9F2A empty: default by RID (Mastercard -> 2)', combos: [{ aid: 'A000000004', kernelId: '02' }], entries: [{ aid: 'A0000000041010', kernelId: '' }], expect: ['A0000000041010/02'] },
    { req: '3.3.2.5 C/D default kernel differs from the combination', combos: [{ aid: 'A000000004', kernelId: '03' }], entries: [{ aid: 'A0000000041010' }], expect: [] },
    { req: '3.3.2.5 C b8b7=00: byte 1 only', combos: [{ aid: 'A000000003', kernelId: '03' }], entries: [{ aid: 'A0000000031010', kernelId: '03AABB' }], expect: ['A0000000031010/03'] },
    { req: '3.3.2.5 C b8b7=10 with fewer than 3 bytes: skipped', combos: [{ aid: 'A000000003', kernelId: '8301' }], entries: [{ aid: 'A0000000031010', kernelId: '8301' }], expect: [] },
    { req: '3.3.2.5 C b8b7=10: bytes 1-3 (extended kernel ID)', combos: [{ aid: 'A000000003', kernelId: '830102' }], entries: [{ aid: 'A0000000031010', kernelId: '83010299' }], expect: ['A0000000031010/830102'] },
    { req: '3.3.2.5 D other RID without 9F2A: requested 0 = any kernel', combos: [{ aid: 'D276000025', kernelId: '2A' }], entries: [{ aid: 'D27600002545' }], expect: ['D27600002545/2A'] },
    // Discover's RID is A000000152 (D-PAS A0000001523010; openemv/emv-utils emv_fields.c), not libpay's A000000015.
    { req: '3.3.2.5 C Discover D-PAS without 9F2A: default kernel 6', combos: [{ aid: 'A000000152', kernelId: '06' }, { aid: 'A000000152', kernelId: '02' }], entries: [{ aid: 'A0000001523010' }], expect: ['A0000001523010/06'] },
    { req: '3.3.2.5 C A000000015 (libpay typo row) has no default: any kernel', combos: [{ aid: 'A000000015', kernelId: '02' }], entries: [{ aid: 'A0000000151010' }], expect: ['A0000000151010/02'] },
    { req: '3.3.2.5 E one candidate per matching combination', combos: [{ aid: 'A000000003', kernelId: '03' }, { aid: 'A0000000031010', kernelId: '03' }], entries: [{ aid: 'A0000000031010', kernelId: '03' }], expect: ['A0000000031010/03', 'A0000000031010/03'] },
  ];
  for (const row of rows) it(row.req, () => expect(names(candidates(row.combos, row.entries))).toEqual(row.expect));

  it('3.3.2.5 combinations not allowed by pre-processing add nothing', () => {
    const combos = [{ aid: 'A000000003', kernelId: '03', readerContactlessTransactionLimit: 500 }];
    expect(candidates(combos, [{ aid: 'A0000000031010' }])).toEqual([]);
  });

  it('Table 3-6 defaults: Mastercard 2, Visa 3, Amex 4, JCB 5, Discover 6, UnionPay 7, other 0', () => {
    const rids = ['A000000004', 'A000000003', 'A000000025', 'A000000065', 'A000000152', 'A000000333', 'A000000999'];
    expect(rids.map((r) => defaultKernelId(fromHex(r + '1010')))).toEqual([2, 3, 4, 5, 6, 7, 0]);
    expect(requestedKernelId({ order: 0, adfName: undefined, label: undefined, priority: undefined, kernelIdentifier: fromHex('C0'), extendedSelection: undefined }, fromHex('A000000003'))).toBeUndefined();
  });
});

describe('Book B §3.3.3 final combination selection', () => {
  const combos: Combination[] = [{ aid: 'A000000003', kernelId: '03', extendedSelectionSupport: true }, { aid: 'A000000004', kernelId: '02' }];
  it('3.3.3.1 a single candidate is selected', () => {
    expect(toHex(chooseCandidate(candidates(combos, [{ aid: 'A0000000041010' }]))!.adfName)).toBe('A0000000041010');
  });
  it('3.3.3.2 the highest priority wins (1 before 2)', () => {
    const list = candidates(combos, [{ aid: 'A0000000031010', priority: 2 }, { aid: 'A0000000041010', priority: 1 }]);
    expect(toHex(chooseCandidate(list)!.adfName)).toBe('A0000000041010');
  });
  it('3.3.3.2 priority 0 or absent is the lowest', () => {
    const list = candidates(combos, [{ aid: 'A0000000031010', priority: 0 }, { aid: 'A0000000041010', priority: 15 }]);
    expect(toHex(chooseCandidate(list)!.adfName)).toBe('A0000000041010');
    const absent = candidates(combos, [{ aid: 'A0000000031010' }, { aid: 'A0000000041010', priority: 3 }]);
    expect(toHex(chooseCandidate(absent)!.adfName)).toBe('A0000000041010');
  });
  it('3.3.3.2 equal priority: the lowest PPSE order', () => {
    const list = candidates(combos, [{ aid: 'A0000000041010', priority: 1 }, { aid: 'A0000000031010', priority: 1 }]);
    expect(toHex(chooseCandidate(list)!.adfName)).toBe('A0000000041010');
  });
  it('3.3.3.2 b8 (cardholder confirmation) does not change the priority', () => {
    const list = candidates(combos, [{ aid: 'A0000000031010', priority: 0x82 }, { aid: 'A0000000041010', priority: 0x01 }]);
    expect(toHex(chooseCandidate(list)!.adfName)).toBe('A0000000041010');
  });
  it('3.3.3.3 extended selection appended only when present and supported', () => {
    const [visa] = candidates(combos, [{ aid: 'A0000000031010', extendedSelection: '0102' }]);
    expect(toHex(finalSelectName(visa!, combos[0]!))).toBe('A00000000310100102');
    expect(toHex(finalSelectName(visa!, { ...combos[0]!, extendedSelectionSupport: false }))).toBe('A0000000031010');
  });
  it('3.3.3.6 Visa kernel 3 without 9F66 in the PDOL: kernel 1 if present, else dropped', () => {
    const [visa] = candidates(combos, [{ aid: 'A0000000031010' }]);
    expect(toHex(visaKernelAdjustment(visa!, fromHex(appFci('A0000000031010', '9F66049F0206')), false)!)).toBe('03');
    expect(toHex(visaKernelAdjustment(visa!, fromHex(appFci('A0000000031010', '9F0206')), true)!)).toBe('01');
    expect(visaKernelAdjustment(visa!, fromHex(appFci('A0000000031010')), false)).toBeUndefined();
  });
});

describe('PPSE parsing never crashes (fuzz)', () => {
  it('any bytes give entries or a PpseFormatError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          const entries = parsePpse(bytes);
          expect(Array.isArray(entries)).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(PpseFormatError);
        }
      }),
      { numRuns: 2000, seed: 16 },
    );
  });
  it('mutated real PPSE FCIs give entries or a PpseFormatError, and candidates never throw', () => {
    const fci = fromHex(ppseFci([{ aid: 'A0000000031010', priority: 1, kernelId: '03' }, { aid: 'A0000000041010', kernelId: '8301AA', extendedSelection: '01' }]));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: fci.length - 1 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: fci.length }), (at, value, cut) => {
        const b = fci.slice(0, cut);
        if (at < b.length) b[at] = value;
        try {
          const entries = parsePpse(b);
          const list = buildCandidateList([{ aid: 'A0000000', kernelId: '03' }], [preProcess([{ aid: 'A0000000', kernelId: '03' }], tx).indicators[0]], entries);
          chooseCandidate(list);
        } catch (err) {
          expect(err).toBeInstanceOf(PpseFormatError);
        }
      }),
      { numRuns: 3000, seed: 17 },
    );
  });
});
