/**
 * The issuer's decision for one 0100/0200, checks in a fixed order, each with
 * its ISO 8583 response code (docs/sources.md §4; ISO 8583:1987 field 39):
 *
 *   1. unknown card                                        14
 *   2. card status: lost 41, stolen 43 (+ APPLICATION BLOCK script), blocked 62
 *   3. expired                                             54
 *      no chip data (no field 55): card data checks, card-data-check.ts (30 field 14/35, 54, 05 service-code)
 *   4. cryptogram: ARQC wrong or missing on a chip read,   05  (decidedBy arqc / arqc-missing)
 *      ATC at or below the last seen (replay),             05  (decidedBy atc-replay)
 *      ATC beyond the last seen + window (clone suspected) 05  (decidedBy atc-window)
 *   5. online PIN: wrong 55, issuer try limit reached 75 (+ PIN UNBLOCK script after a good PIN on a blocked card)
 *   6. currency (field 49): converted into the account's (currency.ts, TEST ONLY rates); no rate: 12 (decidedBy currency)
 *      funds (in the account's currency)                   51
 *   7. daily limits: amount 61, count 65
 *   8. risk rules (rules.yaml): first rule that fires decides (its own code; refer = 01)
 *
 * Why 05 for cryptographic failures: ISO 8583:1987 has no "cryptogram
 * failure" code (Mastercard's 88 and Visa's 82 are network-private), and "do
 * not honour" tells a probing attacker nothing. The ledger keeps the precise
 * reason (decidedBy and reason columns).
 */
import type { Bytes } from '../apdu/index.js';
import type { AuthorisationRequest } from '../terminal/index.js';
import { checkNonChipCardData } from './card-data-check.js';
import { checkArqc, type CryptogramContext } from './cryptogram-check.js';
import { type Account, type CardRecord, findCard, findIssuerKeys, getAccount } from './db/records.js';
import type { IssuerDatabase } from './db/schema.js';
import { accountUsageOnDay, startOfDay } from './ledger.js';
import { verifyOnlinePin, type ZoneKeys } from './online-pin.js';
import { evaluateRules, type RuleFiring } from './rules/evaluate.js';
import type { RiskRule } from './rules/types.js';
import { convertAmount } from './currency.js';
import { issuerScript } from './scripts.js';
import { seedCard, type SeedCard } from './seed.js';

export interface DecisionInput {
  db: IssuerDatabase;
  request: AuthorisationRequest;
  rules: readonly RiskRule[];
  zoneKeys: ZoneKeys;
  /** Host clock (ms). */
  now: number;
  /** How far beyond the last seen ATC a new ATC may be before cloning is suspected. */
  atcWindow: number;
  /** In-process hosts only: the card to enrol when the PAN is unknown (undefined = 14). */
  enrol?: (request: AuthorisationRequest) => SeedCard | undefined;
}

export interface Decision {
  responseCode: string;
  decidedBy?: string;
  /** The precise reason for the ledger and the operator's console. */
  reason: string;
  card?: CardRecord;
  account?: Account;
  cryptogram?: CryptogramContext;
  scripts: Bytes[];
  /** Card state to write back in the same transaction. */
  cardChanges: Partial<Pick<CardRecord, 'lastAtc' | 'pinTries' | 'offlinePinBlocked' | 'applicationBlockSent'>>;
  ruleFirings: RuleFiring[];
  /** Method 2 CSU: ask the card to block its application. */
  blockApplication: boolean;
  /** Amount plus cashback in the account's currency (set once the currency check passed). */
  billingAmountMinor?: number;
}

const CHIP_ENTRY_MODES = new Set(['05', '07']);
const STATUS_CODES = { lost: '41', stolen: '43', blocked: '62' } as const;

function yymmOf(now: number): string {
  const d = new Date(now);
  return String(d.getUTCFullYear() % 100).padStart(2, '0') + String(d.getUTCMonth() + 1).padStart(2, '0');
}

export function decide(input: DecisionInput): Decision {
  const { db, request, now } = input;
  const d: Decision = { responseCode: '00', reason: 'approved', scripts: [], cardChanges: {}, ruleFirings: [], blockApplication: false };
  const decline = (code: string, decidedBy: string, reason: string): Decision => Object.assign(d, { responseCode: code, decidedBy, reason });

  // 1. Unknown card (14).
  let card = findCard(db, request.pan, request.panSequenceNumber);
  const enrolment = card ? undefined : input.enrol?.(request);
  if (enrolment) {
    seedCard(db, enrolment);
    card = findCard(db, request.pan, request.panSequenceNumber);
  }
  const keys = findIssuerKeys(db, request.pan);
  if (!card) return decline('14', 'unknown-card', `no card ${request.pan}${request.panSequenceNumber ? `/${request.panSequenceNumber}` : ''}`);
  if (!keys) return decline('14', 'unknown-card', `no issuer master keys for the BIN of ${request.pan}`);
  d.card = card;
  const account = getAccount(db, card.accountId)!;
  d.account = account;

  // The cryptogram is verified up front because even a status decline answers with an ARPC and scripts.
  const hasArqc = request.iccData.has('9F26');
  const check = hasArqc ? checkArqc(card, keys, request.iccData) : undefined;
  if (check?.ok) d.cryptogram = check.context;

  // 2. Card status (41 lost, 43 stolen, 62 blocked/restricted).
  if (card.status !== 'active') {
    if (card.status === 'stolen' && d.cryptogram) {
      // Book 3 §6.5.1: block the application of a card reported stolen; the CSU (method 2) says so too.
      d.scripts.push(issuerScript('application-block', d.cryptogram, { macLength: card.scriptMacLength }));
      d.blockApplication = true;
      d.cardChanges.applicationBlockSent = true;
    }
    return decline(STATUS_CODES[card.status], 'card-status', `card reported ${card.status}`);
  }

  // 3. Expiry (54): the card record's YYMM, valid through the end of that month.
  if (card.expiry < yymmOf(now)) return decline('54', 'expiry', `card expired ${card.expiry}`);
  if (request.iccData.size === 0) {
    const bad = checkNonChipCardData(card, request);
    if (bad) return decline(bad.code, bad.decidedBy, bad.reason);
  }

  // 4. Cryptogram and ATC (05).
  const chipRead = CHIP_ENTRY_MODES.has(request.posEntryMode.slice(0, 2));
  if (!check) {
    if (chipRead) return decline('05', 'arqc-missing', 'chip read without an ARQC (9F26) in field 55');
  } else if (!check.ok) {
    return decline('05', check.missingData ? 'arqc-missing' : 'arqc', check.reason);
  } else {
    const atc = check.context.atc;
    if (card.lastAtc !== null && atc <= card.lastAtc) {
      return decline('05', 'atc-replay', `ATC ${atc} at or below the last seen ${card.lastAtc}: replayed cryptogram`);
    }
    if (card.lastAtc !== null && atc > card.lastAtc + input.atcWindow) {
      return decline('05', 'atc-window', `ATC ${atc} is more than ${input.atcWindow} beyond the last seen ${card.lastAtc}: cloned card suspected`);
    }
    d.cardChanges.lastAtc = atc;
  }

  // 5. Online PIN (55 wrong, 75 issuer try limit).
  if (request.pinBlock) {
    if (card.pinOffset === null) return decline('55', 'pin', 'online PIN given but the issuer holds no PIN for this card');
    const { result, pinTries } = verifyOnlinePin(input.zoneKeys, { ...card, pinOffset: card.pinOffset }, request.pinBlock);
    d.cardChanges.pinTries = pinTries;
    if (result.outcome === 'tries-exceeded') return decline('75', 'pin-tries', `online PIN tries exhausted (${pinTries}/${card.pinTryLimit})`);
    if (result.outcome === 'wrong') return decline('55', 'pin', `wrong online PIN, ${result.triesLeft} tries left`);
    if (card.offlinePinBlocked && d.cryptogram) {
      // Book 3 §6.5.10: the cardholder proved the PIN online; unblock the card's offline PIN.
      d.scripts.push(issuerScript('pin-unblock', d.cryptogram, { macLength: card.scriptMacLength }));
      d.cardChanges.offlinePinBlocked = false;
    }
  }

  // 6. Currency: the amount is held, posted and checked in the account's currency (700 JPY is not 7.00 EUR).
  // A currency without a rate cannot be booked: 12 invalid transaction (ISO 8583:1987 field 39).
  const billing = convertAmount(request.amountMinor + (request.otherAmountMinor ?? 0), request.currency, account.currency);
  if (billing === undefined) return decline('12', 'currency', `no conversion rate from currency ${request.currency} (field 49) to the account's ${account.currency}`);
  d.billingAmountMinor = billing;

  const refund = request.transactionType === '20';
  if (!refund) {
    // 6. Funds (51): available = balance - held.
    const amount = billing;
    const available = account.balanceMinor - account.heldMinor;
    if (amount > available) return decline('51', 'funds', `amount ${amount} exceeds available ${available}`);

    // 7. Daily limits (61 amount, 65 count).
    const usage = accountUsageOnDay(db, account.id, startOfDay(now));
    if (usage.amountMinor + amount > account.dailyAmountLimitMinor) {
      return decline('61', 'amount-limit', `daily amount ${usage.amountMinor + amount} exceeds ${account.dailyAmountLimitMinor}`);
    }
    if (usage.count + 1 > account.dailyCountLimit) {
      return decline('65', 'count-limit', `daily count ${usage.count + 1} exceeds ${account.dailyCountLimit}`);
    }

    // 8. Risk rules: the first that fires decides.
    d.ruleFirings = evaluateRules(input.rules, { db, request, card, account, now });
    const first = d.ruleFirings[0];
    if (first) {
      const action = first.action;
      d.decidedBy = first.rule;
      d.reason = `${first.rule}: ${first.detail}`;
      if (action.kind === 'decline') d.responseCode = action.code;
      else if (action.kind === 'refer') d.responseCode = '01';
      else if (action.kind === 'approve-with-script' && d.cryptogram) {
        d.scripts.push(issuerScript(action.script, d.cryptogram, { macLength: card.scriptMacLength, ...(action.template ? { template: action.template } : {}) }));
      }
    }
  }
  return d;
}
