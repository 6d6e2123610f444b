/**
 * src/card/geldkarte: the GeldKarte electronic purse on the emulated girocard
 * and the emulated merchant card (Haendlerkarte). See scheme.ts for what is
 * real and what is modelled.
 *
 *   createPurseCard({ personalisation?, seed? }): EmulatedCard   demo purse 6.83 EUR, PIN 1234
 *   loadPurseCard(file) / newPurseCardFile(file, personalisation?)
 *   createMerchantCard({ seed? }) / loadMerchantCard(file) / newMerchantCardFile(file)
 *   purseStateOf(card): PurseState | undefined
 *   DEMO_MASTER_KEYS, deriveCardKey, schemeMac, receiptMac: what loading host and clearing share
 */
export * from './scheme.js';
export {
  type PurseState,
  type PursePersonalisation,
  DEMO_PURSE,
  PURSE_STATE_KEY,
  buildEfId,
  buildEfBoerse,
  personalisePurse,
  efBetrag,
} from './purse-files.js';
export { purseApplet } from './purse-applet.js';
export { createPurseCard, loadPurseCard, newPurseCardFile, issuePurseCard, installPurse, purseStateOf, PURSE_PROFILE } from './purse-card.js';
export { MerchantCard, createMerchantCard, loadMerchantCard, newMerchantCardFile, type MerchantCardOptions } from './merchant-card.js';
export {
  type MerchantState,
  type MerchantRecord,
  type PendingPayment,
  type MerchantPersonalisation,
  DEMO_MERCHANT,
  personaliseMerchant,
} from './merchant-state.js';
