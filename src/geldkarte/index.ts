/**
 * emvsim/geldkarte: the GeldKarte electronic purse, both sides. Cards: the
 * purse card (a girocard with the purse applet) and the merchant card (the
 * terminal's secure module). Terminal: read the purse and its logs, pay and
 * refund, load, recover parked payments, settle with a clearing host.
 *
 *   const purse = createPurseCard({ seed: 1 });
 *   const merchant = createMerchantCard();
 *   const outcome = await pay(purse, merchant, 250, { kind: 'debit' });   // 2.50 EUR
 */
export {
  createPurseCard,
  loadPurseCard,
  newPurseCardFile,
  PURSE_PROFILE,
  DEMO_PURSE,
  type PurseState,
  MerchantCard,
  createMerchantCard,
  loadMerchantCard,
  newMerchantCardFile,
  type MerchantCardOptions,
  DEMO_MERCHANT,
  type MerchantState,
  type MerchantRecord,
  type PendingPayment,
} from '../card/geldkarte/index.js';
export {
  readPurse,
  readPurseAmounts,
  type PurseReport,
  pay,
  type PaymentOptions,
  resolvePending,
  resolveParked,
  readMerchantStatus,
  type MerchantStatus,
  type RecoveryResult,
  loadPurse,
  type LoadingHost,
  type LoadRequest,
  type LoadApproval,
  type LoadOutcome,
  type LoadOptions,
  settle,
  decodeSummary,
  type ClearingHost,
  type SettlementResult,
  type SettlementSummary,
  type UnknownPayment,
  GELDKARTE_GUARANTEE,
  geldkarteFacts,
  type GeldkarteOutcome,
  type OutcomeOptions,
  GeldkarteError,
  decodeEfId,
  decodeEfBetrag,
  decodeEfBoerse,
  decodeLoadLog,
  decodeDebitLog,
  formatAmount,
  parseAmount,
  type EfId,
  type EfBetrag,
  type EfBoerse,
  type LoadLogRecord,
  type DebitLogRecord,
} from '../terminal/geldkarte/index.js';
