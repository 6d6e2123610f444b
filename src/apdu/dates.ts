/**
 * EMV dates and times as the kernel sends them: Transaction Date '9A' (n 6, YYMMDD) and Transaction Time
 * '9F21' (n 6, HHMMSS), Book 3 Annex A; in UTC, from the injected clock. The one formatter for the
 * kernel, the contactless inspector and the issuer host (ISO 8583 dates are read against it).
 */

const two = (n: number) => String(n).padStart(2, '0');

/** YYMMDD of `d` in UTC ('9A'). */
export function yymmdd(d: Date): string {
  return two(d.getUTCFullYear() % 100) + two(d.getUTCMonth() + 1) + two(d.getUTCDate());
}

/** HHMMSS of `d` in UTC ('9F21'). */
export function hhmmss(d: Date): string {
  return two(d.getUTCHours()) + two(d.getUTCMinutes()) + two(d.getUTCSeconds());
}
