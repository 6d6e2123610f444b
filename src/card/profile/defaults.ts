/**
 * Defaults under every profile: a CCD-style (Book 3 Annex C) credit card with
 * DDA, PIN 1234, three PIN tries. A profile file overrides what differs.
 *
 * Default DOLs (Book 3 Annex A; the CDOL1 covers the Book 2 Table 26 minimum
 * set for the application cryptogram):
 *   PDOL  9F02 06 (amount), 5F2A 02 (currency), 9F1A 02 (country)
 *   CDOL1 9F02 06, 9F03 06, 9F1A 02, 95 05, 5F2A 02, 9A 03, 9C 01, 9F37 04, 9F35 01, 9F34 03
 *   CDOL2 8A 02 (ARC), 91 0A (issuer authentication data), 95 05, 9F37 04
 *   DDOL  9F37 04
 */
export const PROFILE_DEFAULTS = {
  description: '',
  protocol: 'T=1',
  pse: true,
  applications: [{ aid: 'A0000000031010', label: 'CREDIT', priority: 1 }],
  languagePreference: 'en',
  issuerCodeTableIndex: 1,
  panPrefix: '476173',
  panLength: 16,
  panSequenceNumber: '01',
  expiry: '2912',
  effective: '2401',
  cardholderName: 'EMVSIM/TEST CARD',
  serviceCode: '201',
  issuerCountry: '0826',
  currency: '0978',
  currencyExponent: 2,
  pin: '1234',
  pinTryLimit: 3,
  applicationVersion: '0096',
  auc: 'FF00',
  oda: 'dda',
  pinEncipherment: true,
  pinEnciphermentKey: false,
  cvmList: '00000000 00000000 4103 4203 1E03 1F03',
  iac: { default: 'DC4000A800', denial: '0010000000', online: 'DC4004F800' },
  pdol: '9F0206 5F2A02 9F1A02',
  cdol1: '9F0206 9F0306 9F1A02 9505 5F2A02 9A03 9C01 9F3704 9F3501 9F3403',
  cdol2: '8A02 910A 9505 9F3704',
  ddol: '9F3704',
  sdaTagList: '82',
  gpoFormat: 2,
  generateAcFormat: 2,
  cryptogram: {
    cvn: 0x12,
    dki: 1,
    derivation: 'A',
    sessionKey: 'common',
    padding: 2,
    arpcMethod: 1,
    arpcKey: 'session',
    issuerMasterKeys: {
      ac: '0123456789ABCDEFFEDCBA9876543210',
      smi: '11111111111111112222222222222222',
      smc: '33333333333333334444444444444444',
    },
    scriptMacLength: 8,
    scriptKeys: 'common',
    scriptEncryption: 'emv',
    pinChangeBlock: 'iso2',
  },
  risk: {
    lowerConsecutiveOfflineLimit: 3,
    upperConsecutiveOfflineLimit: 6,
    cumulativeOfflineAmountLimitMinor: 20000, // 200.00 in the application currency
    onlineIfIssuerAuthFailed: true,
    onlineIfPinTryLimitExceeded: true,
    declineIfPinTryLimitExceeded: false,
    issuerAuthenticationRequired: true,
    preferOnline: false,
    newCardOnline: false,
    blockApplicationOnPinTryLimitExceeded: false,
  },
  logRecords: 10,
  iccKeyBits: 1024,
  extraData: {},
  applicationBlocked: false,
  cardBlocked: false,
  faults: [],
} as const;
