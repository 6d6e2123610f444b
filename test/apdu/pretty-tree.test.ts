/**
 * Value decoding by format (Book 3 §4.3, Annex A1) and the tree / JSON
 * printers. Expected renderings are worked out by hand from the encodings.
 */
import { describe, expect, it } from 'vitest';
import { ascii, fromHex } from '../../src/apdu/bytes.js';
import { currencyByNumeric, countryByNumeric } from '../../src/apdu/iso-codes.js';
import { decodeValue, formatTlvTree, tlvToJson } from '../../src/apdu/pretty.js';
import { decodeTlv, encodeTlv } from '../../src/apdu/tlv.js';

const values = (hex: Record<string, string>) => ({ values: new Map(Object.entries(hex).map(([t, v]) => [t, fromHex(v)])) });

describe('ISO 4217 / ISO 3166 tables', () => {
  it('maps numeric codes to alpha codes and exponents', () => {
    expect(currencyByNumeric('978')).toMatchObject({ alpha: 'EUR', exponent: 2 });
    expect(currencyByNumeric('0392')).toMatchObject({ alpha: 'JPY', exponent: 0 });
    expect(currencyByNumeric(48)).toMatchObject({ alpha: 'BHD', exponent: 3 });
    expect(countryByNumeric('276')).toMatchObject({ alpha2: 'DE', alpha3: 'DEU' });
    expect(countryByNumeric('0840')).toMatchObject({ alpha2: 'US', alpha3: 'USA' });
  });
});

describe('decodeValue', () => {
  it('amounts in the transaction currency of the context, or as a plain number', () => {
    expect(decodeValue('9F02', fromHex('000000001234'), values({ '5F2A': '0978' })).summary).toBe('12.34 EUR');
    expect(decodeValue('9F02', fromHex('000000001234')).summary).toBe('1234');
    expect(decodeValue('9F02', fromHex('000000001234'), values({ '5F2A': '0392' })).summary).toBe('1234 JPY');
    expect(decodeValue('9F03', fromHex('000000000000'), values({ '5F2A': '0978' })).summary).toBe('0.00 EUR');
    // 81 is the binary form: 0x04D2 = 1234 minor units.
    expect(decodeValue('81', fromHex('000004D2'), values({ '5F2A': '0840' })).summary).toBe('12.34 USD');
    // Transaction Currency Exponent 5F36 overrides the ISO minor unit.
    expect(decodeValue('9F02', fromHex('000000001234'), values({ '5F2A': '0978', '5F36': '03' })).summary).toBe('1.234 EUR');
  });

  it("9F53: Mastercard Transaction Category Code (an 1) or the VIS consecutive transaction limit (b 1), by the AID", () => {
    // 'R' = 0x52 under a Mastercard AID (RID A000000004): the character, not the number 82.
    expect(decodeValue('9F53', fromHex('52'), values({ '4F': 'A0000000041010' })).summary).toBe('R (Mastercard transaction category code)');
    // The same byte under a Visa AID (RID A000000003) is a count.
    expect(decodeValue('9F53', fromHex('05'), values({ '84': 'A0000000031010' })).summary).toBe('5 (Visa consecutive transaction limit, international)');
    expect(decodeValue('9F53', fromHex('52'), values({ '9F06': 'A0000000032010' })).summary).toMatch(/^82 \(Visa/);
    // No AID: a printable byte reads as the Mastercard code, a control byte as the Visa limit.
    expect(decodeValue('9F53', fromHex('52')).summary).toBe('R (Mastercard transaction category code)');
    expect(decodeValue('9F53', fromHex('03')).summary).toMatch(/^3 \(Visa/);
  });

  it('dates YYMMDD as ISO dates (Book 4: YY < 50 is 20YY)', () => {
    expect(decodeValue('5F24', fromHex('251231')).summary).toBe('2025-12-31');
    expect(decodeValue('5F25', fromHex('991231')).summary).toBe('1999-12-31');
    expect(decodeValue('9A', fromHex('240229')).summary).toBe('2024-02-29');
    expect(decodeValue('9A', fromHex('230229')).summary).toMatch(/cannot decode/);
    expect(decodeValue('9A', fromHex('25AB01')).summary).toMatch(/cannot decode/);
    expect(decodeValue('9F21', fromHex('235959')).summary).toBe('23:59:59');
  });

  it('currency and country codes', () => {
    expect(decodeValue('5F2A', fromHex('0978')).summary).toMatch(/^EUR/);
    expect(decodeValue('9F42', fromHex('0840')).summary).toMatch(/^USD/);
    expect(decodeValue('5F28', fromHex('0276')).summary).toMatch(/^DE \/ DEU/);
    expect(decodeValue('9F1A', fromHex('0250')).summary).toMatch(/^FR \/ FRA/);
    expect(decodeValue('9F57', fromHex('0999')).summary).toMatch(/unknown country/);
  });

  it('text formats, the DF name and the language preference', () => {
    expect(decodeValue('84', ascii('1PAY.SYS.DDF01')).summary).toBe('1PAY.SYS.DDF01');
    expect(decodeValue('84', fromHex('D27600002545500200')).summary).toMatch(/Geldkarte/);
    expect(decodeValue('50', ascii('GIROCARD')).summary).toBe('GIROCARD');
    expect(decodeValue('5F2D', ascii('deen')).summary).toBe('de, en');
    expect(decodeValue('5F20', ascii('MUSTERMANN/MAX')).summary).toBe('MUSTERMANN/MAX');
  });

  it('PAN (cn) and Track 2 Equivalent Data', () => {
    expect(decodeValue('5A', fromHex('4761739001010010')).summary).toBe('4761739001010010');
    expect(decodeValue('5A', fromHex('476173900101001F')).summary).toBe('476173900101001');
    expect(decodeValue('57', fromHex('4761739001010010D25122011234567890123F')).summary).toBe(
      'PAN 4761739001010010, expiry 12/25, service code 201, discretionary 1234567890123',
    );
    expect(decodeValue('57', fromHex('47617390')).summary).toMatch(/cannot decode/);
  });

  it('numeric codes with meanings', () => {
    expect(decodeValue('9C', fromHex('00')).summary).toBe('00 (goods and services)');
    expect(decodeValue('9C', fromHex('09')).summary).toBe('09 (goods and services with cashback)');
    expect(decodeValue('5F34', fromHex('01')).summary).toBe('01');
    expect(decodeValue('8A', ascii('Z3')).summary).toBe('Z3 (unable to go online, offline declined)');
  });

  it('AFL and DOL layouts', () => {
    expect(decodeValue('94', fromHex('08010100 10010301')).details).toEqual([
      'SFI 1: record 1',
      'SFI 2: records 1-3, 1 for offline data authentication',
    ]);
    expect(decodeValue('9F38', fromHex('9F02069F1D02')).details).toEqual([
      '9F02 (6 bytes) Amount, Authorised (Numeric)',
      '9F1D (2 bytes) Terminal Risk Management Data',
    ]);
  });

  it('CVM List amounts in the application currency', () => {
    const d = decodeValue('8E', fromHex('0000C350000000001F00'), values({ '9F42': '0978' }));
    expect(d.details![0]).toBe('amount X = 500.00 EUR, amount Y = 0.00 EUR');
  });

  it('never throws on malformed values', () => {
    expect(decodeValue('8E', fromHex('0000')).summary).toMatch(/cannot decode/);
    expect(decodeValue('94', fromHex('080101')).summary).toMatch(/cannot decode/);
    expect(decodeValue('9F38', fromHex('9F')).summary).toMatch(/cannot decode/);
  });
});

describe('formatTlvTree and tlvToJson', () => {
  const fci = decodeTlv('6F1A840E315041592E5359532E4444463031A5088801025F2D02656E');

  it('prints the PSE FCI with names, hex and decoded values', () => {
    expect(formatTlvTree(fci).split('\n')).toEqual([
      '6F FCI Template (26)',
      '  84 DF Name (14): 315041592E5359532E4444463031  -> 1PAY.SYS.DDF01',
      '  A5 FCI Proprietary Template (8)',
      '    88 SFI of the Directory Elementary File (1): 02  -> 2',
      '    5F2D Language Preference (2): 656E  -> en',
    ]);
  });

  it('explains bitmaps on the following indented lines', () => {
    const tree = formatTlvTree(decodeTlv(encodeTlv('77', [{ tag: '95', value: fromHex('0000008000') }])));
    expect(tree.split('\n')).toEqual([
      '77 Response Message Template Format 2 (7)',
      '  95 Terminal Verification Results (5): 0000008000',
      '      Transaction exceeds floor limit',
    ]);
  });

  it('uses the currency found anywhere in the structure for amounts', () => {
    const tree = formatTlvTree(decodeTlv('9F02060000000012345F2A020978'));
    expect(tree).toContain('9F02 Amount, Authorised (Numeric) (6): 000000001234  -> 12.34 EUR');
  });

  it('names proprietary DF tags', () => {
    expect(formatTlvTree(decodeTlv('DF7F0101'))).toBe('DF7F proprietary (DF private class) (1): 01');
  });

  it('produces the JSON shape of the CLI', () => {
    const json = tlvToJson(fci);
    expect(json[0]).toMatchObject({ tag: '6F', name: 'FCI Template', length: 26 });
    expect(json[0]!.value).toBe('840E315041592E5359532E4444463031A5088801025F2D02656E');
    expect(json[0]!.children![0]).toEqual({
      tag: '84',
      name: 'DF Name',
      length: 14,
      value: '315041592E5359532E4444463031',
      decoded: '1PAY.SYS.DDF01',
    });
    expect(json[0]!.children![1]!.children!.map((c) => c.tag)).toEqual(['88', '5F2D']);
    expect('children' in json[0]!.children![0]!).toBe(false);
  });
});
