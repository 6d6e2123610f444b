/**
 * Named-bit tables for the EMV bitmaps and helpers to test, set and explain
 * them. Bits are numbered as the specifications print them: byte 1 is the
 * leftmost byte, b8 (mask 0x80) its most significant bit.
 *
 * Sources: EMV 4.4 Book 3 Annex C1 (AIP, Table 41), C2 (AUC, Table 42), C5 (TVR,
 * Table 46), C6 (TSI, Table 47); Book 4 Annex A2/A3 (terminal capabilities, in
 * bitmaps-terminal.ts); Book 3 Annex C3/C4 and §6.5.5.4 (CVM and CID, in
 * bitmaps-cvm.ts). Bits the tables do not list are RFU and are reported as such.
 *
 * Usage (terminal kernel): `setBit(tvr, TVR.pinTryLimitExceeded)`,
 * `isBitSet(tsi, TSI.cardholderVerificationPerformed)`.
 */

import { bitIndex, explainBits, type BitDef } from './bitmaps-core.js';

export {
  bitIndex,
  bitmapOf,
  clearBit,
  explainBits,
  isBitSet,
  setBit,
  setBitsOf,
  type BitDef,
  type BitIndex,
} from './bitmaps-core.js';

/** Terminal Verification Results '95', 5 bytes (Book 3 Annex C5, Table 46). */
export const TVR_BITS = [
  { name: 'offlineDataAuthenticationNotPerformed', byte: 1, mask: 0x80, description: 'Offline data authentication was not performed' },
  { name: 'sdaFailed', byte: 1, mask: 0x40, description: 'SDA failed' },
  { name: 'iccDataMissing', byte: 1, mask: 0x20, description: 'ICC data missing' },
  { name: 'cardOnExceptionFile', byte: 1, mask: 0x10, description: 'Card appears on terminal exception file' },
  { name: 'ddaFailed', byte: 1, mask: 0x08, description: 'DDA failed' },
  { name: 'cdaFailed', byte: 1, mask: 0x04, description: 'CDA failed' },
  { name: 'sdaSelected', byte: 1, mask: 0x02, description: 'SDA selected' },
  { name: 'xdaSelected', byte: 1, mask: 0x01, description: 'XDA selected' },
  { name: 'differentApplicationVersions', byte: 2, mask: 0x80, description: 'ICC and terminal have different application versions' },
  { name: 'expiredApplication', byte: 2, mask: 0x40, description: 'Expired application' },
  { name: 'applicationNotYetEffective', byte: 2, mask: 0x20, description: 'Application not yet effective' },
  { name: 'serviceNotAllowed', byte: 2, mask: 0x10, description: 'Requested service not allowed for card product' },
  { name: 'newCard', byte: 2, mask: 0x08, description: 'New card' },
  { name: 'biometricPerformedSuccessful', byte: 2, mask: 0x02, description: 'Biometric performed and successful' },
  { name: 'biometricTemplateFormatNotSupported', byte: 2, mask: 0x01, description: 'Biometric template format not supported' },
  { name: 'cardholderVerificationNotSuccessful', byte: 3, mask: 0x80, description: 'Cardholder verification was not successful' },
  { name: 'unrecognisedCvm', byte: 3, mask: 0x40, description: 'Unrecognised CVM' },
  { name: 'pinTryLimitExceeded', byte: 3, mask: 0x20, description: 'PIN Try Limit exceeded' },
  { name: 'pinPadNotPresentOrNotWorking', byte: 3, mask: 0x10, description: 'PIN entry required and PIN pad not present or not working' },
  { name: 'pinNotEntered', byte: 3, mask: 0x08, description: 'PIN entry required, PIN pad present, but PIN was not entered' },
  { name: 'onlinePinEntered', byte: 3, mask: 0x04, description: 'Online CVM captured (online PIN entered)' },
  { name: 'biometricCaptureDeviceNotWorking', byte: 3, mask: 0x02, description: 'Biometric required but biometric capture device not working' },
  { name: 'biometricNotCaptured', byte: 3, mask: 0x01, description: 'Biometric required, biometric capture device present, but biometric data not captured' },
  { name: 'floorLimitExceeded', byte: 4, mask: 0x80, description: 'Transaction exceeds floor limit' },
  { name: 'lowerConsecutiveOfflineLimitExceeded', byte: 4, mask: 0x40, description: 'Lower consecutive offline limit exceeded' },
  { name: 'upperConsecutiveOfflineLimitExceeded', byte: 4, mask: 0x20, description: 'Upper consecutive offline limit exceeded' },
  { name: 'randomlySelectedForOnline', byte: 4, mask: 0x10, description: 'Transaction selected randomly for online processing' },
  { name: 'merchantForcedOnline', byte: 4, mask: 0x08, description: 'Merchant forced transaction online' },
  { name: 'biometricTryLimitExceeded', byte: 4, mask: 0x04, description: 'Biometric Try Limit exceeded' },
  { name: 'biometricTypeNotSupported', byte: 4, mask: 0x02, description: 'A selected biometric type not supported' },
  { name: 'xdaSignatureVerificationFailed', byte: 4, mask: 0x01, description: 'XDA signature verification failed' },
  { name: 'defaultTdolUsed', byte: 5, mask: 0x80, description: 'Default TDOL used' },
  { name: 'issuerAuthenticationFailed', byte: 5, mask: 0x40, description: 'Issuer authentication failed' },
  { name: 'scriptFailedBeforeFinalGenerateAc', byte: 5, mask: 0x20, description: 'Script processing failed before final GENERATE AC' },
  { name: 'scriptFailedAfterFinalGenerateAc', byte: 5, mask: 0x10, description: 'Script processing failed after final GENERATE AC' },
] as const satisfies readonly BitDef[];
export const TVR = bitIndex(TVR_BITS);
export type TvrBitName = (typeof TVR_BITS)[number]['name'];

/** Transaction Status Information '9B', 2 bytes (Book 3 Annex C6, Table 47); byte 2 is RFU. */
export const TSI_BITS = [
  { name: 'offlineDataAuthenticationPerformed', byte: 1, mask: 0x80, description: 'Offline data authentication was performed' },
  { name: 'cardholderVerificationPerformed', byte: 1, mask: 0x40, description: 'Cardholder verification was performed' },
  { name: 'cardRiskManagementPerformed', byte: 1, mask: 0x20, description: 'Card risk management was performed' },
  { name: 'issuerAuthenticationPerformed', byte: 1, mask: 0x10, description: 'Issuer authentication was performed' },
  { name: 'terminalRiskManagementPerformed', byte: 1, mask: 0x08, description: 'Terminal risk management was performed' },
  { name: 'scriptProcessingPerformed', byte: 1, mask: 0x04, description: 'Script processing was performed' },
] as const satisfies readonly BitDef[];
export const TSI = bitIndex(TSI_BITS);
export type TsiBitName = (typeof TSI_BITS)[number]['name'];

/**
 * Application Interchange Profile '82', 2 bytes (Book 3 Annex C1, Table 41).
 * Byte 1 b2 and byte 2 are reserved for the EMV Contactless kernels (C-2 uses
 * byte 2 b8 for "EMV mode supported" and b1 for relay resistance).
 */
export const AIP_BITS = [
  { name: 'sdaSupported', byte: 1, mask: 0x40, description: 'SDA supported' },
  { name: 'ddaSupported', byte: 1, mask: 0x20, description: 'DDA supported' },
  { name: 'cardholderVerificationSupported', byte: 1, mask: 0x10, description: 'Cardholder verification is supported' },
  { name: 'terminalRiskManagementRequired', byte: 1, mask: 0x08, description: 'Terminal risk management is to be performed' },
  { name: 'issuerAuthenticationSupported', byte: 1, mask: 0x04, description: 'Issuer authentication is supported' },
  { name: 'onDeviceCvmSupported', byte: 1, mask: 0x02, description: 'On device cardholder verification is supported (EMV Contactless)' },
  { name: 'cdaSupported', byte: 1, mask: 0x01, description: 'CDA supported' },
  { name: 'contactlessEmvModeSupported', byte: 2, mask: 0x80, description: 'Reserved for EMV Contactless (C-2: EMV mode is supported)' },
  { name: 'relayResistanceProtocolSupported', byte: 2, mask: 0x01, description: 'Reserved for EMV Contactless (C-2: relay resistance protocol is supported)' },
] as const satisfies readonly BitDef[];
export const AIP = bitIndex(AIP_BITS);
export type AipBitName = (typeof AIP_BITS)[number]['name'];

/** Application Usage Control '9F07', 2 bytes (Book 3 Annex C2, Table 42). */
export const AUC_BITS = [
  { name: 'domesticCash', byte: 1, mask: 0x80, description: 'Valid for domestic cash transactions' },
  { name: 'internationalCash', byte: 1, mask: 0x40, description: 'Valid for international cash transactions' },
  { name: 'domesticGoods', byte: 1, mask: 0x20, description: 'Valid for domestic goods' },
  { name: 'internationalGoods', byte: 1, mask: 0x10, description: 'Valid for international goods' },
  { name: 'domesticServices', byte: 1, mask: 0x08, description: 'Valid for domestic services' },
  { name: 'internationalServices', byte: 1, mask: 0x04, description: 'Valid for international services' },
  { name: 'atms', byte: 1, mask: 0x02, description: 'Valid at ATMs' },
  { name: 'terminalsOtherThanAtms', byte: 1, mask: 0x01, description: 'Valid at terminals other than ATMs' },
  { name: 'domesticCashback', byte: 2, mask: 0x80, description: 'Domestic cashback allowed' },
  { name: 'internationalCashback', byte: 2, mask: 0x40, description: 'International cashback allowed' },
] as const satisfies readonly BitDef[];
export const AUC = bitIndex(AUC_BITS);
export type AucBitName = (typeof AUC_BITS)[number]['name'];

export const explainTvr = (bytes: Uint8Array): string[] => explainBits(bytes, TVR_BITS);
export const explainTsi = (bytes: Uint8Array): string[] => explainBits(bytes, TSI_BITS);
export const explainAip = (bytes: Uint8Array): string[] => explainBits(bytes, AIP_BITS);
export const explainAuc = (bytes: Uint8Array): string[] => explainBits(bytes, AUC_BITS);

export {
  ADDITIONAL_TERMINAL_CAPABILITIES,
  ADDITIONAL_TERMINAL_CAPABILITIES_BITS,
  TERMINAL_CAPABILITIES,
  TERMINAL_CAPABILITIES_BITS,
  explainAdditionalTerminalCapabilities,
  explainTerminalCapabilities,
  explainTerminalType,
} from './bitmaps-terminal.js';
export {
  CRYPTOGRAM_TYPES,
  CVM_APPLY_SUCCEEDING_RULE,
  CVM_CONDITIONS,
  CVM_METHODS,
  CVM_RESULT_OUTCOMES,
  explainCid,
  explainCvmList,
  explainCvmResults,
  cvmConditionName,
  cvmMethodName,
  parseCvmList,
  type CryptogramType,
  type CvmList,
  type CvmRule,
} from './bitmaps-cvm.js';
