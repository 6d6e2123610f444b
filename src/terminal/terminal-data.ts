/**
 * The terminal's side of the data dictionary (Book 3 Annex A1, source
 * "Terminal"): what PDOL, CDOL1/2, DDOL and TDOL may ask for. Values are
 * derived from the configuration, the request and the transaction's state at
 * the moment a DOL is built, so TVR (95) and CVM results (9F34) are current.
 */
import { type Bytes, ascii, bcd, fromHex, hhmmss, uintBytes, yymmdd } from '../apdu/index.js';
import { buildDolData } from '../apdu/index.js';
import { sha1 } from '../crypto/index.js';
import type { TransactionContext } from './context.js';

const TRANSACTION_TYPE_CODE: Record<string, string> = { goods: '00', services: '00', cash: '01', cashback: '09' };

function padAnsi(text: string, length: number): Bytes {
  return ascii(text.padEnd(length, ' ').slice(0, length));
}

export function transactionDate(ctx: TransactionContext): string {
  return yymmdd(ctx.now);
}

export function transactionTime(ctx: TransactionContext): string {
  return hhmmss(ctx.now);
}

export function transactionTypeCode(ctx: TransactionContext): string {
  return TRANSACTION_TYPE_CODE[ctx.request.transactionType] ?? '00';
}

/** The terminal data element for `tag`, or undefined when the terminal has none. */
export function terminalData(ctx: TransactionContext, tag: string): Bytes | undefined {
  const c = ctx.env.config;
  const r = ctx.request;
  const app = ctx.application?.config;
  switch (tag) {
    case '9F02':
      return bcd(r.amountMinor, 6);
    case '9F03':
      return bcd(r.otherAmountMinor ?? 0, 6);
    case '81':
      return uintBytes(r.amountMinor, 4);
    case '9F04':
      return uintBytes(r.otherAmountMinor ?? 0, 4);
    case '9F1A':
      return bcd(c.countryCode, 2);
    case '5F2A':
      return bcd(ctx.currencyCode, 2);
    case '5F36':
      return bcd(c.currencyExponent, 1);
    case '95':
      return ctx.tvr.bytes.slice();
    case '9B':
      return ctx.tsi.bytes.slice();
    case '9F34':
      return ctx.cvmResults.slice();
    case '9A':
      return bcd(yymmdd(ctx.now), 3);
    case '9F21':
      return bcd(hhmmss(ctx.now), 3);
    case '9C':
      return bcd(transactionTypeCode(ctx), 1);
    case '9F37':
      return ctx.unpredictableNumber.slice();
    case '9F35':
      return Uint8Array.of(c.terminalType);
    case '9F33':
      return fromHex(c.capabilities);
    case '9F40':
      return fromHex(c.additionalCapabilities);
    case '9F1E':
      return padAnsi(c.ifdSerialNumber, 8);
    case '9F1C':
      return padAnsi(c.terminalId, 8);
    case '9F15':
      return bcd(c.merchant.categoryCode, 2);
    case '9F16':
      return padAnsi(c.merchant.id, 15);
    case '9F4E':
      return ascii(c.merchant.nameLocation);
    case '9F01':
      return bcd(c.acquirerId, 6);
    case '9F39':
      // POS entry mode: 05 integrated circuit card (ISO 8583 field 22 positions 1-2).
      return bcd(ctx.facts.entryMode === 'chip' ? '05' : ctx.facts.entryMode === 'fallback' ? '80' : '90', 1);
    case '9F09':
      return app ? fromHex(app.applicationVersion) : undefined;
    case '9F1B':
      return app ? uintBytes(app.floorLimitMinor, 4) : undefined;
    case '9F1D':
      // Terminal risk management data (Mastercard): no specific settings.
      return new Uint8Array(8);
    case '8A':
      return ctx.authorisationResponseCode ? ascii(ctx.authorisationResponseCode) : undefined;
    case '91':
      return ctx.issuerAuthenticationData;
    case '98':
      return tcHashValue(ctx);
    case '9F41':
      return bcd(1, 4);
    case '9F7C':
      return undefined;
    default:
      return undefined;
  }
}

/**
 * TC hash value (98): SHA-1 of the TDOL data, using the card's TDOL (97) or the
 * terminal's default TDOL, which sets "Default TDOL used" (Book 3 §5.1.3).
 */
function tcHashValue(ctx: TransactionContext): Bytes {
  let tdol = ctx.card.get('97');
  if (!tdol) {
    tdol = fromHex(ctx.application?.config.defaultTdol ?? '');
    if (tdol.length > 0) ctx.tvr.set('defaultTdolUsed');
  }
  return sha1(buildDolData(tdol, (tag) => (tag === '98' ? undefined : (terminalData(ctx, tag) ?? ctx.card.get(tag)))));
}
