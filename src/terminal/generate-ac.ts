/**
 * GENERATE AC for both the first and the second request (Book 3 §6.5.5 and
 * §9): build the CDOL data, send the command with the CDA flag when CDA is in
 * use, parse format 1 (80) or format 2 (77), and with CDA verify the signed
 * dynamic application data (Book 2 §6.6.2) to obtain the cryptogram.
 */
import { type Bytes, fromHex, toHex } from '../apdu/index.js';
import { EmvsimError } from '../apdu/index.js';
import { type Tlv, decodeTlv, findTag } from '../apdu/index.js';
import { recoverCdaSignature } from '../crypto/index.js';
import { apdu, sendCommand } from './card-io.js';
import type { CryptogramType, TransactionContext } from './context.js';
import { buildDol } from './dol-data.js';

export interface GenerateAcAnswer {
  cid: number;
  type: CryptogramType;
  /** The application cryptogram (from 9F26, or from the CDA signature). */
  ac: Bytes;
  atc: Bytes | undefined;
  iad: Bytes | undefined;
  /** CDA was requested and its signature verified; false when it failed; undefined when not requested. */
  cdaVerified: boolean | undefined;
  cdaFailure?: string;
}

export function cryptogramTypeOf(cid: number): CryptogramType | undefined {
  switch (cid & 0xc0) {
    case 0x00:
      return 'AAC';
    case 0x40:
      return 'TC';
    case 0x80:
      return 'ARQC';
    default:
      return undefined;
  }
}

const RANK: Record<CryptogramType, number> = { AAC: 0, ARQC: 1, TC: 2 };

/** Book 3 §6.5.5.4 / Table 12: the card may answer with the requested cryptogram or a lower one (AAC < ARQC < TC). */
export function allowedAnswer(requested: CryptogramType, answered: CryptogramType): boolean {
  return RANK[answered] <= RANK[requested];
}

export async function generateAc(
  ctx: TransactionContext,
  requested: CryptogramType,
  which: 'first' | 'second',
  requestCda: boolean,
): Promise<GenerateAcAnswer> {
  const cdolTag = which === 'first' ? '8C' : '8D';
  const cdol = ctx.tag(cdolTag);
  if (!cdol) ctx.terminate(`${which === 'first' ? 'CDOL1' : 'CDOL2'} missing`);
  const cdolData = buildDol(ctx, cdol, which === 'first' ? 'CDOL1' : 'CDOL2');
  if (which === 'first') ctx.cdol1Data = cdolData;
  const label = `GENERATE AC (${which}, ${requested}${requestCda ? ', CDA' : ''})`;
  const r = await sendCommand(ctx, apdu.generateAc(requested, requestCda, cdolData), label);
  if (r.sw !== 0x9000) ctx.terminate(`${label} answered ${toHex(Uint8Array.of(r.sw1, r.sw2))} (Book 3 §6.5.5.4)`);
  let list: Tlv[];
  try {
    list = decodeTlv(r.data);
  } catch (err) {
    if (err instanceof EmvsimError) ctx.terminate(`${label} response does not parse: ${err.message}`);
    throw err;
  }
  const top = list[0];
  let cid: number | undefined;
  let atc: Bytes | undefined;
  let ac: Bytes | undefined;
  let iad: Bytes | undefined;
  let sdad: Bytes | undefined;
  if (top?.tag === '80' && list.length === 1) {
    // Format 1: CID (1) ATC (2) AC (8) [IAD].
    if (top.value.length < 11) ctx.terminate(`${label}: format 1 response of ${top.value.length} bytes is too short`);
    cid = top.value[0]!;
    atc = top.value.slice(1, 3);
    ac = top.value.slice(3, 11);
    iad = top.value.length > 11 ? top.value.slice(11) : undefined;
  } else if (top?.tag === '77' && list.length === 1) {
    const kids = top.children ?? [];
    // A template carries each data object once: a second 9F4B (or 9F26, 9F27 ...) leaves the
    // terminal no single value to verify or hash (Book 2 §6.6.2 hashes "the data objects
    // returned", Book 3 §6.5.5.4 lists each once). As for redundant data in records (Book 3
    // §10.2), the transaction is terminated. That rule is public for records (openemv/emv-utils
    // src/emv.c: "Redundant primitive data objects are not permitted, See EMV 4.4 Book 3, 10.2");
    // applying it to the GENERATE AC template is emvsim's reading by analogy, not a quoted clause.
    const seen = new Set<string>();
    for (const k of kids) {
      if (seen.has(k.tag)) ctx.terminate(`${label}: ${k.tag} occurs more than once in the response template (Book 3 §6.5.5.4, §10.2)`);
      seen.add(k.tag);
    }
    cid = findTag(kids, '9F27')?.value[0];
    atc = findTag(kids, '9F36')?.value;
    ac = findTag(kids, '9F26')?.value;
    iad = findTag(kids, '9F10')?.value;
    sdad = findTag(kids, '9F4B')?.value;
  } else {
    ctx.terminate(`${label}: response is neither format 1 (80) nor format 2 (77)`);
  }
  if (cid === undefined || !atc || atc.length !== 2) ctx.terminate(`${label}: CID (9F27) or ATC (9F36) missing (Book 3 §6.5.5.4)`);
  const type = cryptogramTypeOf(cid);
  if (!type) ctx.terminate(`${label}: CID ${toHex(Uint8Array.of(cid))} names a reserved cryptogram type`);
  ctx.lastCardCryptogram = type;
  // Book 3 §6.5.5.4 / §9.3: the second GENERATE AC may only be answered with a TC or an AAC;
  // an ARQC there is an invalid card response and the transaction is terminated.
  if (which === 'second' && type === 'ARQC') ctx.terminate('card returned ARQC to the second GENERATE AC (Book 3 §6.5.5.4, §9.3)');
  if (!allowedAnswer(requested, type)) ctx.terminate(`${label}: card answered ${type} to a request for ${requested} (Book 3 §6.5.5.4)`);
  ctx.card.set('9F27', Uint8Array.of(cid));
  ctx.card.set('9F36', atc);
  if (iad) ctx.card.set('9F10', iad);
  let cdaVerified: boolean | undefined;
  let cdaFailure: string | undefined;
  if (requestCda && type !== 'AAC') {
    const verified = verifyCda(ctx, cid, sdad, r.data, cdolData, which);
    cdaVerified = verified.ok;
    if (verified.ok) ac = verified.ac;
    else cdaFailure = verified.why;
  } else if (requestCda && type === 'AAC' && sdad) {
    // An AAC may carry a signature too; check it when present, it does not change the decision.
    const verified = verifyCda(ctx, cid, sdad, r.data, cdolData, which);
    if (verified.ok) ac = verified.ac;
  }
  if (!ac || ac.length !== 8) {
    if (cdaVerified === false) ac = new Uint8Array(8);
    else ctx.terminate(`${label}: application cryptogram (9F26) missing`);
  }
  ctx.card.set('9F26', ac);
  return { cid, type, ac, atc, iad, cdaVerified, ...(cdaFailure ? { cdaFailure } : {}) };
}

function verifyCda(
  ctx: TransactionContext,
  cid: number,
  sdad: Bytes | undefined,
  response: Bytes,
  cdolData: Bytes,
  which: 'first' | 'second',
): { ok: true; ac: Bytes } | { ok: false; why: string } {
  if (!ctx.iccPublicKey) return { ok: false, why: 'no ICC public key' };
  if (!sdad) return { ok: false, why: 'signed dynamic application data (9F4B) missing from the response' };
  try {
    const r = recoverCdaSignature({
      iccPublicKey: ctx.iccPublicKey,
      signedDynamicData: sdad,
      unpredictableNumber: ctx.unpredictableNumber,
      cid,
      transactionData: {
        pdolData: ctx.pdolData,
        cdol1Data: which === 'first' ? cdolData : (ctx.cdol1Data ?? new Uint8Array(0)),
        ...(which === 'second' ? { cdol2Data: cdolData } : {}),
        responseTlvs: response,
      },
    });
    if (!r.ok || !r.fields.applicationCryptogram) return { ok: false, why: r.failures.join('; ') || 'no cryptogram recovered' };
    if (r.fields.iccDynamicNumber) ctx.card.set('9F4C', fromHex(r.fields.iccDynamicNumber));
    return { ok: true, ac: fromHex(r.fields.applicationCryptogram) };
  } catch (err) {
    if (err instanceof EmvsimError) return { ok: false, why: err.message };
    throw err;
  }
}


