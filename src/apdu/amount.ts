/**
 * The one amount parser for the command line and documents: a decimal string in MAJOR units
 * ("12.34", "150", "1.234") turned into an integer in MINOR units using the ISO 4217 exponent of
 * the currency (EUR 2, JPY 0, BHD 3). EMV carries amounts as n12 (Book 3 Annex A, 9F02/9F03:
 * 12 BCD digits of minor units), so an amount over 999,999,999,999 minor units cannot be sent.
 * Documents hold integers in minor units in fields named so (…Minor), or decimal strings parsed here.
 */
import { DocumentError } from './errors.js';
import { currencyByAlpha, currencyByNumeric, type CurrencyInfo } from './iso-codes.js';

/** The largest amount field n12 holds (Book 3 Annex A, 9F02). */
export const MAX_AMOUNT_MINOR = 999_999_999_999;

/** A currency by ISO 4217 alpha ("JPY") or numeric ("392", "0392") code; bad input names the field. */
export function currencyOf(code: string, field = '--currency'): CurrencyInfo & { exponent: number } {
  const info = /^\d{3,4}$/.test(code) ? currencyByNumeric(code) : currencyByAlpha(code);
  if (!info) throw new DocumentError(`'${code}' is not an ISO 4217 currency (e.g. EUR, 978, JPY)`, { field });
  if (info.exponent === undefined) throw new DocumentError(`${info.alpha} (${info.name}) has no minor unit: not a currency for payments`, { field });
  return info as CurrencyInfo & { exponent: number };
}

export interface AmountOptions {
  /** ISO 4217 exponent (digits after the decimal point); default 2. */
  exponent?: number;
  /** Where the value came from, for the message ("--amount", "scenario.yaml:12: transaction.amount"). */
  field?: string;
  /** Largest accepted amount in minor units (default n12's maximum). */
  maxMinor?: number;
  /** Whether zero is accepted (default true). */
  allowZero?: boolean;
  /** The currency's alpha code for messages. */
  currency?: string;
}

/** "12.34" in a currency of exponent 2 -> 1234; "150" JPY -> 150; "1.234" BHD -> 1234. */
export function parseAmount(text: string, o: AmountOptions = {}): number {
  const exponent = o.exponent ?? 2;
  const field = o.field ?? 'amount';
  const cur = o.currency ? ` ${o.currency}` : '';
  const t = text.trim();
  const m = /^(\d+)(?:\.(\d+))?$/.exec(t);
  if (!m) {
    const example = exponent === 0 ? '150' : `12.${'3456'.slice(0, exponent)}`;
    throw new DocumentError(`'${text}' is not a decimal amount in major units like ${example}${cur}`, { field });
  }
  const [, whole = '', frac = ''] = m;
  if (frac.length > exponent) {
    throw new DocumentError(`'${text}' has ${frac.length} decimals; the currency${cur} has ${exponent} (ISO 4217 minor unit)`, { field });
  }
  const max = o.maxMinor ?? MAX_AMOUNT_MINOR;
  const digits = (whole.replace(/^0+(?=\d)/, '') + frac.padEnd(exponent, '0')).replace(/^0+(?=\d)/, '');
  const minor = digits.length > 16 ? Number.POSITIVE_INFINITY : Number(digits);
  if (minor > max) {
    throw new DocumentError(`'${text}'${cur} is too large: the maximum is ${formatMinor(max, exponent)}${cur}`, { field });
  }
  if (minor === 0 && o.allowZero === false) throw new DocumentError(`'${text}' is zero; give a positive amount`, { field });
  return minor;
}

/** 1234 minor units, exponent 2 -> "12.34"; exponent 0 -> "1234". */
export function formatMinor(minor: number, exponent = 2): string {
  const sign = minor < 0 ? '-' : '';
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
  return exponent === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}
