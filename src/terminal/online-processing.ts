/**
 * Online processing, Book 3 §10.9: send the authorisation request with the ICC
 * data (ISO 8583 field 55) to the injected host; take the response code, the
 * issuer authentication data (91) and the issuer scripts. Issuer
 * authentication is done with EXTERNAL AUTHENTICATE when the AIP says so,
 * otherwise 91 travels in the second GENERATE AC's CDOL2 data. A host that
 * cannot be reached leaves the decision to the default action codes (§10.9,
 * completion.ts: Y3/Z3).
 */
import { type Bytes, fromCn, readUint, toHex } from '../apdu/index.js';
import { AIP, isBitSet } from '../apdu/index.js';
import { apdu, sendCommand } from './card-io.js';
import type { TransactionContext } from './context.js';
import { type AuthorisationRequest, type AuthorisationResponse, HostUnavailableError } from './host.js';
import { terminalData, transactionDate, transactionTime, transactionTypeCode } from './terminal-data.js';

/** Field 55 content (Book 4 §12.2 and scheme minimum data sets). */
const ICC_DATA_TAGS = [
  '9F26', '9F27', '9F10', '9F37', '9F36', '95', '9A', '9C', '9F02', '5F2A', '82', '9F1A', '9F34', '9F33', '9F35', '9F03',
  '84', '9F09', '9F1E', '5F34', '9F41', '9F6E', '9F7C',
];

export type OnlineResult = 'approved' | 'declined' | 'unable-to-go-online';

/** Approval response codes (ISO 8583 field 39): 00 approved, 08 honour with identification, 10 partial, 11 VIP. */
export function isApprovalCode(code: string): boolean {
  return ['00', '08', '10', '11'].includes(code);
}

export function buildAuthorisationRequest(ctx: TransactionContext): AuthorisationRequest {
  const iccData = new Map<string, Bytes>();
  for (const tag of ICC_DATA_TAGS) {
    const v = ctx.card.get(tag) ?? terminalData(ctx, tag);
    if (v) iccData.set(tag, v);
  }
  const cfg = ctx.env.config;
  const psn = ctx.tag('5F34');
  const track2 = ctx.tag('57');
  const expiry = ctx.tag('5F24');
  const stan = ctx.env.stan?.() ?? String(readUint(ctx.unpredictableNumber) % 1_000_000).padStart(6, '0');
  return {
    kind: 'authorisation',
    pan: fromCn(ctx.tag('5A') ?? new Uint8Array(0)),
    ...(psn ? { panSequenceNumber: toHex(psn) } : {}),
    ...(expiry ? { expiry: toHex(expiry) } : {}),
    ...(track2 ? { track2: toHex(track2) } : {}),
    amountMinor: ctx.request.amountMinor,
    ...(ctx.request.otherAmountMinor ? { otherAmountMinor: ctx.request.otherAmountMinor } : {}),
    currency: ctx.currencyCode,
    date: transactionDate(ctx),
    time: transactionTime(ctx),
    transactionType: transactionTypeCode(ctx),
    posEntryMode: ctx.facts.entryMode === 'chip' ? '051' : ctx.facts.entryMode === 'fallback' ? '801' : '021',
    terminalId: cfg.terminalId,
    merchantId: cfg.merchant.id,
    merchantCategoryCode: cfg.merchant.categoryCode,
    terminalCountry: cfg.countryCode,
    merchantNameLocation: cfg.merchant.nameLocation,
    stan,
    iccData,
    // Book 4 §6.3.4.2: only the block the PIN pad enciphered under its PIN key travels (field 52, format in 53).
    ...(ctx.onlinePinBlock ? { pinBlock: { format: ctx.onlinePinBlock.format, block: ctx.onlinePinBlock.block } } : {}),
  };
}

async function externalAuthenticate(ctx: TransactionContext, data: Bytes): Promise<void> {
  const r = await sendCommand(ctx, apdu.externalAuthenticate(data), 'EXTERNAL AUTHENTICATE');
  ctx.tsi.set('issuerAuthenticationPerformed');
  if (r.sw === 0x9000) {
    ctx.facts.issuerAuthentication = 'success';
    ctx.decide('EXTERNAL AUTHENTICATE: issuer authenticated (ARPC verified by the card)');
  } else {
    ctx.facts.issuerAuthentication = 'failed';
    ctx.setTvr('issuerAuthenticationFailed', `EXTERNAL AUTHENTICATE answered ${toHex(Uint8Array.of(r.sw1, r.sw2))}`);
  }
}

export async function onlineProcessing(ctx: TransactionContext): Promise<OnlineResult> {
  ctx.facts.wentOnline = true;
  const request = buildAuthorisationRequest(ctx);
  ctx.facts.fullChipDataSent = request.iccData.has('9F26') && request.iccData.has('9F10') && request.iccData.has('95');
  let response: AuthorisationResponse;
  try {
    response = await ctx.env.host.authorise(request);
  } catch (err) {
    const why = err instanceof HostUnavailableError ? err.message : `host error: ${err instanceof Error ? err.message : String(err)}`;
    ctx.decide(`unable to go online (${why}): default action analysis decides (Book 3 §10.9)`);
    return 'unable-to-go-online';
  }
  ctx.facts.hostReached = true;
  const code = /^[0-9A-Z]{2}$/.test(response.responseCode) ? response.responseCode : '96';
  ctx.facts.hostResponseCode = code;
  ctx.authorisationResponseCode = code;
  ctx.issuerScripts = response.issuerScripts ?? [];
  ctx.decide(
    `host answered ${code}${response.message ? ` (${response.message})` : ''}${response.decidedBy ? ` by rule ${response.decidedBy}` : ''}${response.authorisationCode ? `, authorisation code ${response.authorisationCode}` : ''}`,
  );
  const iad = response.issuerAuthenticationData;
  if (iad && iad.length >= 8 && iad.length <= 16) {
    ctx.issuerAuthenticationData = iad;
    const aip = ctx.tag('82') ?? new Uint8Array(2);
    if (isBitSet(aip, AIP.issuerAuthenticationSupported)) await externalAuthenticate(ctx, iad);
    else ctx.decide('issuer authentication data (91) goes to the card in the second GENERATE AC (AIP: no EXTERNAL AUTHENTICATE)');
  } else if (iad) {
    ctx.decide(`issuer authentication data of ${iad.length} bytes ignored (8 to 16 expected)`);
  }
  return isApprovalCode(code) ? 'approved' : 'declined';
}
