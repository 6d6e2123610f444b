/**
 * Rule and key documents: liability rules (scripts/liability/*.yaml, read by
 * the terminal), issuer risk rules (scripts/issuer/rules.yaml, read by the
 * issuer host) and key files (scripts/keys/*.yaml). The fact, party and
 * script names belong to the layer that evaluates them, which passes them in.
 */
import type { JsonSchema } from '../schema.js';
import { hex, integer, list, mapping, oneOfValues, text } from './common.js';

const FACT_VALUE: JsonSchema = {
  anyOf: [
    { type: ['string', 'boolean', 'number'] },
    { type: 'array', items: { type: ['string', 'boolean', 'number'] } },
    mapping({ not: { anyOf: [{ type: ['string', 'boolean', 'number'] }, { type: 'array', items: { type: ['string', 'boolean', 'number'] } }] } }, ['not']),
  ],
  description: 'A value (equal), a list (any of) or { not: value-or-list }.',
};

const cacheByFacts = new Map<string, JsonSchema>();

/** Liability rules: first matching rule decides; `party: $name` takes a variable. */
export function liabilityRulesSchema(facts: readonly string[], parties: readonly string[]): JsonSchema {
  const key = `${facts.join()}|${parties.join()}`;
  let schema = cacheByFacts.get(key);
  if (!schema) {
    const when = { ...mapping(Object.fromEntries(facts.map((f) => [f, FACT_VALUE])), [], 'Facts of the outcome and the values that match.'), 'x-unknown': 'fact' };
    const party: JsonSchema = { type: 'string', pattern: `^(${parties.join('|')}|\\$[A-Za-z_][A-Za-z0-9_]*)$`, 'x-expected': `one of ${parties.join(', ')} or $variable` };
    schema = mapping(
      {
        name: text(),
        description: text(),
        variables: { type: 'object', additionalProperties: { enum: [...parties] }, description: 'Values a rule takes with party: $name.' },
        rules: list(mapping({ id: text(), when, party, reason: text() }, ['id', 'party', 'reason']), 1),
      },
      ['rules'],
      'emvsim liability rules.',
    );
    cacheByFacts.set(key, schema);
  }
  return schema;
}

const RULE_TYPE_FIELDS: Record<string, Record<string, JsonSchema>> = {
  'amount-history': { factor: { type: 'number', minimum: 0 }, last: integer(1, 1_000_000), minHistory: integer(1, 1_000_000) },
  'foreign-country': {},
  velocity: { windowSeconds: integer(1, 366 * 86_400), maxCount: integer(1, 1_000_000_000), maxAmountMinor: { ...integer(1, Number.MAX_SAFE_INTEGER), 'x-amount': true }, counting: oneOfValues(['approved', 'attempts']) },
  'block-list': { field: oneOfValues(['merchant', 'mcc', 'country', 'terminal', 'pan']), values: list(text(), 1) },
  'allow-list': { field: oneOfValues(['merchant', 'mcc', 'country', 'terminal', 'pan']), values: list(text(), 1) },
  'amount-threshold': { minAmountMinor: { ...integer(1, Number.MAX_SAFE_INTEGER), 'x-amount': true } },
};

/** Issuer risk rules: each rule's fields depend on its type. */
export function issuerRulesSchema(scriptCommands: readonly string[]): JsonSchema {
  const common: Record<string, JsonSchema> = {
    name: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,24}$', 'x-expected': '1 to 25 lowercase letters, digits or dashes (ISO 8583 field 44)' },
    type: oneOfValues(Object.keys(RULE_TYPE_FIELDS)),
    action: oneOfValues(['decline', 'approve', 'approve-with-script', 'refer']),
    code: { type: ['string', 'integer'], pattern: '^[0-9A-Z]{2}$', 'x-expected': 'a two-character response code' },
    script: oneOfValues(scriptCommands),
    template: { type: ['string', 'integer'], enum: ['71', '72', 71, 72] },
    description: text(),
  };
  const rule: JsonSchema = {
    type: 'object',
    required: ['name', 'type', 'action'],
    allOf: Object.entries(RULE_TYPE_FIELDS).map(([type, fields]) => ({
      if: { type: 'object', required: ['type'], properties: { type: { const: type } } },
      then: mapping({ ...common, ...fields }),
    })),
    properties: common,
  };
  return mapping({ rules: list(rule) }, ['rules'], 'emvsim issuer risk rules.');
}

/** Key files: key name -> hex key (TEST ONLY keys). */
export const keyFileSchema: JsonSchema = {
  type: 'object',
  description: 'Key name -> key in hex.',
  additionalProperties: hex(8, 32),
};
