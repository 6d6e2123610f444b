/**
 * The one track 2 parser (src/apdu/track2.ts; ISO/IEC 7813 §10): both separators, the F pad, and the
 * reasons with their character offsets.
 */
import { describe, expect, it } from 'vitest';
import { isChipServiceCode, splitTrack2, track2EquivalentHex } from '../../src/apdu/track2.js';

describe('splitTrack2', () => {
  it("reads the stripe / field 35 form ('=') and the EMV form ('D', F pad)", () => {
    const fields = { pan: '4761739001010010', expiry: '2912', serviceCode: '201', discretionary: '1234' };
    expect(splitTrack2('4761739001010010=29122011234')).toEqual(fields);
    expect(splitTrack2('4761739001010010D29122011234F')).toEqual(fields);
    expect(splitTrack2('4761739001010010d2912201')).toEqual({ ...fields, discretionary: '' });
  });

  it('names the problem and where it starts', () => {
    expect(splitTrack2('4761739001010010D2912D101')).toEqual({ error: "track 2 has 2 field separators ('=' or 'D'), not exactly one", offset: 21 });
    expect(splitTrack2('4761739001010010')).toEqual({ error: "track 2 has 0 field separators ('=' or 'D'), not exactly one", offset: 16 });
    expect(splitTrack2('41111=2912201')).toEqual({ error: "PAN '41111' is not 12..19 digits", offset: 0 });
    expect(splitTrack2('4761739001010010=2912')).toEqual({ error: 'expiry date (YYMM) and service code missing after the separator', offset: 21 });
    expect(splitTrack2('4761739001010010=2913201')).toEqual({ error: 'expiry month 13 is not 01..12', offset: 19 });
    expect(splitTrack2('4761739001010010=29122A1')).toEqual({ error: "non-digit 'A' after the separator", offset: 22 });
  });

  it("EMV's nibble form: 'D' separator, F pad to whole bytes", () => {
    expect(track2EquivalentHex('4761739001010010=2912201123')).toBe('4761739001010010D2912201123F');
    expect(track2EquivalentHex('4761739001010010d29122011234')).toBe('4761739001010010D29122011234');
  });

  it('a chip card by the first service code digit (2 or 6)', () => {
    expect(['201', '221', '601', '620'].map(isChipServiceCode)).toEqual([true, true, true, true]);
    expect(['101', '120', '501', '702', '2'].map(isChipServiceCode)).toEqual([false, false, false, false, false]);
  });
});
