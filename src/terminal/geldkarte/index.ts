/**
 * src/terminal/geldkarte: the GeldKarte terminal flows over CardTransport only
 * (house rule: no import of src/card).
 *   readPurse(card)                                   balance, limits, card data, logs (real cards too)
 *   pay(purse, merchant, cents, { kind?, now?, liabilityRules? }) -> GeldkarteOutcome
 *   loadPurse(purse, host: LoadingHost, cents, pin)   -> LoadOutcome
 *   settle(merchant, clearing: ClearingHost)           -> { summary, result }
 *   resolvePending(purse, merchant)                   an interrupted payment's fate
 */
export * from './protocol.js';
export * from './records.js';
export { readPurse, readPurseAmounts, type PurseReport } from './read-purse.js';
export { pay, type PaymentOptions } from './payment.js';
export { resolvePending, resolveParked, readMerchantStatus, type MerchantStatus, type RecoveryResult } from './recovery.js';
export { loadPurse, type LoadingHost, type LoadRequest, type LoadApproval, type LoadOutcome, type LoadOptions } from './load.js';
export { settle, fetchSummary, decodeSummary, SUMMARY_LENGTH, type ClearingHost, type SettlementResult, type SettlementSummary, type SummaryTotals, type UnknownPayment } from './settle.js';
export { GELDKARTE_GUARANTEE, geldkarteFacts, type GeldkarteOutcome, type OutcomeOptions } from './outcome.js';
