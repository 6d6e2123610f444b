/**
 * The card's symmetric cryptography, all through src/crypto:
 *   application cryptogram (Book 2 §8.1, A1.2) over
 *       CDOL data || AIP (82) || ATC (9F36) || issuer application data (9F10)
 *   with the AC session key: Book 2 A1.3 common session key from the ICC master
 *   key (R = ATC || 00..00), the ICC master key itself ('master', CVN 10 style), or
 *   the M/Chip derivation with R = ATC || 00 00 || UN ('mastercard', UN = 9F37 of CDOL1);
 *   ARPC check (Book 2 §8.2, method 1 or 2);
 *   secure-messaging session keys for issuer scripts (Book 2 §9 / A1.3 with R = the
 *   application cryptogram of the first GENERATE AC, or the VIS keys from the ATC).
 */
import { type Bytes, concat, constantTimeEqual, uintBytes } from '../../apdu/bytes.js';
import { arpcMethod1, arpcMethod2, generateApplicationCryptogram } from '../../crypto/cryptogram.js';
import { deriveCommonSessionKey, deriveMastercardSessionKey, deriveVisaSmSessionKey } from '../../crypto/key-derivation.js';
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

/** The data the application cryptogram covers (documented in docs/card.md). */
export function cryptogramInput(card: CardEngine, dolData: Bytes, iad: Bytes): Bytes {
  return concat(dolData, card.layout.aip, uintBytes(card.nv.atc, 2), iad);
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
