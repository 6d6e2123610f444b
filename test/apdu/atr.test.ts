/**
 * ATR parsing against ISO/IEC 7816-3 §8.2 / EMV Book 1 §8.3, with ATRs of
 * real cards (as listed publicly, e.g. in the pcsc-tools smartcard_list).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseAtr } from '../../src/apdu/atr.js';
import { AtrError, EmvsimError } from '../../src/apdu/errors.js';

describe('parseAtr: T=0 cards', () => {
  it('3B6800000073C84013009000: T=0 only, TB1/TC1 00, category 00 historical bytes', () => {
    const atr = parseAtr('3B6800000073C84013009000');
    expect(atr.convention).toBe('direct');
    expect(atr.y1).toBe(0x6); // TB1 and TC1 follow
    expect(atr.historicalLength).toBe(8);
    expect(atr.interfaceBytes).toEqual([{ index: 1, qualifies: 'global', tb: 0x00, tc: 0x00 }]);
    expect(atr.protocols).toEqual([0]);
    expect(atr.tck).toBeUndefined(); // §8.2.5: only T=0, so no TCK
    expect([atr.fi, atr.di, atr.ta1Present]).toEqual([372, 1, false]);
    expect(atr.extraGuardTime).toBe(0);
    expect(atr.historical.hex).toBe('0073C84013009000');
    expect(atr.historical.category).toBe(0x00);
    expect(atr.historical.objects).toEqual([
      expect.objectContaining({ tag: 7, name: 'card capabilities', value: 'C84013' }),
    ]);
    // Table 86: C8 = b8 full DF name, b7 partial DF name, b4 implicit DF selection.
    expect(atr.historical.objects[0]!.notes.slice(0, 3)).toEqual([
      'DF selection by full DF name',
      'DF selection by partial DF name',
      'implicit DF selection',
    ]);
    expect(atr.historical.status).toEqual({ lcs: 0x00, sw: '9000' });
  });

  it('category 80 with card service data, pre-issuing data and a status indicator', () => {
    const atr = parseAtr('3B6E000080318066B08412016E0183009000');
    expect(atr.protocols).toEqual([0]);
    expect(atr.historical.objects.map((o) => [o.tag, o.value])).toEqual([
      [3, '80'],
      [6, 'B08412016E01'],
      [8, '009000'],
    ]);
    expect(atr.historical.status).toEqual({ lcs: 0, sw: '9000' });
  });

  it('TA1 gives Fi and Di (Tables 7 and 8), TC1 the extra guard time', () => {
    const atr = parseAtr('3B5596FF0102030405');
    expect(atr.ta1Present).toBe(true);
    expect([atr.fi, atr.fMaxMhz, atr.di]).toEqual([512, 5, 32]);
    expect(atr.extraGuardTime).toBe(0xff);
    expect(atr.historical.hex).toBe('0102030405');
    expect(atr.historical.categoryMeaning).toMatch(/proprietary/);
  });

  it('TS 3F is the inverse convention', () => {
    expect(parseAtr('3F00').convention).toBe('inverse');
  });
});

describe('parseAtr: T=1 and TCK', () => {
  it('JCOP 41 (EMV T=1 basic ATR shape): T=1, IFSC FE, BWI 4, CWI 5, TCK A7', () => {
    const atr = parseAtr('3BE900008131FE454A434F503431563232A7');
    expect(atr.protocols).toEqual([1]);
    expect(atr.interfaceBytes.map((g) => g.index)).toEqual([1, 2, 3]);
    expect(atr.interfaceBytes[2]).toMatchObject({ qualifies: 1, ta: 0xfe, tb: 0x45 });
    expect(atr.t1).toEqual({ ifsc: 254, bwi: 4, cwi: 5, errorDetection: 'LRC' });
    expect(atr.tck).toBe(0xa7);
    expect(Buffer.from(atr.historical.hex, 'hex').toString('ascii')).toBe('JCOP41V22');
  });

  it('PC/SC storage card: T=0 and T=1 offered, BER-style historical bytes reported, not rejected', () => {
    const atr = parseAtr('3B8F8001804F0CA000000306030001000000006A');
    expect(atr.protocols).toEqual([0, 1]);
    expect(atr.tck).toBe(0x6a);
    expect(atr.historical.category).toBe(0x80);
    expect(atr.historical.problem).toMatch(/COMPACT-TLV object 4F declares 15 bytes/);
  });

  it('TA2 specific mode and T=15 class indicator', () => {
    // T0 80 (TD1), TD1 90 (TA2 TD2, T=0), TA2 81 (specific mode T=1, cannot change),
    // TD2 1F (TA3, T=15), TA3 03 (clock stop not supported, classes A and B), then TCK.
    const bytes = [0x3b, 0x80, 0x90, 0x81, 0x1f, 0x03];
    let x = 0;
    for (const b of bytes.slice(1)) x ^= b;
    const atr = parseAtr(Uint8Array.from([...bytes, x]));
    expect(atr.specificMode).toEqual({ protocol: 1, canChange: false, implicitParameters: false });
    expect(atr.protocols).toEqual([0]);
    expect(atr.t15).toEqual({ clockStop: 'not supported', classes: ['A (5 V)', 'B (3 V)'] });
    expect(atr.tck).toBe(x);
  });
});

describe('parseAtr errors name the byte offset', () => {
  const fails = (hex: string, offset: number, pattern: RegExp) => {
    let caught: unknown;
    try {
      parseAtr(hex);
    } catch (err) {
      caught = err;
    }
    expect(caught, hex).toBeInstanceOf(AtrError);
    expect((caught as AtrError).offset).toBe(offset);
    expect((caught as Error).message).toMatch(pattern);
  };
  it('empty', () => fails('', 0, /missing TS/));
  it('bad TS', () => fails('3A00', 0, /TS must be 3B or 3F/));
  it('T0 missing', () => fails('3B', 1, /T0 missing/));
  it('announced interface byte missing', () => fails('3B60', 2, /TB1 announced but missing/));
  it('historical bytes missing', () => fails('3B0301', 3, /3 historical bytes announced, 1 present/));
  it('TCK missing when T=1 is offered', () => fails('3B8001', 3, /TCK missing/));
  it('wrong TCK', () => fails('3BE900008131FE454A434F503431563232A6', 17, /TCK A6 is wrong.*XOR of T0..TCK is 01/));
  it('extra bytes after the ATR', () => fails('3B00AA', 2, /1 unexpected byte/));
  it('longer than 33 bytes', () => fails('3B' + '0F' + '00'.repeat(32), 33, /longer than the 33/));
  it('reserved Fi in TA1', () => fails('3B1070', 2, /Fi index 7 is reserved/));
  it('hex mistakes are typed too', () => expect(() => parseAtr('3B6G')).toThrow(EmvsimError));
});

describe('parseAtr never throws anything but AtrError on bytes (fast-check)', () => {
  it('random bytes after 3B', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (tail) => {
        try {
          const atr = parseAtr(Uint8Array.from([0x3b, ...tail]));
          expect(atr.protocols.length).toBeGreaterThan(0);
        } catch (err) {
          expect(err).toBeInstanceOf(AtrError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
