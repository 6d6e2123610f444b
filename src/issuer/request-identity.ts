/**
 * What identifies a request and what it asks for.
 *
 * A retransmission (ISO 8583:1987 repeat MTIs 0101/0201/0401, or the same MTI
 * sent again after a timeout) carries the same message class, terminal, STAN,
 * RRN and date: `idempotencyKey`. A terminal may, however, reuse a STAN (its
 * counter wrapped, or a faulty terminal), so the key alone cannot tell a
 * retransmission from a new transaction. `requestDigest` covers what the
 * request asks the issuer to do: PAN, amount (field 4 and the cashback of
 * field 54), currency (field 49) and the cryptogram (9F26) with its ATC
 * (9F36). Same key and same digest: the stored answer; same key and another
 * digest: 94 "duplicate transmission" (ISO 8583:1987 field 39), nothing posted.
 */
import { createHash } from 'node:crypto';
import { toHex } from '../apdu/index.js';
import type { AuthorisationRequest } from '../terminal/index.js';

/** A request as the host sees it: the terminal's request plus what only ISO 8583 field 90 carries. */
export interface IssuerRequest extends AuthorisationRequest {
  /** For reversals: the original's date MMDD from field 90 (original data elements), when given. */
  originalDate?: string;
}

/** Retransmissions share this key: message class, terminal, STAN, RRN and transaction date. */
export function idempotencyKey(request: AuthorisationRequest): string {
  return [request.kind, request.terminalId, request.stan, request.rrn ?? '', request.date].join('|');
}

/** ISO 4217 numeric currency as three digits ('0978' from 5F2A -> '978'). */
export function currencyDigits(code: string): string {
  return code.replace(/\D/g, '').slice(-3).padStart(3, '0');
}

/** SHA-256 (hex) over PAN, amount, cashback, currency, ARQC (9F26) and ATC (9F36). */
export function requestDigest(request: AuthorisationRequest): string {
  const icc = (tag: string) => {
    const v = request.iccData.get(tag);
    return v ? toHex(v) : '';
  };
  const parts = [request.pan, String(request.amountMinor), String(request.otherAmountMinor ?? 0), currencyDigits(request.currency), icc('9F26'), icc('9F36')];
  return createHash('sha256').update(parts.join('|')).digest('hex');
}

/** The transaction date as ISO 8583 field 13 carries it (MMDD). */
export function traceDate(request: AuthorisationRequest): string {
  return request.date.slice(2, 6);
}

/** The original a reversal names: STAN and date from field 90, else its own field 11 and 13. */
export function originalOf(request: IssuerRequest): { stan: string; date: string } {
  return { stan: request.originalStan ?? request.stan, date: request.originalDate ?? traceDate(request) };
}
