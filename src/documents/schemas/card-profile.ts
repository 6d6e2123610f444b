/**
 * Card profile (scripts/cards/*.yaml, `card new --profile`, a scenario's
 * `card.set`): the data an issuer personalises (Book 3 Annex A), card risk
 * management parameters and key derivation (Book 2 Annex A1.4). One file is
 * one layer: `base:` names the profile it changes, mappings merge key by key,
 * lists and scalars replace. So every field of a layer is optional, but an
 * entry of a list (an application, a fault) is complete in the layer that
 * writes the list. src/card/profile checks the merged profile on top.
 */
import { DOL_DATA_MAX, type JsonSchema } from '../schema.js';
import { boolean, digits, dol, hex, integer, list, mapping, minorUnits, nullable, oneOfValues, ref, renamed, text } from './common.js';

const PRINTABLE = (min: number, max: number): JsonSchema => ({
  type: 'string',
  pattern: `^[\\x20-\\x7e]{${min},${max}}$`,
  'x-expected': `${min} to ${max} printable ASCII characters`,
});
const DATE: JsonSchema = { type: ['string', 'integer'], pattern: '^[0-9]{2}(0[1-9]|1[0-2])([0-9]{2})?$', 'x-expected': 'a date YYMM or YYMMDD' };
const byte = hex(1, 1);

export const FAULT_RULE = mapping(
  {
    action: oneOfValues(['status', 'mute', 'delay', 'truncate', 'corrupt', 'tear']),
    command: text('Command name (SELECT, READ RECORD, GET PROCESSING OPTIONS, GENERATE AC, VERIFY, ...)'),
    cla: byte,
    ins: byte,
    p1: byte,
    p2: byte,
    sw: hex(2, 2, "Status word answered by a 'status' fault"),
    occurrence: integer(1, 1_000_000),
    times: integer(0, 1_000_000),
    delayMs: integer(0, 600_000),
    keepBytes: integer(0, 65_536),
    offset: integer(0, 65_536),
  },
  ['action'],
  'A fault the card injects when a command matches (src/card/faults.ts).',
);

export const CARD_APPLICATION = mapping(
  {
    aid: hex(5, 16, 'Application identifier (4F)'),
    label: PRINTABLE(1, 16),
    preferredName: PRINTABLE(1, 16),
    priority: integer(0, 255, 'Application priority indicator (87)'),
    contactless: boolean('Reachable over the contactless interface: listed in the PPSE (default false)'),
    kernelId: hex(1, 8, 'Kernel Identifier (9F2A) in the PPSE entry (Book B §3.3.2.5)'),
    extendedSelection: hex(1, 11, 'Extended Selection (9F29) in the PPSE entry (Book B §3.3.3.3)'),
  },
  ['aid', 'label', 'priority'],
);

/** The raw layer (a lab's odd test card, served as given; src/card/profile/raw-image.ts). */
const RAW_IMAGE = mapping(
  {
    records: {
      type: 'object',
      additionalProperties: false,
      patternProperties: { '^([1-9]|[12][0-9]|30):([1-9][0-9]?|1[0-9][0-9]|2[0-4][0-9]|25[0-5])$': nullable(hex(0, 65_535)) },
      'x-keys': '"SFI:record" (SFI 1..30, record 1..255)',
      description: '"SFI:record" -> record bytes as hex (any content), or null to remove a generated record',
    },
    removeTags: list(hex(1, 3), 0, 'Tags taken out of the generated records'),
    afl: nullable(hex(0, 252, 'The AFL (94) GET PROCESSING OPTIONS answers; null for none')),
    fci: { anyOf: [hex(0, 65_535), { type: 'object', additionalProperties: false, patternProperties: { '^([0-9A-Fa-f]{2}){5,16}$': hex(0, 65_535) }, 'x-keys': 'an AID (5 to 16 bytes of hex)' }], description: 'The whole answer to SELECT, or AID -> answer' },
    gpoResponse: hex(0, 65_535, 'The whole GET PROCESSING OPTIONS answer data'),
    generateAcExtra: hex(1, 65_535, 'Bytes appended inside the 77 template of every GENERATE AC answer'),
  },
  [],
  'Raw card image: records, FCI, GPO answer and AFL given as bytes.',
);

const MMYY: JsonSchema = { type: ['string', 'integer'], pattern: '^(0[1-9]|1[0-2])[0-9]{2}$', 'x-expected': 'a month MMYY, as in the certificate' };

/** How personalisation signs the ODA certificates (src/card/profile/types.ts CertificateSettings). */
const CERTIFICATES = mapping(
  {
    issuerExpiry: { ...MMYY, description: 'Issuer public key certificate expiration date MMYY (Book 2 Table 13); default 1249' },
    iccExpiry: { ...MMYY, description: "ICC public key certificate expiration date MMYY (Book 2 Table 14); default the card's expiry month" },
    caIndex: hex(1, 1, 'CA public key index (8F) the card names; the emvsim test CA signs the issuer certificate whatever it is (CAPK E5; E4 is the same key listed as expired)'),
  },
  [],
  'ODA certificates as personalised: expiration dates and the CA public key index.',
);

const CRYPTOGRAM = mapping({
  cvn: integer(0, 255, 'Cryptogram version number (9F10 byte 3)'),
  dki: integer(0, 255, 'Derivation key index (9F10 byte 2)'),
  derivation: oneOfValues(['A', 'B'], 'ICC master key derivation option (Book 2 A1.4)'),
  sessionKey: oneOfValues(['common', 'master', 'mastercard']),
  padding: oneOfValues([1, 2], 'ISO/IEC 9797-1 padding method'),
  arpcMethod: oneOfValues([1, 2], 'ARPC method (Book 2 §8.2)'),
  arpcKey: oneOfValues(['session', 'master']),
  arpcProprietaryDataLength: integer(0, 8),
  issuerMasterKeys: mapping({ ac: hex(16, 16), smi: hex(16, 16), smc: hex(16, 16) }),
  scriptMacLength: integer(4, 8, 'Issuer script MAC length (Book 2 §9.2.1)'),
  scriptKeys: oneOfValues(['common', 'visa']),
  scriptEncryption: oneOfValues(['emv', 'mastercard', 'visa']),
  pinChangeBlock: oneOfValues(['iso2', 'vis']),
});

const RISK = renamed(mapping({
  lowerConsecutiveOfflineLimit: integer(0, 255, '9F14'),
  upperConsecutiveOfflineLimit: integer(0, 255, '9F23'),
  cumulativeOfflineAmountLimitMinor: minorUnits(999_999_999_999, 'Cumulative offline amount limit (card risk management), in the application currency'),
  onlineIfIssuerAuthFailed: boolean(),
  onlineIfPinTryLimitExceeded: boolean(),
  declineIfPinTryLimitExceeded: boolean(),
  issuerAuthenticationRequired: boolean(),
  preferOnline: boolean(),
  newCardOnline: boolean(),
  blockApplicationOnPinTryLimitExceeded: boolean(),
}), { cumulativeOfflineAmountLimit: 'cumulativeOfflineAmountLimitMinor' });

/** The fields of a card profile layer (all optional: the base and the defaults give the rest). */
export const CARD_PROFILE_FIELDS: Record<string, JsonSchema> = {
  name: { type: 'string', pattern: '^[A-Za-z0-9._-]+$', 'x-expected': 'a name of letters, digits, ".", "_" and "-"' },
  description: text(),
  protocol: oneOfValues(['T=0', 'T=1']),
  pse: boolean('Payment System Environment 1PAY.SYS.DDF01 (Book 1 §12.2.3)'),
  ppse: boolean('Proximity Payment System Environment 2PAY.SYS.DDF01 (Book B §3.3.2.2)'),
  applications: list(ref('cardApplication'), 1),
  languagePreference: { type: 'string', pattern: '^([a-z]{2}){1,4}$', 'x-expected': '1 to 4 ISO 639 codes like "deen"' },
  issuerCodeTableIndex: integer(1, 10),
  pan: nullable(digits(12, 19)),
  panPrefix: digits(1, 11),
  panLength: integer(12, 19),
  panSequenceNumber: digits(2, 2),
  expiry: DATE,
  effective: DATE,
  cardholderName: PRINTABLE(2, 26),
  serviceCode: digits(3, 3),
  issuerCountry: digits(4, 4, 'ISO 3166 numeric, 4 digits (5F28)'),
  currency: digits(4, 4, 'ISO 4217 numeric, 4 digits (9F42)'),
  currencyExponent: integer(0, 3),
  pin: digits(4, 12),
  pinTryLimit: integer(1, 15),
  pinTryCounter: integer(0, 15),
  applicationVersion: hex(2, 2, '9F08'),
  auc: hex(2, 2, 'Application usage control (9F07)'),
  aip: nullable(hex(2, 2, 'Application interchange profile (82)')),
  oda: oneOfValues(['none', 'sda', 'dda', 'cda']),
  pinEncipherment: boolean(),
  pinEnciphermentKey: boolean(),
  cvmList: nullable(hex(10, 252, 'CVM list (8E): two amounts, then 2-byte rules')),
  iac: mapping({ default: hex(5, 5), denial: hex(5, 5), online: hex(5, 5) }, [], 'Issuer action codes (9F0D, 9F0E, 9F0F)'),
  pdol: nullable(dol(DOL_DATA_MAX.pdol, 'PDOL (9F38); empty for none')),
  cdol1: dol(DOL_DATA_MAX.cdol, 'CDOL1 (8C)'),
  cdol2: dol(DOL_DATA_MAX.cdol, 'CDOL2 (8D)'),
  ddol: dol(DOL_DATA_MAX.cdol, 'DDOL (9F49)'),
  // Book 3 §10.3: the SDA Tag List may name only the AIP (82); personalisation signs nothing else.
  sdaTagList: nullable(oneOfValues(['', '82'], 'Static data authentication tag list (9F4A): 82 (the AIP) or empty')),
  gpoFormat: oneOfValues([1, 2]),
  generateAcFormat: oneOfValues([1, 2]),
  cryptogram: CRYPTOGRAM,
  risk: RISK,
  logRecords: integer(0, 30),
  iccKeyBits: integer(512, 1408),
  extraData: { type: 'object', additionalProperties: false, patternProperties: { '^[0-9A-Fa-f]{2,6}$': hex(0, 252) }, 'x-keys': 'a tag in hex', description: 'Extra data objects: tag hex -> value hex' },
  applicationBlocked: boolean(),
  cardBlocked: boolean(),
  faults: list(ref('faultRule')),
  atcIncrement: oneOfValues(['gpo', 'first-generate-ac'], 'When the ATC (9F36) is counted (default gpo, Book 3 §6.5.8)'),
  iadFormat: oneOfValues(['vis', 'mchip'], 'Issuer application data (9F10) layout'),
  raw: RAW_IMAGE,
  certificates: CERTIFICATES,
};

export const CARD_PROFILE = mapping({ base: text('The profile this file changes: a shipped name or a path'), ...CARD_PROFILE_FIELDS }, [], 'An emvsim card profile (one layer).');

export const CARD_DEFS: Record<string, JsonSchema> = { cardProfile: CARD_PROFILE, cardApplication: CARD_APPLICATION, faultRule: FAULT_RULE };

export const cardProfileSchema: JsonSchema = { $ref: '#/$defs/cardProfile', $defs: CARD_DEFS };
