/**
 * Currency conversion for the issuer's books. An account is kept in one
 * currency; a transaction in another (field 49) is converted into it, as the
 * network does for cardholder billing (ISO 8583:1987 field 6 "amount,
 * cardholder billing" and field 10 "conversion rate, cardholder billing").
 * The rates below are fixed TEST ONLY reference rates, so every run books the
 * same amounts; a transaction in a currency not in the table is declined 12
 * (invalid transaction) rather than booked at a wrong value.
 *
 * Arithmetic is exact (BigInt, rates in micro-EUR per major unit), rounded half
 * up to the account currency's minor unit (ISO 4217 exponent).
 */
import { currencyDigits } from './request-identity.js';

interface CurrencyInfo {
  /** ISO 4217 alphabetic code (messages only). */
  code: string;
  /** ISO 4217 minor unit exponent. */
  exponent: number;
  /** TEST ONLY reference rate: micro-EUR per major unit. */
  microEur: bigint;
}

/** ISO 4217 numeric code -> exponent and TEST ONLY rate. */
export const TEST_RATES: ReadonlyMap<string, CurrencyInfo> = new Map([
  ['978', { code: 'EUR', exponent: 2, microEur: 1_000_000n }],
  ['840', { code: 'USD', exponent: 2, microEur: 920_000n }],
  ['826', { code: 'GBP', exponent: 2, microEur: 1_170_000n }],
  ['756', { code: 'CHF', exponent: 2, microEur: 1_040_000n }],
  ['392', { code: 'JPY', exponent: 0, microEur: 6_200n }],
]);

/** `amountMinor` of currency `from` in minor units of `to`; undefined when either currency has no rate. */
export function convertAmount(amountMinor: number, from: string, to: string): number | undefined {
  const f = currencyDigits(from);
  const t = currencyDigits(to);
  if (f === t) return amountMinor;
  const a = TEST_RATES.get(f);
  const b = TEST_RATES.get(t);
  if (!a || !b) return undefined;
  const numerator = BigInt(amountMinor) * a.microEur * 10n ** BigInt(b.exponent);
  const denominator = b.microEur * 10n ** BigInt(a.exponent);
  return Number((2n * numerator + denominator) / (2n * denominator));
}
