/**
 * emvsim/crypto: EMV cryptography shared by card, terminal and issuer
 * (node:crypto only). Symmetric half: DES/AES, MACs, key derivation (Book 2
 * A1.3-A1.4), application cryptograms and ARPC (Book 2 §8), secure messaging
 * (Book 2 §9), PIN blocks (ISO 9564), Luhn, IBAN. RSA half: keys, CAPKs,
 * enciphered PIN (Book 2 §7), offline data authentication certificates and
 * signatures (Book 2 §5-§6) and the chain check a kernel runs.
 */
export {
  CryptoError,
  KeyLengthError,
  DataLengthError,
  PaddingError,
  PinBlockError,
  requireKeyLength,
  requireBlockMultiple,
} from './errors.js';
export {
  DES_BLOCK_SIZE,
  tdesEcbEncrypt,
  tdesEcbDecrypt,
  tdesCbcEncrypt,
  tdesCbcDecrypt,
  desEcbEncrypt,
  desEcbDecrypt,
  desCbcEncrypt,
  desCbcDecrypt,
  desOrTdesEcbEncrypt,
  adjustOddParity,
  hasOddParity,
  keyCheckValue,
} from './des.js';
export {
  AES_BLOCK_SIZE,
  aesEcbEncrypt,
  aesEcbDecrypt,
  aesCbcEncrypt,
  aesCbcDecrypt,
  aesCmacSubkeys,
  aesCmac,
} from './aes.js';
export {
  padIso9797,
  unpadIso9797Method2,
  padIso9797Method2IfNeeded,
} from './padding.js';
export {
  macAlgorithm1,
  retailMac,
} from './mac.js';
export {
  sha1,
  sha256,
} from './hash.js';
export {
  type BlockCipher,
  type MasterKeyOption,
  optionAInput,
  optionBInput,
  optionCInput,
  deriveIccMasterKey,
  deriveCommonSessionKey,
  deriveMastercardSessionKey,
  deriveVisaSmSessionKey,
  deriveEmv2000TreeSessionKey,
} from './key-derivation.js';
export {
  type CryptogramOptions,
  emvMac,
  generateApplicationCryptogram,
  verifyApplicationCryptogram,
  arpcMethod1,
  arpcMethod2,
  issuerAuthenticationDataMethod1,
  issuerAuthenticationDataMethod2,
} from './cryptogram.js';
export {
  type ScriptEncryption,
  issuerScriptMacInput,
  issuerScriptMac,
  encipherScriptData,
  decipherScriptData,
  visPinBlock,
  type PinChangeRequest,
  pinChangeData,
} from './secure-messaging.js';
export {
  type PinBlockFormat,
  type RandomSource,
  type PinBlockOptions,
  format0PanField,
  format4PinField,
  format4PanField,
  offlinePlaintextPinBlock,
  encodePinBlock,
  decodePinBlock,
} from './pin-block.js';
export {
  luhnCheckDigit,
  isLuhnValid,
  luhnChecksum,
} from './luhn.js';
export {
  normalizeIban,
  ibanIsValid,
  ibanCheckDigits,
} from './iban.js';
export {
  type RsaPublicKey,
  type RsaKeyPair,
  RsaError,
  type RsaExponent,
  type GenerateOptions,
  generateRsaKeyPair,
  bytesToBigInt,
  bigIntToBytes,
  modPow,
  rsaPublicOperation,
  rsaPrivateOperation,
  publicKeyOf,
  type RsaKeyPairJson,
  keyPairToJson,
  keyPairFromJson,
} from './rsa.js';
export {
  type Capk,
  type CapkJson,
  CapkChecksumError,
  capkChecksum,
  capkToJson,
  CapkStore,
  packageRoot,
  loadCapkFile,
  DEFAULT_CAPK_FILES,
  loadDefaultCapks,
  capkLastUseDate,
  capkWithdrawn,
} from './capk.js';
export {
  PIN_ENCIPHERMENT_HEADER,
  type EncipherPinInput,
  encipherPinForVerify,
  type DecipherPinResult,
  type DecipherPinInput,
  decipherPinForVerify,
} from './enciphered-pin.js';
export { OdaError, FORMAT as ODA_FORMAT, type OdaObject, type Recovered, type TransactionDate } from './oda/certificate-format.js';
export {
  type CreateIssuerCertificateInput,
  type IssuerCertificateTags,
  createIssuerCertificate,
  type IssuerCertificateFields,
  type RevokedCertificate,
  type RecoverIssuerCertificateInput,
  type IssuerCertificateResult,
  recoverIssuerCertificate,
} from './oda/issuer-certificate.js';
export {
  type CreateIccCertificateInput,
  type IccCertificateTags,
  createIccCertificate,
  createIccPinEnciphermentCertificate,
  type IccCertificateFields,
  type RecoverIccCertificateInput,
  type IccCertificateResult,
  recoverIccCertificate,
  recoverIccPinEnciphermentCertificate,
} from './oda/icc-certificate.js';
export {
  type OdaRecord,
  buildStaticDataToBeAuthenticated,
  type CreateSignedStaticDataInput,
  createSignedStaticData,
  type SignedStaticDataFields,
  type RecoverSignedStaticDataInput,
  recoverSignedStaticData,
} from './oda/static-data.js';
export {
  type CreateDdaSignatureInput,
  createDdaSignature,
  type CdaTransactionData,
  transactionDataHashCode,
  type CreateCdaSignatureInput,
  createCdaSignature,
  type SignedDynamicDataFields,
  type RecoverDdaSignatureInput,
  recoverDdaSignature,
  type RecoverCdaSignatureInput,
  recoverCdaSignature,
} from './oda/dynamic-data.js';
export {
  type OdaMethod,
  type OdaChainInputs,
  type OdaChainStep,
  type OdaChainResult,
  verifyOdaChain,
} from './oda/verify-chain.js';
export {
  TEST_CA_INDEX,
  TEST_CA_RIDS,
  TEST_CA_FILE,
  TEST_ISSUER_FILE,
  type TestCaJson,
  type IssuerCertificateJson,
  type TestIssuerJson,
  type TestCa,
  type TestIssuer,
  loadTestCa,
  loadTestIssuer,
  type TestIssuerCertificate,
  testIssuerCertificate,
  issuerCertificateToJson,
} from './oda/test-ca.js';
