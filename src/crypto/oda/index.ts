/**
 * EMV offline data authentication (EMV Book 2 §5-§7), both sides. All values are Uint8Array
 * (`Bytes`), digits are strings, dates are 'MMYY' (certificates) and 'YYMMDD' (tag 9A).
 *
 * Card personalisation (issuer side, `emvsim card new`):
 *   const ca = loadTestCa();                         // TEST ONLY CA, CAPK index E5
 *   const issuer = loadTestIssuer();                 // pre-generated issuer key pair
 *   const { certificate: t90, remainder: t92, exponent: t9F32 } = testIssuerCertificate(pan);
 *   const icc = generateRsaKeyPair(1024, 3);         // from '../rsa.js'
 *   const staticData = buildStaticDataToBeAuthenticated(records, { sdaTagList, aip });
 *   const { certificate: t9F46, remainder: t9F48, exponent: t9F47 } =
 *     createIccCertificate({ issuerKey: issuer.keyPair, iccPublicKey: icc, pan, expiry: '1229', serial: '000001', staticData });
 *   const t93 = createSignedStaticData({ issuerKey: issuer.keyPair, dataAuthenticationCode: 'DAC1', staticData });
 *   createIccPinEnciphermentCertificate({ issuerKey, iccPublicKey: pinKey, pan, expiry, serial })   // 9F2D/9F2F/9F2E
 *
 * Card at transaction time:
 *   INTERNAL AUTHENTICATE: createDdaSignature({ iccKey, iccDynamicNumber, ddolData })        -> 9F4B
 *   GENERATE AC with CDA:  tdhc = transactionDataHashCode({ pdolData, cdol1Data, cdol2Data?, responseTlvs })
 *                          createCdaSignature({ iccKey, iccDynamicNumber, cid, applicationCryptogram,
 *                                               transactionDataHashCode: tdhc, unpredictableNumber })  -> 9F4B
 *   VERIFY P2=88:          decipherPinForVerify(   // src/crypto/enciphered-pin.ts{ privateKey, enciphered, expectedUnpredictableNumber })
 *
 * Terminal (kernel, `emvsim crypto oda`):
 *   verifyOdaChain({ capk, pan, transactionDate, tags: { '90': .., '92': .., '9F32': .., '9F46': .., ... },
 *                    staticData, ddolData | cda: { unpredictableNumber, cid, transactionData } })
 *     -> { ok, method, steps: [{ object, recovered (hex), fields, hashValid, failures }], failures,
 *          issuerPublicKey?, iccPublicKey?, dac?, iccDynamicNumber?, applicationCryptogram? }
 *   or step by step: recoverIssuerCertificate, recoverIccCertificate, recoverSignedStaticData,
 *   recoverDdaSignature, recoverCdaSignature, recoverIccPinEnciphermentCertificate; each returns
 *   { recovered, fields, hashValid, failures: string[], ok } (+ the recovered key).
 *   VERIFY P2=88: encipherPinForVerify({ publicKey, pinBlock, iccUnpredictableNumber, random? })
 *   CAPKs: loadDefaultCapks().get(rid, index)   (src/crypto/capk.ts)
 */
export { OdaError, FORMAT as ODA_FORMAT, type OdaObject, type Recovered, type TransactionDate } from './certificate-format.js';
export * from './issuer-certificate.js';
export * from './icc-certificate.js';
export * from './static-data.js';
export * from './dynamic-data.js';
export * from './verify-chain.js';
export * from './test-ca.js';
