/**
 * Issuer risk rules: data, not code (scripts/issuer/rules.yaml). They run
 * after the fixed checks (card, status, expiry, cryptogram, PIN, funds,
 * limits) in file order; the first rule that fires decides, and every rule
 * that fired is written to the ledger (rule_decisions).
 */
import type { ScriptCommandName } from '../scripts.js';

export type RuleAction =
  | { kind: 'decline'; code: string }
  | { kind: 'approve' }
  | { kind: 'approve-with-script'; script: ScriptCommandName; template?: '71' | '72' }
  | { kind: 'refer' };

/** The transaction attributes list rules can match. */
export type ListField = 'merchant' | 'mcc' | 'country' | 'terminal' | 'pan';

interface RuleBase {
  name: string;
  action: RuleAction;
  /** Where the rule was defined (file:line), for messages. */
  source: string;
}

/** Fires when the amount exceeds `factor` x the mean of the last `last` approved amounts (needs `minHistory` of them). */
export interface AmountHistoryRule extends RuleBase {
  type: 'amount-history';
  factor: number;
  last: number;
  minHistory: number;
}

/** Fires when the terminal country differs from the account's home country and the card is not travel-enabled. */
export interface ForeignCountryRule extends RuleBase {
  type: 'foreign-country';
}

/** Fires when the card's count or amount within the window, this request included, exceeds a maximum. */
export interface VelocityRule extends RuleBase {
  type: 'velocity';
  windowSeconds: number;
  maxCount?: number;
  maxAmountMinor?: number;
  /** Count approved transactions only (default) or every attempt. */
  counting: 'approved' | 'attempts';
}

/** Fires when the field's value is in the list (block lists decline, allow lists approve). */
export interface ListRule extends RuleBase {
  type: 'block-list' | 'allow-list';
  field: ListField;
  values: string[];
}

/** Fires when the amount is at least `minAmountMinor` (simple threshold, e.g. refer large amounts). */
export interface AmountThresholdRule extends RuleBase {
  type: 'amount-threshold';
  minAmountMinor: number;
}

export type RiskRule = AmountHistoryRule | ForeignCountryRule | VelocityRule | ListRule | AmountThresholdRule;

export interface RuleSet {
  file: string;
  rules: RiskRule[];
}
