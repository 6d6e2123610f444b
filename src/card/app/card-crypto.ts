/**
 * The card's symmetric cryptography, all through src/crypto:
 *   application cryptogram (Book 2 §8.1, A1.2) over
 *       CDOL data || AIP (82) || ATC (9F36) || issuer application data (9F10), or for the
 *       M/Chip layout the minimum data set || AIP || ATC || CVR (cryptogramInput)
 *   with the AC session key: Book 2 A1.3 common session key from the ICC master
 *   key (R = ATC || 00..00), the ICC master key itself ('master', CVN 10 style), or
 *   the M/Chip derivation with R = ATC || 00 00 || UN ('mastercard', UN = 9F37 of CDOL1);
 *   ARPC check (Book 2 §8.2, method 1 or 2);
 *   secure-messaging session keys for issuer scripts (Book 2 §9 / A1.3 with R = the
 *   application cryptogram of the first GENERATE AC, or the VIS keys from the ATC).
 */
import { type Bytes, concat, constantTimeEqual, uintBytes } from '../../apdu/index.js';
import { arpcMethod1, arpcMethod2, generateApplicationCryptogram } from '../../crypto/index.js';
import { deriveCommonSessionKey, deriveMastercardSessionKey, deriveVisaSmSessionKey } from '../../crypto/index.js';
import { dolValue } from '../dol-view.js';
import type { CardEngine } from '../engine.js';

/**
 * The AC session key of this transaction. 'mastercard' takes the unpredictable number from
 * the CDOL1 data of the first GENERATE AC, so the second GENERATE AC and the ARPC check use
 * the same key (the profile validator makes sure CDOL1 lists 9F37 04).
 */
export function acSessionKey(card: CardEngine, atc: number): Bytes {
  const method = card.profile.cryptogram.sessionKey;
  if (method === 'master') return card.masterKeys.ac;
  if (method === 'mastercard') {
    const un = dolValue(card.layout.cdol1, card.v.cdol1Data ?? new Uint8Array(0), '9F37') ?? new Uint8Array(4);
    return deriveMastercardSessionKey(card.masterKeys.ac, uintBytes(atc, 2), un);
  }
  return deriveCommonSessionKey(card.masterKeys.ac, uintBytes(atc, 2));
}

/**
 * The Book 2 §8.1.1 Table 26 minimum data set with its lengths: what an M/Chip card MACs from
 * the terminal's data, whatever else its CDOL lists.
 */
const MINIMUM_AC_DATA: readonly [string, number][] = [['9F02', 6], ['9F03', 6], ['9F1A', 2], ['95', 5], ['5F2A', 2], ['9A', 3], ['9C', 1], ['9F37', 4]];

/**
 * The data the application cryptogram covers (documented in docs/card.md):
 *   VIS/CCD layout: CDOL data || AIP || ATC || IAD (9F10, whole);
 *   M/Chip layout (iadFormat mchip, CVN '10'/'11'): the minimum data set || AIP || ATC || CVR
 *   (9F10 bytes 3-8), and the counters (9F10 bytes 11-18) when CVN b1 says "counters included"
 *   (jPOS org.jpos.emv.cryptogram.MChipCryptogram / CVNMCDataBuilder; CVN table in Thredd's
 *   "Mastercard Cryptogram Version Number Values"). At the second GENERATE AC the values the
 *   terminal sent in CDOL2 (TVR, UN) replace those of CDOL1, the others stay CDOL1's: the public
 *   sources do not describe the second cryptogram, so this part is an assumption.
 */
export function cryptogramInput(card: CardEngine, dolData: Bytes, iad: Bytes): Bytes {
  const atc = uintBytes(card.nv.atc, 2);
  if (card.profile.iadFormat !== 'mchip') return concat(dolData, card.layout.aip, atc, iad);
  const current = card.v.phase === 'second-ac-done' ? card.layout.cdol2 : card.layout.cdol1;
  const cdol1Data = card.v.cdol1Data ?? new Uint8Array(0);
  const terminalData = MINIMUM_AC_DATA.map(([tag, length]) => dolValue(current, dolData, tag) ?? dolValue(card.layout.cdol1, cdol1Data, tag) ?? new Uint8Array(length));
  const countersIncluded = (card.profile.cryptogram.cvn & 0x01) !== 0;
  return concat(...terminalData, card.layout.aip, atc, iad.subarray(2, 8), countersIncluded ? iad.subarray(10, 18) : new Uint8Array(0));
}

export function applicationCryptogram(card: CardEngine, dolData: Bytes, iad: Bytes): Bytes {
  const key = acSessionKey(card, card.nv.atc);
  return generateApplicationCryptogram(key, cryptogramInput(card, dolData, iad), { padding: card.profile.cryptogram.padding });
}

/**
 * Checks Issuer Authentication Data (91) against the ARQC of this transaction.
 * Method 1: 91 = ARPC (8) || ARC (2). Method 2: 91 = ARPC (4) || CSU (4) || proprietary data (0..8).
 * Returns undefined when the data has the wrong length for the method.
 */
export function checkIssuerAuthenticationData(card: CardEngine, arqc: Bytes, data: Bytes): boolean | undefined {
  const c = card.profile.cryptogram;
  const key = c.arpcKey === 'master' ? card.masterKeys.ac : acSessionKey(card, card.nv.atc);
  if (c.arpcMethod === 1) {
    if (data.length !== 10) return undefined;
    const expected = arpcMethod1(key, arqc, data.subarray(8, 10));
    return constantTimeEqual(expected, data.subarray(0, 8));
  }
  if (data.length < 8 || data.length > 16) return undefined;
  const expected = arpcMethod2(key, arqc, data.subarray(4, 8), data.subarray(8));
  return constantTimeEqual(expected, data.subarray(0, 4));
}

/**
 * Secure-messaging session keys for this transaction's scripts: 'common' (Book 2 A1.3,
 * R = first application cryptogram) or 'visa' (VIS: ICC master key xor ATC).
 */
export function scriptSessionKeys(card: CardEngine, firstAc: Bytes): { smi: Bytes; smc: Bytes } {
  if (card.profile.cryptogram.scriptKeys === 'visa') {
    const atc = uintBytes(card.nv.atc, 2);
    return { smi: deriveVisaSmSessionKey(card.masterKeys.smi, atc), smc: deriveVisaSmSessionKey(card.masterKeys.smc, atc) };
  }
  return {
    smi: deriveCommonSessionKey(card.masterKeys.smi, firstAc),
    smc: deriveCommonSessionKey(card.masterKeys.smc, firstAc),
  };
}
