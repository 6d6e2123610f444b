/**
 * Entry Point Pre-Processing (EMV Book B v2.x §3.1): for each Combination of
 * AID and Kernel ID the reader supports, the Entry Point Pre-Processing
 * Indicators (Book A Table 5-3) from the transaction amount and the
 * combination's configuration: contactless transaction limit, contactless floor
 * limit (or terminal floor limit), CVM required limit, status check, zero
 * amount, and the Copy of the Terminal Transaction Qualifiers (9F66) with
 * byte 2 b8 'Online cryptogram required' and b7 'CVM required' set from them.
 * Requirement numbers as tagged in emerald79/libpay src/libemv/emv_ep.c.
 * Pure: no I/O.
 */
import { type Bytes, fromHex } from '../../apdu/index.js';
import { MESSAGES, type Outcome, entryPointOutcome } from './outcome.js';

/** One reader Combination {AID, Kernel ID} and its Entry Point Configuration Data (Book A Table 5-2). */
export interface Combination {
  /** Terminal AID, 5..16 bytes hex (matched fully or as a prefix of the ADF Name, §3.3.2.5 B). */
  aid: string;
  /** Kernel ID hex: 1 byte (b8b7 || short ID) or 3 bytes (with extended ID). */
  kernelId: string;
  /** Transaction types (9C) the combination applies to; absent = all. */
  transactionTypes?: readonly number[];
  statusCheckSupport?: boolean;
  zeroAmountAllowed?: boolean;
  /** Amounts in minor units of the transaction currency. Absent = the limit is not configured. */
  readerContactlessTransactionLimit?: number;
  readerContactlessFloorLimit?: number;
  /** Terminal Floor Limit (9F1B), used only when the reader contactless floor limit is absent (§3.1.1.7). */
  terminalFloorLimit?: number;
  readerCvmRequiredLimit?: number;
  /** Terminal Transaction Qualifiers (9F66), 4 bytes hex. */
  ttq?: string;
  extendedSelectionSupport?: boolean;
}

/** Transaction data Entry Point is activated with (Book B §2.2, Start A/B). */
export interface EntryPointTransaction {
  /** Amount, Authorised (9F02) in minor units. */
  amountAuthorised: number;
  amountOther?: number;
  /** Transaction Type (9C). */
  transactionType: number;
  /** Transaction Currency Exponent (5F36): one unit of currency is 10^exponent minor units (status check). */
  currencyExponent: number;
}

/** Entry Point Pre-Processing Indicators (Book A Table 5-3). */
export interface PreProcessingIndicators {
  statusCheckRequested: boolean;
  contactlessApplicationNotAllowed: boolean;
  zeroAmount: boolean;
  readerCvmRequiredLimitExceeded: boolean;
  readerContactlessFloorLimitExceeded: boolean;
  /** Copy of TTQ, when the combination is configured with a TTQ. */
  ttq: Bytes | undefined;
}

const TTQ_B1_OFFLINE_ONLY_READER = 0x08;
const TTQ_B2_ONLINE_CRYPTOGRAM_REQUIRED = 0x80;
const TTQ_B2_CVM_REQUIRED = 0x40;

/** Indicators for one combination (§3.1.1.1 - §3.1.1.12). */
export function preProcessCombination(c: Combination, tx: EntryPointTransaction): PreProcessingIndicators {
  const amount = tx.amountAuthorised;
  // 3.1.1.1: indicators start at 0.
  const ind: PreProcessingIndicators = {
    statusCheckRequested: false,
    contactlessApplicationNotAllowed: false,
    zeroAmount: false,
    readerCvmRequiredLimitExceeded: false,
    readerContactlessFloorLimitExceeded: false,
    ttq: undefined,
  };
  // 3.1.1.2: copy the TTQ, with 'online cryptogram required' and 'CVM required' reset.
  if (c.ttq !== undefined) {
    ind.ttq = fromHex(c.ttq);
    ind.ttq[1] = ind.ttq[1]! & ~(TTQ_B2_ONLINE_CRYPTOGRAM_REQUIRED | TTQ_B2_CVM_REQUIRED);
  }
  // 3.1.1.3: status check when the amount is a single unit of currency.
  if (c.statusCheckSupport === true && amount === 10 ** tx.currencyExponent) ind.statusCheckRequested = true;
  // 3.1.1.4: zero amount.
  if (amount === 0) {
    if (c.zeroAmountAllowed === false) ind.contactlessApplicationNotAllowed = true;
    else ind.zeroAmount = true;
  }
  // 3.1.1.5: contactless transaction limit (greater than or equal).
  if (c.readerContactlessTransactionLimit !== undefined && amount >= c.readerContactlessTransactionLimit) ind.contactlessApplicationNotAllowed = true;
  // 3.1.1.6: contactless floor limit (greater than).
  if (c.readerContactlessFloorLimit !== undefined && amount > c.readerContactlessFloorLimit) ind.readerContactlessFloorLimitExceeded = true;
  // 3.1.1.7: terminal floor limit when no reader contactless floor limit.
  if (c.readerContactlessFloorLimit === undefined && c.terminalFloorLimit !== undefined && amount > c.terminalFloorLimit) ind.readerContactlessFloorLimitExceeded = true;
  // 3.1.1.8: CVM required limit (greater than or equal).
  if (c.readerCvmRequiredLimit !== undefined && amount >= c.readerCvmRequiredLimit) ind.readerCvmRequiredLimitExceeded = true;
  const ttq = ind.ttq;
  if (ttq) {
    // 3.1.1.9, 3.1.1.10: floor limit exceeded or status check -> online cryptogram required.
    if (ind.readerContactlessFloorLimitExceeded || ind.statusCheckRequested) ttq[1] = ttq[1]! | TTQ_B2_ONLINE_CRYPTOGRAM_REQUIRED;
    // 3.1.1.11: zero amount -> online cryptogram required, or not allowed on an offline-only reader.
    if (ind.zeroAmount) {
      if (ttq[0]! & TTQ_B1_OFFLINE_ONLY_READER) ind.contactlessApplicationNotAllowed = true;
      else ttq[1] = ttq[1]! | TTQ_B2_ONLINE_CRYPTOGRAM_REQUIRED;
    }
    // 3.1.1.12: CVM required limit exceeded -> CVM required.
    if (ind.readerCvmRequiredLimitExceeded) ttq[1] = ttq[1]! | TTQ_B2_CVM_REQUIRED;
  }
  return ind;
}

/** Whether a combination applies to the transaction type (Book A §5.2: combinations are configured per type). */
export function appliesTo(c: Combination, tx: EntryPointTransaction): boolean {
  return c.transactionTypes === undefined || c.transactionTypes.includes(tx.transactionType);
}

export interface PreProcessingResult {
  /** Indicators per combination, in the order of `combinations` (undefined: not for this transaction type). */
  indicators: (PreProcessingIndicators | undefined)[];
  /** 3.1.1.13: Try Another Interface when no combination is allowed. */
  outcome: Outcome | undefined;
}

/** Pre-processing of every combination (§3.1.1). */
export function preProcess(combinations: readonly Combination[], tx: EntryPointTransaction): PreProcessingResult {
  const indicators = combinations.map((c) => (appliesTo(c, tx) ? preProcessCombination(c, tx) : undefined));
  const allowed = indicators.some((i) => i !== undefined && !i.contactlessApplicationNotAllowed);
  // 3.1.1.13: Try Another Interface, UI Request '18' "Please Insert or Swipe Card", status Processing Error.
  const outcome = allowed ? undefined : entryPointOutcome('try-another-interface', { messageId: MESSAGES.insertOrSwipeCard, status: 'processing-error' });
  return { indicators, outcome };
}
