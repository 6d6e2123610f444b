/** Status words against ISO/IEC 7816-4 §5.6 Tables 5/6 and the EMV uses (Book 3 §6.5). */
import { describe, expect, it } from 'vitest';
import { KNOWN_STATUS_WORDS, describeStatusWord, isKnownStatusWord, statusLine } from '../../src/apdu/status-words.js';

describe('describeStatusWord', () => {
  it('9000 is success', () => {
    expect(describeStatusWord(0x9000)).toMatchObject({ sw: '9000', category: 'success' });
  });
  it('61xx: bytes still available, 00 meaning 256', () => {
    expect(describeStatusWord(0x6110)).toMatchObject({ sw: '6110', category: 'success', available: 16 });
    expect(describeStatusWord(0x6100).available).toBe(256);
  });
  it('6Cxx: wrong Le with the exact length, 00 meaning 256', () => {
    expect(describeStatusWord(0x6c1c)).toMatchObject({ sw: '6C1C', category: 'error', exactLength: 28 });
    expect(describeStatusWord(0x6c00).exactLength).toBe(256);
  });
  it('63Cx: verification failed with X retries left', () => {
    for (let x = 0; x < 16; x++) {
      const info = describeStatusWord(0x63c0 | x);
      expect(info.category).toBe('warning');
      expect(info.retriesLeft).toBe(x);
      expect(info.meaning).toMatch(/verification failed/);
    }
    expect(describeStatusWord(0x63c2).meaning).toMatch(/2 retries left/);
    expect(describeStatusWord(0x63c1).meaning).toMatch(/1 retry left/);
  });
  it('the 62xx and 63xx warnings', () => {
    expect(describeStatusWord(0x6281)).toMatchObject({ category: 'warning', meaning: expect.stringMatching(/corrupted/) });
    expect(describeStatusWord(0x6282).meaning).toMatch(/end of file or record/);
    expect(describeStatusWord(0x6283).meaning).toMatch(/selected file invalidated/);
    expect(describeStatusWord(0x6284).meaning).toMatch(/FCI not formatted/);
    expect(describeStatusWord(0x6300)).toMatchObject({ category: 'warning', meaning: expect.stringMatching(/verification failed/) });
    expect(describeStatusWord(0x6300).retriesLeft).toBeUndefined();
  });
  it('execution and checking errors', () => {
    const expected: Array<[number, RegExp]> = [
      [0x6400, /no information/],
      [0x6581, /memory failure/],
      [0x6700, /wrong length/],
      [0x6881, /logical channel/],
      [0x6882, /secure messaging not supported/],
      [0x6982, /security status not satisfied/],
      [0x6983, /authentication method blocked/],
      [0x6984, /reference data not usable/],
      [0x6985, /conditions of use not satisfied/],
      [0x6986, /command not allowed/],
      [0x6987, /secure messaging data objects missing/],
      [0x6988, /incorrect secure messaging/],
      [0x6a80, /incorrect parameters in the command data/],
      [0x6a81, /function not supported/],
      [0x6a82, /file or application not found/],
      [0x6a83, /record not found/],
      [0x6a84, /not enough memory/],
      [0x6a85, /inconsistent with TLV/],
      [0x6a86, /incorrect parameters P1-P2/],
      [0x6a87, /inconsistent with parameters P1-P2/],
      [0x6a88, /referenced data .*not found/],
      [0x6b00, /wrong parameters P1-P2/],
      [0x6d00, /instruction code not supported/],
      [0x6e00, /class not supported/],
      [0x6f00, /no precise diagnosis/],
    ];
    for (const [sw, meaning] of expected) {
      const info = describeStatusWord(sw);
      expect(info.category, info.sw).toBe('error');
      expect(info.meaning, info.sw).toMatch(meaning);
      expect(isKnownStatusWord(sw)).toBe(true);
    }
  });
  it('unknown SW2 falls back to the SW1 group', () => {
    expect(describeStatusWord(0x6299)).toMatchObject({ category: 'warning', meaning: expect.stringMatching(/unknown SW2 99/) });
    expect(describeStatusWord(0x6a99).category).toBe('error');
    expect(describeStatusWord(0x1234).meaning).toMatch(/Not an ISO/);
    expect(isKnownStatusWord(0x6299)).toBe(false);
  });
  it('rejects values that are not 16-bit', () => {
    expect(() => describeStatusWord(0x10000)).toThrow(RangeError);
    expect(() => describeStatusWord(-1)).toThrow(RangeError);
  });
  it('statusLine is one line', () => {
    expect(statusLine(0x6a82)).toBe('6A82 Checking error: file or application not found');
  });
});

describe('KNOWN_STATUS_WORDS', () => {
  it('holds the families 61xx, 6Cxx and 63Cx in full', () => {
    for (let x = 0; x < 256; x++) {
      expect(isKnownStatusWord(0x6100 | x)).toBe(true);
      expect(isKnownStatusWord(0x6c00 | x)).toBe(true);
    }
    for (let x = 0; x < 16; x++) expect(KNOWN_STATUS_WORDS.has(0x63c0 | x)).toBe(true);
  });
  it('does not hold response data bytes that are not status words', () => {
    for (const sw of [0x0000, 0x9001, 0x6f01, 0x6701, 0x9100]) expect(isKnownStatusWord(sw)).toBe(false);
  });
  it('every known status word has an ISO SW1 (6X or 90)', () => {
    for (const sw of KNOWN_STATUS_WORDS) expect(sw >> 12 === 6 || sw === 0x9000).toBe(true);
  });
});
