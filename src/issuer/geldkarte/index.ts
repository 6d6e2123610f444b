/**
 * The GeldKarte back office (MODELLED, see src/card/geldkarte/scheme.ts): the loading host
 * (Ladezentrale), the issuer's record of purse debits (shadow account), the clearing ledger
 * (Haendlerevidenzzentrale), the merchant terminal's settlement link with its outbox, and the
 * files they are kept in. docs/geldkarte.md describes them.
 */
export { ClearingLedger, emptyClearingState, type ClearingState, type OpenUnknown, type SettledSummary } from './clearing-ledger.js';
export { InProcessLoadingHost, LOAD_CENTRE_ID, type LoadingHostOptions } from './loading-host.js';
export { ShadowAccounts, type PurseDebitFinding, type PurseDebitRecordState, type PurseShadowAccounts } from './shadow-account.js';
export { deliverPending, memoryOutbox, settleDay, SETTLE_KILL_POINTS, type Delivery, type PendingSummary, type SettleDayResult, type SummaryOutbox } from './settlement-link.js';
export { fileOutbox, openClearingLedger, openPurseDebitRecord, outboxPathOf } from './files.js';
export { KILL_POINT_ENV } from './kill-point.js';
