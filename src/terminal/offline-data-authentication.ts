/**
 * Offline data authentication, Book 3 §10.3 with the checks of Book 2 §5-§6
 * (done by src/crypto/oda). The method is the strongest both sides support:
 * CDA over DDA over SDA, from the AIP (82) and the terminal capabilities
 * (9F33 byte 3). CDA's signature is checked later, on the GENERATE AC answer
 * (card-action-analysis.ts); here the certificates are recovered.
 */
import { type Bytes, fromHex, toHex } from '../apdu/index.js';
import { AIP, isBitSet } from '../apdu/index.js';
import { EmvsimError } from '../apdu/index.js';
import { decodeTlv, findTag } from '../apdu/index.js';
import { recoverDdaSignature } from '../crypto/index.js';
import { recoverSignedStaticData } from '../crypto/index.js';
import type { RsaPublicKey } from '../crypto/index.js';
import { apdu, sendCommand } from './card-io.js';
import { hasCapability } from './config.js';
import type { TransactionContext } from './context.js';
import { buildDol } from './dol-data.js';
import { recoverIccPublicKey, recoverIssuerPublicKey, staticDataToAuthenticate } from './oda-keys.js';
import type { TvrBit } from './tvr.js';

export type OdaMethod = 'CDA' | 'DDA' | 'SDA' | 'none';

/** Book 3 §10.3: CDA if both support it, else DDA, else SDA. */
export function chooseOdaMethod(aip: Bytes, capabilities: Bytes): OdaMethod {
  if (isBitSet(aip, AIP.cdaSupported) && hasCapability(capabilities, 'cda')) return 'CDA';
  if (isBitSet(aip, AIP.ddaSupported) && hasCapability(capabilities, 'dda')) return 'DDA';
  if (isBitSet(aip, AIP.sdaSupported) && hasCapability(capabilities, 'sda')) return 'SDA';
  return 'none';
}

const FAILED_BIT: Record<Exclude<OdaMethod, 'none'>, TvrBit> = { SDA: 'sdaFailed', DDA: 'ddaFailed', CDA: 'cdaFailed' };

/** Data elements each method needs (Book 3 §10.3, Book 2 §5.1 / §6.1). */
const REQUIRED: Record<Exclude<OdaMethod, 'none'>, string[]> = {
  SDA: ['8F', '90', '9F32', '93'],
  DDA: ['8F', '90', '9F32', '9F46', '9F47'],
  CDA: ['8F', '90', '9F32', '9F46', '9F47'],
};

function fail(ctx: TransactionContext, method: Exclude<OdaMethod, 'none'>, why: string): void {
  ctx.tvr.set(FAILED_BIT[method]);
  ctx.facts.odaResult = 'failed';
  ctx.decide(`${method} failed: ${why}`, [FAILED_BIT[method]]);
}

/** Recovers the issuer public key (Book 2 §5.3 / §6.3); a failure fails the method. */
function issuerKey(ctx: TransactionContext, method: Exclude<OdaMethod, 'none'>): RsaPublicKey | undefined {
  const r = recoverIssuerPublicKey(ctx);
  if (!r.ok) {
    fail(ctx, method, r.why);
    return undefined;
  }
  ctx.decide(r.how);
  return r.key;
}

export async function offlineDataAuthentication(ctx: TransactionContext): Promise<OdaMethod> {
  const aip = ctx.tag('82') ?? new Uint8Array(2);
  const method = chooseOdaMethod(aip, fromHex(ctx.env.config.capabilities));
  ctx.facts.odaMethod = method;
  if (method === 'none') {
    ctx.setTvr('offlineDataAuthenticationNotPerformed', 'neither CDA, DDA nor SDA is supported by both card (AIP) and terminal');
    return method;
  }
  ctx.decide(`${method} chosen: strongest method in both the AIP ${toHex(aip)} and the terminal capabilities (Book 3 §10.3)`);
  if (method === 'SDA') ctx.tvr.set('sdaSelected');
  ctx.tsi.set('offlineDataAuthenticationPerformed');
  const missing = REQUIRED[method].filter((t) => !ctx.card.has(t));
  if (missing.length > 0) {
    ctx.tvr.set('iccDataMissing');
    fail(ctx, method, `ICC data missing: ${missing.join(', ')}`);
    return method;
  }
  const sd = staticDataToAuthenticate(ctx);
  if (typeof sd === 'string') {
    fail(ctx, method, sd);
    return method;
  }
  const issuerPublicKey = issuerKey(ctx, method);
  if (!issuerPublicKey) return method;

  if (method === 'SDA') {
    const r = recoverSignedStaticData({ issuerPublicKey, signedStaticData: ctx.tag('93'), staticData: sd });
    if (!r.ok) {
      fail(ctx, method, `signed static application data: ${r.failures.join('; ')}`);
      return method;
    }
    if (r.fields.dac) ctx.card.set('9F45', fromHex(r.fields.dac));
    ctx.facts.odaResult = 'success';
    ctx.decide(`SDA succeeded: signed static application data verified, data authentication code ${r.fields.dac} (Book 2 §5.4)`);
    return method;
  }

  const icc = recoverIccPublicKey(ctx, issuerPublicKey, sd);
  if (!icc.ok) {
    fail(ctx, method, icc.why);
    return method;
  }
  ctx.decide(icc.how);
  if (method === 'CDA') {
    // Book 3 §10.3: the CDA signature is verified on the GENERATE AC response.
    ctx.decide('CDA signature will be verified on the GENERATE AC response (Book 2 §6.6)');
    return method;
  }
  await dynamicSignature(ctx, icc.key);
  return method;
}

/** DDA: INTERNAL AUTHENTICATE with the DDOL and the signature check (Book 2 §6.5). */
async function dynamicSignature(ctx: TransactionContext, iccPublicKey: RsaPublicKey): Promise<void> {
  let ddol = ctx.tag('9F49');
  if (!ddol) {
    const fallback = ctx.application?.config.defaultDdol ?? '';
    // Book 3 §10.3: no DDOL on the card and no UN in the default DDOL: DDA fails.
    if (!fallback.toUpperCase().includes('9F37')) {
      fail(ctx, 'DDA', 'the card has no DDOL and the default DDOL does not contain the unpredictable number (9F37)');
      return;
    }
    ddol = fromHex(fallback);
    ctx.decide(`card has no DDOL: default DDOL ${fallback} used`);
  }
  const ddolData = buildDol(ctx, ddol, 'DDOL');
  const r = await sendCommand(ctx, apdu.internalAuthenticate(ddolData), 'INTERNAL AUTHENTICATE');
  if (r.sw !== 0x9000) {
    fail(ctx, 'DDA', `INTERNAL AUTHENTICATE answered ${toHex(Uint8Array.of(r.sw1, r.sw2))}`);
    return;
  }
  let sdad: Bytes | undefined;
  try {
    const list = decodeTlv(r.data);
    if (list[0]?.tag === '80') sdad = list[0].value;
    else if (list[0]?.tag === '77') sdad = findTag(list, '9F4B')?.value;
  } catch (err) {
    if (!(err instanceof EmvsimError)) throw err;
  }
  if (!sdad) {
    fail(ctx, 'DDA', 'INTERNAL AUTHENTICATE response has no signed dynamic application data');
    return;
  }
  const v = recoverDdaSignature({ iccPublicKey, signedDynamicData: sdad, ddolData });
  if (!v.ok) {
    fail(ctx, 'DDA', `signed dynamic application data: ${v.failures.join('; ')}`);
    return;
  }
  if (v.fields.iccDynamicNumber) ctx.card.set('9F4C', fromHex(v.fields.iccDynamicNumber));
  ctx.facts.odaResult = 'success';
  ctx.decide('DDA succeeded: signed dynamic application data verified (Book 2 §6.5)');
}
