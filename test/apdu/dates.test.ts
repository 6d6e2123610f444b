/** Transaction Date '9A' and Time '9F21' (n 6; Book 3 Annex A) from a clock, in UTC: src/apdu/dates.ts. */
import { describe, expect, it } from 'vitest';
import { hhmmss, yymmdd } from '../../src/apdu/dates.js';

describe('EMV dates', () => {
  it('YYMMDD and HHMMSS with leading zeros, in UTC', () => {
    expect(yymmdd(new Date('2026-06-15T10:30:05Z'))).toBe('260615');
    expect(hhmmss(new Date('2026-06-15T10:30:05Z'))).toBe('103005');
    expect(yymmdd(new Date('2009-01-02T00:00:00Z'))).toBe('090102');
    expect(hhmmss(new Date('2009-01-02T00:00:00Z'))).toBe('000000');
    // 23:59:59 at UTC-1 is already the next day (and year) in UTC.
    expect(yymmdd(new Date('2026-12-31T23:59:59-01:00'))).toBe('270101');
  });
});
