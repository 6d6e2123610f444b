/**
 * A card profile: everything an issuer personalises into an EMV payment card
 * (EMV Book 3 Annex A data elements, Book 3 §10.6 card risk management
 * parameters, Book 2 Annex A1.4 key derivation). Profiles are written in YAML
 * (scripts/cards/*.yaml); `base:` names another profile and the file then
 * lists only the differences ("base card with this IAC and this CVM list").
 *
 * Hex fields are uppercase hex strings without spaces once resolved.
 */
import type { FaultRule } from '../faults.js';
import type { RawImage } from './raw-image.js';

export type OdaMethod = 'none' | 'sda' | 'dda' | 'cda';

export interface ApplicationEntry {
  /** Application identifier (4F / 84), 5..16 bytes hex. */
  aid: string;
  /** Application label (50), ASCII. */
  label: string;
  /** Application preferred name (9F12). */
  preferredName?: string;
  /** Application priority indicator (87), 1..15; b8 set = cardholder confirmation required. */
  priority: number;
  /** Reachable over the contactless interface: listed in the PPSE and selectable there (default false). */
  contactless?: boolean;
  /** Kernel Identifier (9F2A) in the PPSE entry, 1..8 bytes hex (Book B §3.3.2.5 C); absent = the default by RID. */
  kernelId?: string;
  /** Extended Selection (9F29) in the PPSE entry, hex (Book B §3.3.3.3). */
  extendedSelection?: string;
}

/** The interface a card is reached through (ISO/IEC 7816-3 contacts, or ISO/IEC 14443-4). */
export type CardInterface = 'contact' | 'contactless';

export interface CryptogramProfile {
  /** Cryptogram version number placed in the issuer application data (9F10 byte 3). */
  cvn: number;
  /** Derivation key index (9F10 byte 2). */
  dki: number;
  /** ICC master key derivation from the issuer master key (Book 2 A1.4): option A or B. */
  derivation: 'A' | 'B';
  /**
   * Session key for the application cryptogram: 'common' = Book 2 A1.3 common session key with
   * R = ATC || 00..00 (CCD, Visa CVN 18); 'master' = the ICC master key itself (Visa CVN 10);
   * 'mastercard' = M/Chip session key derivation, R = ATC || 00 00 || UN, with the terminal's
   * unpredictable number 9F37 from the CDOL1 data (CDOL1 must list 9F37 04).
   */
  sessionKey: 'common' | 'master' | 'mastercard';
  /** ISO/IEC 9797-1 padding of the MAC input: 1 (zeros, CVN 10) or 2 (80 00.., CCD/CVN 18). */
  padding: 1 | 2;
  /** ARPC method (Book 2 §8.2): 1 (ARPC = 8 bytes, ARC) or 2 (ARPC = 4 bytes, CSU). */
  arpcMethod: 1 | 2;
  /**
   * ARPC method 2 only: length of the proprietary authentication data the issuer appends to
   * ARPC || CSU in 91 (Book 2 §8.2.2, 0..8, default 0). The card takes 91 out of its CDOL2 field
   * by this length: DOL padding (Book 3 §5.4) makes a shorter 91 indistinguishable from one
   * whose data ends in zeros, so the length is agreed at personalisation.
   */
  arpcProprietaryDataLength?: number;
  /** Key used for the ARPC: the AC session key or the ICC master key. */
  arpcKey: 'session' | 'master';
  /** Issuer master keys (16-byte TDES, hex): AC, secure-messaging integrity, secure-messaging confidentiality. */
  issuerMasterKeys: { ac: string; smi: string; smc: string };
  /** Length of the issuer script MAC in bytes (Book 2 §9.2.1: 4..8). */
  scriptMacLength: number;
  /**
   * Secure-messaging session keys (default 'common'): 'common' = Book 2 A1.3 with R = the
   * application cryptogram of the first GENERATE AC (CCD, M/Chip); 'visa' = VIS SMI/SMC keys
   * (ICC master key xor ATC, src/crypto deriveVisaSmSessionKey).
   */
  scriptKeys?: 'common' | 'visa';
  /**
   * Encipherment of script data (Book 2 §9.3, default 'emv'): 'emv' CBC, always padded (CCD);
   * 'mastercard' CBC, padded only when needed; 'visa' ECB of length byte || data, padded.
   */
  scriptEncryption?: 'emv' | 'mastercard' | 'visa';
  /**
   * The PIN block inside PIN CHANGE/UNBLOCK (default 'iso2'): 'iso2' = ISO 9564 format 2
   * (Book 3 §6.5.12); 'vis' = the VIS PIN block (new PIN xor ICC MK(AC) bytes 5-8 [xor current
   * PIN]), which is what makes P2 '01' (PIN change with the current PIN) possible.
   */
  pinChangeBlock?: 'iso2' | 'vis';
}

export interface RiskProfile {
  /** Lower consecutive offline limit (9F14): above it the card asks to go online. */
  lowerConsecutiveOfflineLimit: number;
  /** Upper consecutive offline limit (9F23): above it the card declines when it cannot go online. */
  upperConsecutiveOfflineLimit: number;
  /** Cumulative offline amount limit in minor units of the application currency (card-internal). */
  cumulativeOfflineAmountLimit: number;
  /** Ask for online when issuer authentication failed (or was missing) in the last online transaction. */
  onlineIfIssuerAuthFailed: boolean;
  /** Ask for online when the PIN try limit was exceeded. */
  onlineIfPinTryLimitExceeded: boolean;
  /** Decline (AAC) instead of asking online when the PIN try limit was exceeded. */
  declineIfPinTryLimitExceeded: boolean;
  /** An online approval without valid issuer authentication counts as failed issuer authentication. */
  issuerAuthenticationRequired: boolean;
  /** Ask for online even when every offline check passed (online-preferring debit cards). */
  preferOnline: boolean;
  /** Ask for online for the first transaction of a new card (no online transaction yet). */
  newCardOnline: boolean;
  /** Block the application when the PIN try limit is exceeded (VIS CVR byte 3 b2). */
  blockApplicationOnPinTryLimitExceeded: boolean;
}

export interface CardProfile {
  name: string;
  description: string;
  /** Transmission protocol announced in the ATR. */
  protocol: 'T=0' | 'T=1';
  /** Whether the card has the Payment System Environment 1PAY.SYS.DDF01 (Book 1 §12.2.3). */
  pse: boolean;
  /** Whether the card has the Proximity Payment System Environment 2PAY.SYS.DDF01 (Book B §3.3.2.2); contactless only. */
  ppse?: boolean;
  applications: ApplicationEntry[];
  languagePreference: string;
  issuerCodeTableIndex: number;
  /** PAN digits; when absent one is generated from panPrefix with a Luhn check digit. */
  pan?: string;
  panPrefix: string;
  panLength: number;
  panSequenceNumber: string;
  /** Expiry and effective dates, YYMMDD (YYMM is accepted in YAML: end/start of month). */
  expiry: string;
  effective: string;
  cardholderName: string;
  serviceCode: string;
  /** ISO 3166 numeric, 4 digits (5F28). */
  issuerCountry: string;
  /** ISO 4217 numeric, 4 digits (9F42). */
  currency: string;
  currencyExponent: number;
  pin: string;
  pinTryLimit: number;
  /** Initial PIN try counter (defaults to the limit; 0 makes a PIN-blocked card). */
  pinTryCounter: number;
  applicationVersion: string;
  /** Application usage control (9F07). */
  auc: string;
  /** Application interchange profile (82); derived from oda and the CVM list when absent. */
  aip?: string;
  oda: OdaMethod;
  /** Offer enciphered offline PIN with the ICC key (Book 2 §7). */
  pinEncipherment: boolean;
  /**
   * A separate ICC PIN encipherment key pair (Book 2 §7.1): its certificate (9F2D, remainder
   * 9F2F, exponent 9F2E) signed by the issuer, and VERIFY P2 '88' deciphered with it instead
   * of the ICC key. Needs pinEncipherment and an issuer certificate (oda other than 'none').
   */
  pinEnciphermentKey?: boolean;
  /** CVM list (8E), or null for a card without one. */
  cvmList: string | null;
  iac: { default: string; denial: string; online: string };
  pdol: string;
  cdol1: string;
  cdol2: string;
  ddol: string;
  sdaTagList: string;
  /** GET PROCESSING OPTIONS response format: 1 (80) or 2 (77). */
  gpoFormat: 1 | 2;
  /** GENERATE AC / INTERNAL AUTHENTICATE response format without CDA: 1 (80) or 2 (77). */
  generateAcFormat: 1 | 2;
  cryptogram: CryptogramProfile;
  risk: RiskProfile;
  /** Number of transaction log records (0 = no log). */
  logRecords: number;
  /** ICC RSA key length when `card new` generates a key. */
  iccKeyBits: number;
  /** Extra primitive data objects placed in the application data record (tag hex -> value hex). */
  extraData: Record<string, string>;
  /** Initial blocked flags. */
  applicationBlocked: boolean;
  cardBlocked: boolean;
  faults: FaultRule[];
  /**
   * When the ATC (9F36) is counted: 'gpo' (default; GET PROCESSING OPTIONS initiates the
   * transaction, Book 3 §6.5.8, as VIS/M/Chip/CPA cards do) or 'first-generate-ac'.
   */
  atcIncrement?: 'gpo' | 'first-generate-ac';
  /**
   * Issuer application data layout (9F10): 'vis' = 06 | DKI | CVN | CVR(4) (default);
   * 'mchip' = M/Chip: DKI | CVN | CVR(6) | DAC/ICC dynamic number(2) | counters(8).
   */
  iadFormat?: 'vis' | 'mchip';
  /** The raw layer: records, FCI, GPO answer and AFL given as bytes (raw-image.ts). */
  raw?: RawImage;
  /** How personalisation signs the ODA certificates (a test card's deliberately expired ones). */
  certificates?: CertificateSettings;
}

/**
 * The certificates personalisation signs (factory.ts odaMaterial), by default valid until the
 * card expires under CAPK E5. A lab sets an expired one here: the card stays consistent (the
 * certificate is signed properly), only the date is past (Book 2 §5.3 step 9, §6.3 step 9, §6.4 step 9).
 */
export interface CertificateSettings {
  /** Issuer public key certificate expiration date, MMYY as in the certificate (Book 2 Table 13). */
  issuerExpiry?: string;
  /** ICC public key certificate expiration date, MMYY (Book 2 Table 14); default the card's expiry month. */
  iccExpiry?: string;
  /** CA public key index (8F) the card names; the issuer certificate is signed by the emvsim test CA whatever it is. */
  caIndex?: string;
}
