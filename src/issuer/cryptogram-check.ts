/**
 * The issuer's side of EMV online card authentication (Book 2 §8): derive the
 * ICC master key from the issuer master key (A1.4), the AC session key from the
 * ATC (A1.3), rebuild the ARQC input from field 55 in the card's data order,
 * verify the ARQC, and produce the ARPC (method 1 with the ARC, or method 2
 * with the CSU). All cryptography is src/crypto's; this module only composes.
 */
import { type Bytes, concat, fromHex, isBitSet, MCHIP_CVR, readUint, toHex, VISA_CVR } from '../apdu/index.js';
import { parseDol } from '../apdu/index.js';
import {
  arpcMethod1,
  arpcMethod2,
  deriveCommonSessionKey,
  deriveIccMasterKey,
  deriveMastercardSessionKey,
  issuerAuthenticationDataMethod1,
  issuerAuthenticationDataMethod2,
  verifyApplicationCryptogram,
} from '../crypto/index.js';
import type { CardCryptogramSettings, IssuerKeys } from './db/records.js';

/** The default ARQC input: the Book 2 §8.1.1 Table 26 minimum data set (CDOL1 order of the recommended list). */
export const DEFAULT_AC_DATA = '9F02 9F03 9F1A 95 5F2A 9A 9C 9F37 82 9F36';

/**
 * The AC input of the emulated card (docs/card.md): CDOL1 data || AIP || ATC || IAD for the VIS/CCD
 * layout; for the M/Chip layout the minimum data set || AIP || ATC || CVR (9F10 bytes 3-8), with the
 * counters (9F10 bytes 11-18) when CVN b1 is set (jPOS MChipCryptogram / CVNMCDataBuilder).
 */
export function acDataForCdol1(cdol1: string, iad?: { iadFormat?: 'vis' | 'mchip' | undefined; cvn: number }): string {
  if (iad?.iadFormat === 'mchip') return `${DEFAULT_AC_DATA} 9F10[2:8]${(iad.cvn & 0x01) !== 0 ? ' 9F10[10:18]' : ''}`;
  return [...parseDol(cdol1.replace(/\s+/g, '')).map((e) => e.tag), '82', '9F36', '9F10'].join(' ');
}

export interface CryptogramContext {
  algorithm: 'tdes' | 'aes';
  iccMasterKeyAc: Bytes;
  sessionKeyAc: Bytes;
  arqc: Bytes;
  atcBytes: Bytes;
  atc: number;
  /** Secure-messaging session keys for scripts (integrity, confidentiality). */
  sessionKeySmi: Bytes;
  sessionKeySmc: Bytes;
}

export type CryptogramCheck =
  | { ok: true; context: CryptogramContext }
  | { ok: false; reason: string; missingData?: boolean; atc?: number };

interface AcDataItem {
  tag: string;
  from?: number;
  to?: number;
}

/** Parses an AC data list: "9F02 9F03 ... 9F10[3:7]" (a slice takes value bytes from..to-1). */
export function parseAcDataList(list: string): AcDataItem[] {
  return list
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((item) => {
      const m = /^([0-9A-Fa-f]{2,6})(?:\[(\d+):(\d+)\])?$/.exec(item);
      if (!m) throw new RangeError(`'${item}' is neither a tag nor TAG[from:to]`);
      const out: AcDataItem = { tag: m[1]!.toUpperCase() };
      if (m[2] !== undefined) {
        out.from = Number(m[2]);
        out.to = Number(m[3]);
      }
      return out;
    });
}

/** Concatenates the field 55 values named by the card's AC data list; undefined names the missing tag. */
export function buildAcInput(acData: string, icc: Map<string, Bytes>): { input: Bytes } | { missing: string } {
  const parts: Bytes[] = [];
  for (const item of parseAcDataList(acData)) {
    const value = icc.get(item.tag);
    if (!value) return { missing: item.tag };
    if (item.from !== undefined) {
      if (value.length < item.to!) return { missing: `${item.tag}[${item.from}:${item.to}]` };
      parts.push(value.subarray(item.from, item.to));
    } else parts.push(value);
  }
  return { input: concat(...parts) };
}

function blockOf(algorithm: 'tdes' | 'aes', r: Bytes): Bytes {
  // A1.3.1: R is one cipher block; an 8-byte ARQC fills a TDES block and is zero-extended for AES.
  return algorithm === 'aes' && r.length === 8 ? concat(r, new Uint8Array(8)) : r;
}

/**
 * ICC master key (Book 2 A1.4: option A or B for TDES, the AES derivation
 * (option C) for AES issuer master keys) and AC session key (A1.3 common
 * session key with diversification R: the ATC, zero-extended, or a full block;
 * or the ICC master key itself for 'master' cards; M/Chip cards ('mastercard')
 * use R = ATC || 00 00 || UN with the terminal's unpredictable number 9F37).
 */
export function deriveAcKeys(
  imkAc: Bytes,
  card: Pick<CardCryptogramSettings, 'keyDerivation' | 'sessionKey'> & { pan: string; psn: string },
  algorithm: 'tdes' | 'aes',
  r: Bytes,
  unpredictableNumber?: Bytes,
): { iccMasterKeyAc: Bytes; sessionKeyAc: Bytes } {
  const option = algorithm === 'aes' ? 'C' : card.keyDerivation;
  const iccMasterKeyAc = deriveIccMasterKey(imkAc, card.pan, card.psn, option, algorithm);
  const sessionKeyAc =
    card.sessionKey === 'master'
      ? iccMasterKeyAc
      : card.sessionKey === 'mastercard'
        ? deriveMastercardSessionKey(iccMasterKeyAc, r, unpredictableNumber ?? new Uint8Array(0))
        : deriveCommonSessionKey(iccMasterKeyAc, r, algorithm);
  return { iccMasterKeyAc, sessionKeyAc };
}

/** Book 2 §8.1.2: recompute the AC over the card's data and compare (constant time). */
export function arqcMatches(sessionKeyAc: Bytes, acInput: Bytes, arqc: Bytes, padding: 1 | 2, algorithm: 'tdes' | 'aes'): boolean {
  return verifyApplicationCryptogram(sessionKeyAc, acInput, arqc, { padding, algorithm });
}

/** Verifies the ARQC (9F26) of a request with the card's derivation settings. */
export function checkArqc(
  card: CardCryptogramSettings & { pan: string; psn: string },
  keys: IssuerKeys,
  icc: Map<string, Bytes>,
): CryptogramCheck {
  const arqc = icc.get('9F26');
  const atcBytes = icc.get('9F36');
  if (!arqc || arqc.length !== 8) return { ok: false, reason: 'no 8-byte ARQC (9F26) in the ICC data', missingData: true };
  if (!atcBytes || atcBytes.length !== 2) return { ok: false, reason: 'no 2-byte ATC (9F36) in the ICC data', missingData: true };
  const atc = readUint(atcBytes);
  const built = buildAcInput(card.acData, icc);
  if ('missing' in built) return { ok: false, reason: `ICC data lacks ${built.missing} needed for the ARQC`, missingData: true, atc };
  const algorithm = keys.algorithm;
  const un = icc.get('9F37');
  if (card.sessionKey === 'mastercard' && (!un || un.length !== 4 || algorithm !== 'tdes')) {
    return { ok: false, reason: 'M/Chip session key needs a 4-byte unpredictable number (9F37) and TDES keys', missingData: true, atc };
  }
  const { iccMasterKeyAc, sessionKeyAc } = deriveAcKeys(keys.ac, card, algorithm, atcBytes, un);
  if (!arqcMatches(sessionKeyAc, built.input, arqc, card.padding, algorithm)) {
    return { ok: false, reason: `ARQC ${toHex(arqc)} does not verify (ATC ${atc})`, atc };
  }
  const option = algorithm === 'aes' ? 'C' : card.keyDerivation;
  const mkSmi = deriveIccMasterKey(keys.smi, card.pan, card.psn, option, algorithm);
  const mkSmc = deriveIccMasterKey(keys.smc, card.pan, card.psn, option, algorithm);
  // Script session keys: Book 2 A1.3 with R = the ARQC (CCD; also what the emulated card does for every CVN).
  const smKey = (mk: Bytes) => deriveCommonSessionKey(mk, blockOf(algorithm, arqc), algorithm);
  return {
    ok: true,
    context: {
      algorithm,
      iccMasterKeyAc,
      sessionKeyAc,
      arqc,
      atcBytes,
      atc,
      sessionKeySmi: smKey(mkSmi),
      sessionKeySmc: smKey(mkSmc),
    },
  };
}

/**
 * True when the issuer application data (9F10) reports "PIN try limit exceeded": in the VIS/CCD
 * layout (06 | DKI | CVN | CVR 03 b2 b3 b4) CVR byte 3 b7; in the M/Chip layout of the emulated
 * Mastercard card (DKI | CVN | CVR(6) | DAC(2) | counters(8), 18 bytes) CVR byte 4 b4.
 */
export function cardReportsPinBlocked(iad: Bytes | undefined): boolean {
  if (iad === undefined) return false;
  if (iad.length >= 7 && iad[0] === 0x06 && iad[3] === 0x03) return isBitSet(iad.subarray(3, 7), VISA_CVR.ptlExceeded);
  return iad.length === 18 && isBitSet(iad.subarray(2, 8), MCHIP_CVR.ptlExceeded);
}

/** The Authorisation Response Code (8A) is the ISO 8583 response code in ASCII (Book 4 §12.2.4 / Annex A6). */
export function arcOf(responseCode: string): Bytes {
  return new TextEncoder().encode(responseCode.padStart(2, '0').slice(0, 2));
}

/**
 * Card Status Update for ARPC method 2 (Book 2 §8.2.2, CCD CSU): byte 1 b4-b1
 * PIN try counter (unchanged here), byte 2 b8 "issuer approves online
 * transaction", b6 "application block"; bytes 3-4 zero.
 */
export function cardStatusUpdate(approved: boolean, blockApplication = false): Bytes {
  return Uint8Array.of(0x00, (approved ? 0x80 : 0x00) | (blockApplication ? 0x20 : 0x00), 0x00, 0x00);
}

export type ArpcInput = { arc: Bytes } | { csu: Bytes; proprietaryData?: Bytes };

/** Issuer Authentication Data (91): ARPC || ARC (method 1, 10 bytes) or ARPC || CSU [|| proprietary data] (method 2). */
export function issuerAuthenticationDataWith(
  card: Pick<CardCryptogramSettings, 'arpcMethod' | 'arpcKey'>,
  context: Pick<CryptogramContext, 'iccMasterKeyAc' | 'sessionKeyAc' | 'arqc' | 'algorithm'>,
  input: ArpcInput,
): Bytes {
  const key = card.arpcKey === 'master' ? context.iccMasterKeyAc : context.sessionKeyAc;
  if ('csu' in input) {
    const prop = input.proprietaryData ?? new Uint8Array(0);
    return issuerAuthenticationDataMethod2(arpcMethod2(key, context.arqc, input.csu, prop, context.algorithm), input.csu, prop);
  }
  return issuerAuthenticationDataMethod1(arpcMethod1(key, context.arqc, input.arc, context.algorithm), input.arc);
}

/** The answer's tag 91 for a response code: method 1 with the ARC, method 2 with the CSU the decision implies. */
export function issuerAuthenticationData(
  card: Pick<CardCryptogramSettings, 'arpcMethod' | 'arpcKey' | 'arpcProprietaryData'>,
  context: CryptogramContext,
  responseCode: string,
  blockApplication = false,
): Bytes {
  const input: ArpcInput =
    card.arpcMethod === 2
      ? { csu: cardStatusUpdate(responseCode === '00', blockApplication), proprietaryData: fromHex(card.arpcProprietaryData) }
      : { arc: arcOf(responseCode) };
  return issuerAuthenticationDataWith(card, context, input);
}
