/**
 * Liability determination: a rules table that is data (scripts/liability/*.yaml),
 * evaluated in order, first match wins. Each rule's `when` names facts of the
 * outcome and the values that match: a scalar (equal), a list (any of), or
 * { not: value-or-list }. Facts: see LiabilityFacts; sources in
 * docs/sources.md §2 (Visa 10.1/10.2/11.3, Mastercard chip liability
 * shift, girocard payment guarantee, ELV, Geldkarte).
 */
import { FieldReader, checkDocument, liabilityRulesSchema, parseYamlSource, type YamlSource } from '../documents/index.js';

export type LiableParty = 'issuer' | 'acquirer' | 'merchant' | 'cardholder' | 'none';

export interface LiabilityFacts {
  outcome: 'approved' | 'declined' | 'terminated';
  entryMode: 'chip' | 'fallback' | 'magstripe';
  scheme: string;
  /** The CVM performed: offline-pin, online-pin, pin-and-signature, signature, no-cvm, failed, none. */
  cvm: string;
  cvmSuccessful: boolean;
  /** The card's CVM List puts a PIN method first (a PIN-preferring chip card, Visa 10.2). */
  cardPinPreferring: boolean;
  /** The card's CVM List has any PIN method. */
  cardSupportsPin: boolean;
  wentOnline: boolean;
  onlineAuthorised: boolean;
  fullChipData: boolean;
  aboveFloorLimit: boolean;
  offlineApproved: boolean;
  pinPadPresent: boolean;
  pinPadWorking: boolean;
  odaResult: string;
  cryptogram: string;
  authorisationResponseCode: string;
  /** girocard with signature: ELV (SEPA direct debit from card data). */
  directDebit: boolean;
}

export interface LiabilityRule {
  id: string;
  when: Record<string, unknown>;
  party: LiableParty;
  reason: string;
  file?: string;
  line?: number;
}

export interface LiabilityTable {
  name: string;
  description: string;
  rules: LiabilityRule[];
}

export interface LiabilityDetermination {
  party: LiableParty;
  rule: string;
  reason: string;
}

export interface LiabilityExplanation extends LiabilityDetermination {
  /** Why each earlier rule did not apply (first failing condition). */
  skipped: { rule: string; because: string }[];
  /** The matched rule's conditions with the facts' values. */
  matched: { fact: string; expected: unknown; actual: unknown }[];
}

const FACT_NAMES: readonly (keyof LiabilityFacts)[] = [
  'outcome', 'entryMode', 'scheme', 'cvm', 'cvmSuccessful', 'cardPinPreferring', 'cardSupportsPin', 'wentOnline',
  'onlineAuthorised', 'fullChipData', 'aboveFloorLimit', 'offlineApproved', 'pinPadPresent', 'pinPadWorking',
  'odaResult', 'cryptogram', 'authorisationResponseCode', 'directDebit',
];
const PARTIES: readonly LiableParty[] = ['issuer', 'acquirer', 'merchant', 'cardholder', 'none'];

function matches(expected: unknown, actual: unknown): boolean {
  if (Array.isArray(expected)) return expected.some((e) => matches(e, actual));
  if (expected !== null && typeof expected === 'object' && 'not' in expected) return !matches((expected as { not: unknown }).not, actual);
  return expected === actual;
}

/** First failing condition of a rule, or undefined when all hold. */
function firstMismatch(rule: LiabilityRule, facts: LiabilityFacts): string | undefined {
  for (const [fact, expected] of Object.entries(rule.when)) {
    const actual = (facts as unknown as Record<string, unknown>)[fact];
    if (!matches(expected, actual)) return `${fact} is ${JSON.stringify(actual)}, rule wants ${JSON.stringify(expected)}`;
  }
  return undefined;
}

export function explainLiability(facts: LiabilityFacts, rules: readonly LiabilityRule[]): LiabilityExplanation {
  const skipped: { rule: string; because: string }[] = [];
  for (const rule of rules) {
    const miss = firstMismatch(rule, facts);
    if (miss) {
      skipped.push({ rule: rule.id, because: miss });
      continue;
    }
    return {
      party: rule.party,
      rule: rule.id,
      reason: rule.reason,
      skipped,
      matched: Object.entries(rule.when).map(([fact, expected]) => ({ fact, expected, actual: (facts as unknown as Record<string, unknown>)[fact] })),
    };
  }
  return { party: 'none', rule: '(no rule matched)', reason: 'no liability rule matched these facts', skipped, matched: [] };
}

export function determineLiability(facts: LiabilityFacts, rules: readonly LiabilityRule[]): LiabilityDetermination {
  const { party, rule, reason } = explainLiability(facts, rules);
  return { party, rule, reason };
}

/** Parses a liability table; every field is validated with file:line. */
export function parseLiabilityTable(text: string, file: string): LiabilityTable {
  return liabilityTableOf(parseYamlSource(text, file));
}

/** A parsed liability table document to the table (its loader, liability-file.ts, reads the file). */
export function liabilityTableOf(src: YamlSource): LiabilityTable {
  const file = src.file;
  checkDocument(src, liabilityRulesSchema(FACT_NAMES, PARTIES));
  const r = new FieldReader(src);
  // The schema checked the shapes, the fact names and the parties (also each variable's value); left
  // here: a `$name` party names a variable that exists, and rule ids are unique.
  const variables = (r.raw(['variables']) ?? {}) as Record<string, unknown>;
  const rules: LiabilityRule[] = r.list(['rules'], true).map((_, i) => {
    const id = r.string(['rules', i, 'id']);
    let party = r.string(['rules', i, 'party']);
    // `party: $name` takes the value of a variable: a configurable rule (e.g. fallback liability).
    if (party.startsWith('$')) {
      const v = variables[party.slice(1)];
      if (typeof v !== 'string') throw src.error(['rules', i, 'party'], `variable ${party} is not defined under variables`);
      party = v;
    }
    const when = r.raw(['rules', i, 'when']) ?? {};
    const line = src.lineOf(['rules', i]);
    return { id, when: when as Record<string, unknown>, party: party as LiableParty, reason: r.string(['rules', i, 'reason']), file, ...(line ? { line } : {}) };
  });
  const ids = new Set<string>();
  rules.forEach((rule, i) => {
    if (ids.has(rule.id)) throw src.error(['rules', i, 'id'], `duplicate rule id '${rule.id}'`);
    ids.add(rule.id);
  });
  return { name: r.string(['name'], file), description: r.string(['description'], ''), rules };
}
