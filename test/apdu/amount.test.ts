/** The one amount parser (src/apdu/amount.ts): ISO 4217 exponents, n12 limit, and the current currency table. */
import { describe, expect, it } from 'vitest';
import { currencyOf, formatMinor, MAX_AMOUNT_MINOR, parseAmount } from '../../src/apdu/amount.js';
import { DocumentError } from '../../src/apdu/errors.js';
import { countryByAlpha, countryByNumeric, currencyByAlpha, currencyByNumeric } from '../../src/apdu/iso-codes.js';

describe('parseAmount', () => {
  it('uses the ISO 4217 exponent of the currency', () => {
    expect(parseAmount('12.34', { exponent: currencyOf('EUR').exponent })).toBe(1234);
    expect(parseAmount('150', { exponent: currencyOf('JPY').exponent })).toBe(150);
    expect(parseAmount('1.234', { exponent: currencyOf('BHD').exponent })).toBe(1234);
    expect(parseAmount('1.2', { exponent: currencyOf('BHD').exponent })).toBe(1200);
    expect(parseAmount('12', { exponent: currencyOf('978').exponent })).toBe(1200);
    expect(parseAmount('0.01')).toBe(1);
  });
  it('refuses more decimals than the currency has, naming the field', () => {
    expect(() => parseAmount('150.5', { exponent: 0, currency: 'JPY', field: '--amount' })).toThrow(/--amount: '150.5' has 1 decimals; the currency JPY has 0/);
    expect(() => parseAmount('1.234', { exponent: 2 })).toThrow(DocumentError);
  });
  it('refuses what is not a decimal in major units', () => {
    for (const bad of ['12,34', '-5', '1e3', '', ' ', '.5', '5.', '0x10', '12.34.5']) expect(() => parseAmount(bad), bad).toThrow(/not a decimal amount/);
  });
  it('names a too-large amount as such (n12: 999,999,999,999 minor units, Book 3 Annex A)', () => {
    expect(parseAmount('9999999999.99')).toBe(MAX_AMOUNT_MINOR);
    expect(() => parseAmount('10000000000')).toThrow(/too large: the maximum is 9999999999.99/);
    expect(() => parseAmount('99999999999999999999999')).toThrow(/too large/);
    expect(() => parseAmount('10000', { maxMinor: 999_999, currency: 'EUR' })).toThrow(/'10000' EUR is too large: the maximum is 9999.99 EUR/);
  });
  it('refuses zero when asked to', () => {
    expect(parseAmount('0')).toBe(0);
    expect(() => parseAmount('0.00', { allowZero: false })).toThrow(/is zero/);
  });
  it('formats minor units back exactly', () => {
    expect(formatMinor(1234)).toBe('12.34');
    expect(formatMinor(150, 0)).toBe('150');
    expect(formatMinor(1234, 3)).toBe('1.234');
    expect(formatMinor(5, 2)).toBe('0.05');
    expect(formatMinor(MAX_AMOUNT_MINOR)).toBe('9999999999.99');
  });
});

describe('currencyOf', () => {
  it('takes alpha or numeric codes and refuses unknown ones and codes without a minor unit', () => {
    expect(currencyOf('jpy').numeric).toBe('392');
    expect(currencyOf('0978').alpha).toBe('EUR');
    expect(() => currencyOf('XYZ')).toThrow(/not an ISO 4217 currency/);
    expect(() => currencyOf('XAU')).toThrow(/no minor unit/);
  });
});

describe('ISO 4217 table: recent amendments pinned', () => {
  it('924 ZWG Zimbabwe Gold (from 2024-06-25), 932 ZWL marked withdrawn', () => {
    expect(currencyByNumeric('0924')).toMatchObject({ alpha: 'ZWG', exponent: 2, name: 'Zimbabwe Gold' });
    expect(currencyByAlpha('ZWG')?.numeric).toBe('924');
    expect(currencyByNumeric('932')?.name).toMatch(/withdrawn 2024/);
  });
  it('532 is XCG Caribbean Guilder (from 2025-03-31, replacing ANG)', () => {
    expect(currencyByNumeric('532')).toMatchObject({ alpha: 'XCG', exponent: 2 });
  });
  it('HRK and BGN are marked withdrawn (euro adoption 2023 and 2026); 925 SLE and 926 VED are present', () => {
    expect(currencyByAlpha('HRK')?.name).toMatch(/withdrawn 2023/);
    expect(currencyByAlpha('BGN')?.name).toMatch(/withdrawn 2026/);
    expect(currencyByNumeric('925')?.alpha).toBe('SLE');
    expect(currencyByNumeric('926')?.alpha).toBe('VED');
  });
});

describe('ISO 3166-1 table: recent changes pinned', () => {
  it('792 Türkiye (2022), 748 Eswatini (2018), 807 North Macedonia (2019)', () => {
    expect(countryByNumeric('0792')).toMatchObject({ alpha2: 'TR', name: 'Türkiye' });
    expect(countryByNumeric('748')).toMatchObject({ alpha2: 'SZ', name: 'Eswatini' });
    expect(countryByAlpha('MKD')).toMatchObject({ numeric: '807', name: 'North Macedonia' });
  });
});
