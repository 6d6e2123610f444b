/**
 * Public-key recovery shared by offline data authentication (Book 3 §10.3)
 * and offline enciphered PIN (Book 2 §7.1, Book 3 §10.5.1): the issuer public
 * key from 90/92/9F32 under the CA public key named by RID and 8F (Book 2
 * §5.3 / §6.3), the static data to be authenticated (Book 2 §5.4 / §6.4) and
 * the ICC public key from 9F46/9F48/9F47 (Book 2 §6.4). Keys are cached on the
 * context, so a key ODA already recovered is reused, and one recovered for the
 * PIN is not recovered twice. The caller decides what a failure means (ODA
 * sets its TVR bit; the PIN step only finds the CVM unusable).
 */
import { type Bytes, toHex } from '../apdu/index.js';
import { EmvsimError } from '../apdu/index.js';
import { recoverIccCertificate } from '../crypto/index.js';
import { capkLastUseDate, capkWithdrawn, recoverIssuerCertificate } from '../crypto/index.js';
import { buildStaticDataToBeAuthenticated } from '../crypto/index.js';
import type { RsaPublicKey } from '../crypto/index.js';
import type { TransactionContext } from './context.js';
import { transactionDate } from './terminal-data.js';

export type KeyRecovery = { ok: true; key: RsaPublicKey; how: string } | { ok: false; why: string };

/** Static data to be authenticated from the ODA records read (Book 3 §10.3, Book 2 §5.4), or why it cannot be built. */
export function staticDataToAuthenticate(ctx: TransactionContext): Bytes | string {
  if (ctx.odaRecordInvalid) return 'a record for offline data authentication is not a 70 template (Book 3 §10.3)';
  try {
    const sdaTagList = ctx.tag('9F4A');
    const aip = ctx.tag('82');
    return buildStaticDataToBeAuthenticated(ctx.odaRecords, { ...(sdaTagList ? { sdaTagList } : {}), ...(aip ? { aip } : {}) });
  } catch (err) {
    if (err instanceof EmvsimError) return err.message;
    throw err;
  }
}

/** The issuer public key (Book 2 §5.3 / §6.3): ctx.issuerPublicKey when already recovered, else from 90 under the CAPK. */
export function recoverIssuerPublicKey(ctx: TransactionContext): KeyRecovery {
  if (ctx.issuerPublicKey) return { ok: true, key: ctx.issuerPublicKey, how: 'issuer public key already recovered' };
  const rid = (ctx.application?.aid ?? '').slice(0, 10);
  const index = ctx.tag('8F')?.[0];
  if (index === undefined) return { ok: false, why: 'CA public key index (8F) missing (Book 2 §5.2)' };
  const capkName = `${rid}/${toHex(Uint8Array.of(index))}`;
  const capk = ctx.env.capks.find(rid, index);
  if (!capk) return { ok: false, why: `no CA public key ${capkName} in the terminal (Book 2 §5.2)` };
  // Book 2 §11.2.3: a CA key past its expiry and the six-month withdrawal grace is no longer
  // used by the terminal; to the card this is a missing key (Book 2 §5.2, §6.2: ODA failed).
  if (capk.expiry !== undefined && capkWithdrawn(capk.expiry, transactionDate(ctx))) {
    return { ok: false, why: `CA public key ${capkName} expired ${capk.expiry}, withdrawn after ${capkLastUseDate(capk.expiry)} (Book 2 §11.2.3): treated as missing (Book 2 §5.2, §6.2)` };
  }
  const result = recoverIssuerCertificate({
    capk,
    certificate: ctx.tag('90'),
    remainder: ctx.tag('92'),
    exponent: ctx.tag('9F32'),
    pan: ctx.tag('5A'),
    transactionDate: transactionDate(ctx),
  });
  if (!result.ok || !result.issuerPublicKey) return { ok: false, why: `issuer public key certificate: ${result.failures.join('; ')}` };
  ctx.issuerPublicKey = result.issuerPublicKey;
  return { ok: true, key: result.issuerPublicKey, how: `issuer public key recovered with CAPK ${capkName} (Book 2 §5.3)` };
}

/**
 * The ICC public key (Book 2 §6.4): ctx.iccPublicKey when ODA recovered it, else
 * from 9F46 under the issuer public key; the certificate's hash covers the
 * static data to be authenticated, as in ODA.
 */
export function recoverIccPublicKey(ctx: TransactionContext, issuerPublicKey: RsaPublicKey, staticData: Bytes): KeyRecovery {
  if (ctx.iccPublicKey) return { ok: true, key: ctx.iccPublicKey, how: 'ICC public key already recovered' };
  const icc = recoverIccCertificate({
    issuerPublicKey,
    certificate: ctx.tag('9F46'),
    remainder: ctx.tag('9F48'),
    exponent: ctx.tag('9F47'),
    pan: ctx.tag('5A'),
    transactionDate: transactionDate(ctx),
    staticData,
  });
  if (!icc.ok || !icc.iccPublicKey) return { ok: false, why: `ICC public key certificate: ${icc.failures.join('; ')}` };
  ctx.iccPublicKey = icc.iccPublicKey;
  return { ok: true, key: icc.iccPublicKey, how: 'ICC public key recovered and static data authenticated (Book 2 §6.4)' };
}
