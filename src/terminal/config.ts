/**
 * Terminal configuration: what a terminal profile in scripts/terminals/*.yaml
 * describes (Book 4 §4 terminal types and capabilities, Book 3 §10.6 and §10.7
 * risk parameters and action codes per application). Loaded and validated by
 * config-loader.ts.
 */

/** Action codes per application (Book 3 §10.7): hex, 5 bytes each, TVR layout. */
export interface TerminalActionCodes {
  denial: string;
  online: string;
  default: string;
}

/** Book 3 §10.6.2 random transaction selection parameters. */
export interface RandomSelectionParameters {
  /** Threshold value for biased random selection, minor units (below the floor limit). */
  thresholdMinor: number;
  /** Target percentage used for random selection (0..99). */
  targetPercent: number;
  /** Maximum target percentage used for biased random selection (0..99, >= target). */
  maxTargetPercent: number;
}

export type Scheme = 'visa' | 'mastercard' | 'girocard' | 'geldkarte' | 'other';

/** One application the terminal supports (Book 3 §12.3 "terminal list of applications"). */
export interface SupportedApplication {
  /** AID in hex (5 to 16 bytes). */
  aid: string;
  label: string;
  /** Application Selection Indicator: true = the card AID may be longer than this one (partial match, Book 1 §12.3.1). */
  partialSelection: boolean;
  /** Application version number of the terminal (9F09), hex 2 bytes. */
  applicationVersion: string;
  /** Terminal floor limit (9F1B) in minor units. */
  floorLimitMinor: number;
  tac: TerminalActionCodes;
  randomSelection: RandomSelectionParameters;
  /** Default DDOL and TDOL (Book 3 §10.3 / §5.1.3), hex DOLs. */
  defaultDdol: string;
  defaultTdol: string;
  scheme: Scheme;
}

export interface ExceptionFileEntry {
  pan: string;
  /** PAN sequence number, two digits; absent matches every sequence number. */
  panSequenceNumber?: string;
}

/**
 * The PIN pad's online PIN encipherment (Book 3 §10.5.1, Book 4 §6.3.4.2, ISO
 * 9564-1 §8): the PIN block leaves the PIN pad only enciphered under the PIN
 * encryption key (TPK/ZPK) the terminal shares with its acquirer host.
 */
export interface OnlinePinEncipherment {
  /** ISO 9564-1 PIN block format: 0, 1, 3 enciphered with TDES; 4 with AES (§9.4.2). */
  format: 0 | 1 | 3 | 4;
  /** PIN encryption key, hex: 16 or 24 bytes TDES (formats 0, 1, 3); 16, 24 or 32 bytes AES (format 4). */
  key: string;
  /** Where the key came from, for messages (never the key itself): 'inline' or 'FILE#NAME'. */
  keySource: string;
}

export interface TerminalConfig {
  /** Profile name (file name without .yaml). */
  name: string;
  description: string;
  /** Terminal type (9F35), e.g. 0x22 merchant attended offline with online capability (Book 4 Annex A1). */
  terminalType: number;
  /** Terminal capabilities (9F33), hex 3 bytes (Book 4 Annex A2). */
  capabilities: string;
  /** Additional terminal capabilities (9F40), hex 5 bytes (Book 4 Annex A3). */
  additionalCapabilities: string;
  /** ISO 3166 numeric country (9F1A), three digits. */
  countryCode: string;
  /** ISO 4217 numeric currency (5F2A), three digits, and its exponent (5F36). */
  currencyCode: string;
  currencyExponent: number;
  /** Terminal identification (9F1C), 8 characters. */
  terminalId: string;
  /** IFD serial number (9F1E), 8 characters. */
  ifdSerialNumber: string;
  /** Acquirer identifier (9F01), up to 11 digits. */
  acquirerId: string;
  merchant: {
    /** Merchant identifier (9F16), 15 characters. */
    id: string;
    /** Merchant category code (9F15), 4 digits. */
    categoryCode: string;
    /** Merchant name and location (9F4E). */
    nameLocation: string;
  };
  /** Physical PIN pad: present and working (Book 3 §10.5.2: the kernel checks before asking for a PIN). */
  pinPad: { present: boolean; working: boolean };
  /** Online PIN encipherment; absent: the PIN pad has no PIN key and cannot perform online PIN. */
  onlinePin?: OnlinePinEncipherment;
  /** Whether the chip reader works; when it does not and fallback is allowed, the transaction falls back to magstripe. */
  chipReaderWorking: boolean;
  /** Fallback to magstripe after a chip failure is allowed (scheme rule, liability fact). */
  magstripeFallbackAllowed: boolean;
  /** Try the PSE (1PAY.SYS.DDF01) before the list of AIDs (Book 1 §12.3.2). */
  usePse: boolean;
  applications: SupportedApplication[];
  /** CAPK store files under scripts/capk/ (Book 2 §11.2). */
  capkFiles: string[];
  /** Terminal exception file (hot card list), Book 3 §10.6.1 / Book 4 §6.5.2. */
  exceptionFile: ExceptionFileEntry[];
  /** Liability rules table (scripts/liability/<name>.yaml). */
  liabilityRules: string;
  /**
   * How long the kernel waits for the card's answer to one command, in ms (default
   * DEFAULT_CARD_TIMEOUT_MS). A card that stays silent longer ends the transaction as
   * terminated with a reason naming the command, instead of leaving it waiting forever.
   */
  cardTimeoutMs?: number;
}

/** Default bounded wait per card command: generous for slow RSA cards and PIN-pad readers. */
export const DEFAULT_CARD_TIMEOUT_MS = 30_000;

/** Decoded terminal type (Book 4 Annex A1 Table 24). */
export function terminalTypeInfo(type: number): { attended: boolean; onlineCapable: boolean; offlineCapable: boolean } {
  const unit = type % 16;
  return {
    attended: unit >= 1 && unit <= 3,
    onlineCapable: [1, 2, 4, 5].includes(unit),
    offlineCapable: [2, 3, 5, 6].includes(unit),
  };
}

/** Terminal capabilities (9F33) bits used by the kernel (Book 4 Annex A2 Table 25). */
export const TERMINAL_CAPABILITY = {
  manualKeyEntry: [0, 0x80],
  magneticStripe: [0, 0x40],
  icWithContacts: [0, 0x20],
  plaintextPinForIcc: [1, 0x80],
  encipheredPinOnline: [1, 0x40],
  signature: [1, 0x20],
  encipheredPinOffline: [1, 0x10],
  noCvmRequired: [1, 0x08],
  sda: [2, 0x80],
  dda: [2, 0x40],
  cardCapture: [2, 0x20],
  cda: [2, 0x08],
} as const satisfies Record<string, readonly [number, number]>;

export type TerminalCapability = keyof typeof TERMINAL_CAPABILITY;

export function hasCapability(capabilities: Uint8Array, cap: TerminalCapability): boolean {
  const [byte, mask] = TERMINAL_CAPABILITY[cap];
  return ((capabilities[byte] ?? 0) & mask) !== 0;
}
