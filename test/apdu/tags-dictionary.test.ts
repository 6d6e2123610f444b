/**
 * The EMV tag dictionary: size, completeness against EMV 4.4 Book 3 Annex A1
 * (the tags are typed here from the spec table, not read from the code), a
 * sample of entries checked column by column, and names for unlisted tags.
 */
import { describe, expect, it } from 'vitest';
import { allTags, lookupTag, tagName } from '../../src/apdu/tags.js';
import { aidName } from '../../src/apdu/tags-aids.js';

/** Every tag of Book 3 Annex A1 Table 33. */
const ANNEX_A1 = `
42 4F 50 57 5A 5F20 5F24 5F25 5F28 5F2A 5F2D 5F30 5F34 5F36 5F50 5F53 5F54 5F55 5F56 5F57
61 6F 70 71 72 73 77 80 81 82 83 84 86 87 88 89 8A 8C 8D 8E 8F 90 91 92 93 94 95 97 98 99
9A 9B 9C 9D 9F01 9F02 9F03 9F04 9F05 9F06 9F07 9F08 9F09 9F0A 9F0B 9F0C 9F0D 9F0E 9F0F 9F10
9F11 9F12 9F13 9F14 9F15 9F16 9F17 9F18 9F19 9F1A 9F1B 9F1C 9F1D 9F1E 9F1F 9F20 9F21 9F22 9F23
9F24 9F25 9F26 9F27 9F2D 9F2E 9F2F 9F32 9F33 9F34 9F35 9F36 9F37 9F38 9F39 9F3A 9F3B 9F3C 9F3D
9F40 9F41 9F42 9F43 9F44 9F45 9F46 9F47 9F48 9F49 9F4A 9F4B 9F4C 9F4D 9F4E 9F4F A5 BF0C
`
  .trim()
  .split(/\s+/);

describe('tag dictionary', () => {
  it('has at least 180 entries, each with a name, format, lengths and source', () => {
    const tags = allTags();
    expect(tags.length).toBeGreaterThanOrEqual(180);
    for (const t of tags) {
      expect(t.name.length).toBeGreaterThan(0);
      expect(['n', 'cn', 'a', 'an', 'ans', 'b', 'constructed']).toContain(t.format);
      expect(t.minLength).toBeLessThanOrEqual(t.maxLength);
      expect(['ICC', 'terminal', 'issuer']).toContain(t.source);
      // Templates (b6 of the first tag byte set) are exactly the constructed entries.
      expect(t.format === 'constructed').toBe((parseInt(t.tag.slice(0, 2), 16) & 0x20) !== 0);
    }
  });

  it("9F53 is the Mastercard Transaction Category Code, format an 1 (not b)", () => {
    expect(lookupTag('9F53')).toMatchObject({ format: 'an', minLength: 1, maxLength: 1 });
    expect(tagName('9F53')).toMatch(/Transaction Category Code \(Mastercard, an 1\)/);
    expect(tagName('9F53')).toMatch(/VIS, b 1/);
  });

  it('includes every Annex A1 tag', () => {
    const missing = ANNEX_A1.filter((t) => !lookupTag(t));
    expect(missing).toEqual([]);
  });

  it('includes the scheme tags of the brief', () => {
    for (const t of ['9F10', '9F6E', '9F7C', '9F66', '9F6C', 'BF0C', '9F51', '9F57']) expect(lookupTag(t), t).toBeDefined();
  });

  it('carries the Annex A1 columns for sample elements', () => {
    expect(lookupTag('9F02')).toMatchObject({ format: 'n', digits: 12, minLength: 6, maxLength: 6, source: 'terminal' });
    expect(lookupTag('5A')).toMatchObject({ format: 'cn', maxLength: 10, source: 'ICC' });
    expect(lookupTag('5A')!.templates).toEqual(['70', '77']);
    expect(lookupTag('50')).toMatchObject({ format: 'ans', minLength: 1, maxLength: 16 });
    expect(lookupTag('5F2D')).toMatchObject({ format: 'an', minLength: 2, maxLength: 8, templates: ['A5'] });
    expect(lookupTag('95')).toMatchObject({ format: 'b', minLength: 5, maxLength: 5 });
    expect(lookupTag('91')).toMatchObject({ format: 'b', minLength: 8, maxLength: 16, source: 'issuer' });
    expect(lookupTag('6F')).toMatchObject({ format: 'constructed' });
    expect(lookupTag('9f1a')?.tag).toBe('9F1A');
  });

  it('names FCI elements as Book 1 Table 43 does', () => {
    expect(tagName('6F')).toBe('FCI Template');
    expect(tagName('84')).toBe('DF Name');
    expect(tagName('A5')).toBe('FCI Proprietary Template');
    expect(tagName('88')).toBe('SFI of the Directory Elementary File');
    expect(tagName('5F2D')).toBe('Language Preference');
  });

  it('uses ISO 7816-4 FCP meanings inside a 62 template', () => {
    expect(tagName('82', '62')).toBe('File descriptor');
    expect(tagName('83', '62')).toBe('File identifier');
    expect(tagName('82')).toBe('Application Interchange Profile');
    expect(tagName('82', '70')).toBe('Application Interchange Profile');
  });

  it('names unlisted tags by their class (Annex B1)', () => {
    expect(lookupTag('DF7F')).toBeUndefined();
    expect(tagName('DF7F')).toBe('proprietary (DF private class)');
    expect(tagName('DF0102')).toBe('proprietary (DF private class)');
    expect(tagName('9F5F')).not.toMatch(/unknown/);
    expect(tagName('9F7E')).toMatch(/Mobile Support Indicator/);
    expect(tagName('C3')).toBe('proprietary (private class, primitive)');
    expect(tagName('E3')).toBe('proprietary (private class, constructed)');
    expect(tagName('9F2C')).toBe('unknown EMV tag (context-specific class)');
  });

  it('names German and international AIDs', () => {
    expect(aidName('D27600002545500200')).toMatch(/Geldkarte/);
    expect(aidName('A00000005945430100')).toMatch(/girocard/);
    expect(aidName('A0000000041010')).toMatch(/Mastercard/);
    expect(aidName('A0000000031010')).toMatch(/Visa/);
    expect(aidName('A000000003999999')).toBe('Visa application');
    expect(aidName('F000000001')).toBeUndefined();
  });
});
