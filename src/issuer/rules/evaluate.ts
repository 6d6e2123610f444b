/**
 * Evaluates the risk rules against one request (inside the decision
 * transaction, so history and velocity see every committed transaction).
 * Returns every rule that fired, in file order; the first one decides.
 */
import type { AuthorisationRequest } from '../../terminal/index.js';
import type { Account, CardRecord } from '../db/records.js';
import type { IssuerDatabase } from '../db/schema.js';
import { countryDigits } from '../iso8583/mapping.js';
import { cardActivitySince, recentApprovedAmounts } from '../ledger.js';
import type { ListField, RiskRule, RuleAction } from './types.js';

export interface RuleFiring {
  rule: string;
  action: RuleAction;
  detail: string;
}

export interface RuleInput {
  db: IssuerDatabase;
  request: AuthorisationRequest;
  card: CardRecord;
  account: Account;
  /** Host clock, ms since the epoch. */
  now: number;
}

function listValue(field: ListField, request: AuthorisationRequest): string | undefined {
  switch (field) {
    case 'merchant':
      return request.merchantId;
    case 'mcc':
      return request.merchantCategoryCode;
    case 'country':
      return countryDigits(request.terminalCountry);
    case 'terminal':
      return request.terminalId;
    case 'pan':
      return request.pan;
  }
}

/** Why a rule fires, or undefined when it does not. */
function fires(rule: RiskRule, input: RuleInput): string | undefined {
  const { request, card, account, db, now } = input;
  const amount = request.amountMinor + (request.otherAmountMinor ?? 0);
  switch (rule.type) {
    case 'amount-history': {
      const history = recentApprovedAmounts(db, card.pan, rule.last);
      if (history.length < rule.minHistory) return undefined;
      const mean = history.reduce((a, b) => a + b, 0) / history.length;
      return amount > rule.factor * mean
        ? `amount ${amount} > ${rule.factor} x mean ${mean.toFixed(2)} of the last ${history.length} approved`
        : undefined;
    }
    case 'foreign-country': {
      const country = countryDigits(request.terminalCountry);
      return country !== account.homeCountry && !card.travelEnabled
        ? `terminal country ${country} is not home country ${account.homeCountry} and the card is not travel-enabled`
        : undefined;
    }
    case 'velocity': {
      const since = now - rule.windowSeconds * 1000;
      const seen = cardActivitySince(db, card.pan, since, rule.counting === 'approved');
      const count = seen.count + 1;
      const total = seen.amountMinor + amount;
      if (rule.maxCount !== undefined && count > rule.maxCount) {
        return `${count} transactions in ${rule.windowSeconds} s exceed ${rule.maxCount}`;
      }
      if (rule.maxAmountMinor !== undefined && total > rule.maxAmountMinor) {
        return `amount ${total} in ${rule.windowSeconds} s exceeds ${rule.maxAmountMinor}`;
      }
      return undefined;
    }
    case 'block-list':
    case 'allow-list': {
      const value = listValue(rule.field, request);
      return value !== undefined && rule.values.includes(value) ? `${rule.field} ${value} is on the ${rule.type}` : undefined;
    }
    case 'amount-threshold':
      return amount >= rule.minAmountMinor ? `amount ${amount} >= ${rule.minAmountMinor}` : undefined;
  }
}

export function evaluateRules(rules: readonly RiskRule[], input: RuleInput): RuleFiring[] {
  const out: RuleFiring[] = [];
  for (const rule of rules) {
    const detail = fires(rule, input);
    if (detail !== undefined) out.push({ rule: rule.name, action: rule.action, detail });
  }
  return out;
}
