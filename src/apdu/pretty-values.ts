/**
 * Value decoders for the pretty-printer, one per EMV data format or layout:
 * numeric amounts and dates (Book 3 §4.3 format n), compressed numeric PANs,
 * text, currency and country codes (ISO 4217 / ISO 3166-1), Track 2
 * Equivalent Data (Annex A1 '57'), AFL (§10.2), DOLs (§5.4), Application
 * Priority Indicator (Table 48). Each returns a one-line summary or throws a
 * RangeError/TlvError that the caller reports next to the hex.
 */
import { fromCn, readUint, toAscii, toHex } from './bytes.js';
import { TlvError } from './errors.js';
import { countryByNumeric, currencyByNumeric } from './iso-codes.js';
import { parseDol } from './dol.js';
import { readTag } from './tlv.js';
import { tagName } from './tags.js';
import { isTrack2Problem, splitTrack2 } from './track2.js';

/** Digits of a format n value; a nibble above 9 is a RangeError. */
export function numericDigits(value: Uint8Array): string {
  const hex = toHex(value);
  const bad = /[A-F]/.exec(hex);
  if (bad) throw new RangeError(`nibble ${bad[0]} at digit ${bad.index + 1} is not a decimal digit`);
  return hex;
}

/** "000000001234" -> "1234"; all zeroes -> "0". */
function stripZeros(digits: string): string {
  return digits.replace(/^0+(?=\d)/, '');
}

/** Formats an integer amount in minor units: 1234 with exponent 2 -> "12.34". */
export function formatMinorUnits(units: bigint, exponent: number): string {
  if (exponent <= 0) return units.toString();
  const s = units.toString().padStart(exponent + 1, '0');
  return `${s.slice(0, -exponent)}.${s.slice(-exponent)}`;
}

/** Currency to show an amount in: ISO 4217 numeric code and exponent. */
export interface AmountCurrency {
  /** Numeric code digits, e.g. "978" (from 5F2A, 9F42 or 9F3C). */
  code?: string | undefined;
  /** Exponent from 5F36 / 9F44 / 9F3D; defaults to the ISO 4217 minor unit. */
  exponent?: number | undefined;
}

/**
 * An amount as "12.34 EUR" when the currency is known, otherwise the plain
 * number of minor units ("1234"), since the decimal point is unknown.
 */
export function formatAmount(units: bigint, currency: AmountCurrency = {}): string {
  const iso = currency.code !== undefined ? currencyByNumeric(currency.code) : undefined;
  const exponent = currency.exponent ?? iso?.exponent;
  if (!iso) return currency.exponent !== undefined ? formatMinorUnits(units, currency.exponent) : units.toString();
  return `${formatMinorUnits(units, exponent ?? 0)} ${iso.alpha}`;
}

/** Numeric amount (n12, e.g. 9F02) in minor units. */
export function numericAmount(value: Uint8Array, currency?: AmountCurrency): string {
  return formatAmount(BigInt(stripZeros(numericDigits(value)) || '0'), currency);
}

/** Binary amount (b4, e.g. 81, 9F04, 9F1B) in minor units. */
export function binaryAmount(value: Uint8Array, currency?: AmountCurrency): string {
  if (value.length > 6) throw new RangeError(`binary amount of ${value.length} bytes`);
  return formatAmount(BigInt(readUint(value)), currency);
}

/**
 * YYMMDD (n6) to an ISO date. Book 4 §6.7.3: YY 00..49 is 20YY, 50..99 19YY.
 * Month and day are checked against the calendar.
 */
export function isoDate(value: Uint8Array): string {
  const d = numericDigits(value);
  if (d.length !== 6) throw new RangeError(`date of ${value.length} bytes, expected 3 (YYMMDD)`);
  const yy = Number(d.slice(0, 2));
  const year = yy < 50 ? 2000 + yy : 1900 + yy;
  const month = Number(d.slice(2, 4));
  const day = Number(d.slice(4, 6));
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) throw new RangeError(`${d} is not a calendar date (YYMMDD)`);
  return `${year}-${d.slice(2, 4)}-${d.slice(4, 6)}`;
}

/** HHMMSS (n6, 9F21) to "HH:MM:SS". */
export function isoTime(value: Uint8Array): string {
  const d = numericDigits(value);
  if (d.length !== 6) throw new RangeError(`time of ${value.length} bytes, expected 3 (HHMMSS)`);
  if (Number(d.slice(0, 2)) > 23 || Number(d.slice(2, 4)) > 59 || Number(d.slice(4, 6)) > 59) {
    throw new RangeError(`${d} is not a time of day (HHMMSS)`);
  }
  return `${d.slice(0, 2)}:${d.slice(2, 4)}:${d.slice(4, 6)}`;
}

/** ISO 4217 numeric code (n3 in 2 bytes) -> "978 EUR (Euro)"; several for 9F3B. */
export function currencyCodes(value: Uint8Array): string {
  const digits = numericDigits(value);
  const codes = digits.match(/.{1,4}/g) ?? [];
  return codes
    .map((c) => {
      const cur = currencyByNumeric(c);
      return cur ? `${cur.alpha} (${c.slice(-3)} ${cur.name})` : `${c.slice(-3)} (unknown currency)`;
    })
    .join(', ');
}

/** ISO 3166-1 numeric code (n3 in 2 bytes) -> "DE / DEU (Germany)". */
export function countryCode(value: Uint8Array): string {
  const digits = numericDigits(value);
  const country = countryByNumeric(digits);
  return country ? `${country.alpha2} / ${country.alpha3} (${country.name})` : `${digits.slice(-3)} (unknown country)`;
}

/** Text of an a/an/ans value (ISO 8859 common character set; others shown as '.'). */
export function text(value: Uint8Array): string {
  return toAscii(value);
}

/** True when every byte is printable ASCII (a DF name such as "1PAY.SYS.DDF01"). */
export function isPrintable(value: Uint8Array): boolean {
  return value.length > 0 && value.every((b) => b >= 0x20 && b < 0x7f);
}

/** Language Preference '5F2D': 1-4 ISO 639-1 codes of 2 letters, by preference. */
export function languages(value: Uint8Array): string {
  const s = toAscii(value);
  return (s.match(/.{1,2}/g) ?? []).join(', ');
}

/** Digits of a cn value ('5A' PAN), stopping at the first 'F' pad nibble. */
export function compressedNumeric(value: Uint8Array): string {
  const digits = fromCn(value);
  if (/[A-F]/.test(digits)) throw new RangeError(`cn value ${toHex(value)} has a non-digit before the F padding`);
  return digits;
}

/** Track 2 Equivalent Data '57' / '9F6B' (Book 3 Annex A): the track 2 fields, 'D' separator, 'F' pad. */
export function track2Summary(value: Uint8Array): string {
  const t = splitTrack2(toHex(value));
  if (isTrack2Problem(t)) throw new RangeError(`${t.error} (digit ${t.offset + 1})`);
  return `PAN ${t.pan}, expiry ${t.expiry.slice(2)}/${t.expiry.slice(0, 2)}, service code ${t.serviceCode}${t.discretionary ? `, discretionary ${t.discretionary}` : ''}`;
}

/**
 * Application File Locator '94' (Book 3 §10.2): 4-byte entries of SFI (b8-b4 of
 * byte 1), first record, last record, number of records for offline data
 * authentication.
 */
export function aflEntries(value: Uint8Array): string[] {
  if (value.length % 4 !== 0) throw new TlvError(`AFL length ${value.length} is not a multiple of 4`, value.length - (value.length % 4));
  const out: string[] = [];
  for (let i = 0; i < value.length; i += 4) {
    const sfi = value[i]! >> 3;
    const [first, last, oda] = [value[i + 1]!, value[i + 2]!, value[i + 3]!];
    const records = first === last ? `record ${first}` : `records ${first}-${last}`;
    out.push(`SFI ${sfi}: ${records}${oda ? `, ${oda} for offline data authentication` : ''}`);
  }
  return out;
}

/** A DOL as one line per entry: "9F02 (6 bytes) Amount, Authorised (Numeric)". */
export function dolEntries(value: Uint8Array): string[] {
  return parseDol(value).map((e) => `${e.tag} (${e.length} byte${e.length === 1 ? '' : 's'}) ${tagName(e.tag)}`);
}

/** A tag list (9F4A, 5C): one tag name per entry. */
export function tagList(value: Uint8Array): string[] {
  const out: string[] = [];
  for (let pos = 0; pos < value.length; ) {
    const { tag, size } = readTag(value, pos);
    out.push(`${tag} ${tagName(tag)}`);
    pos += size;
  }
  return out;
}

/** Application Priority Indicator '87' (Book 1 §12.2.3 Table 48). */
export function applicationPriority(value: Uint8Array): string {
  const b = value[0] ?? 0;
  const priority = b & 0x0f;
  const confirm = b & 0x80 ? 'cardholder confirmation required' : 'may be selected without confirmation';
  return `${priority === 0 ? 'no priority assigned' : `priority ${priority}`}, ${confirm}`;
}
