/**
 * Loads and validates a risk-rule file. Every error is a DocumentError naming
 * file:line and the field path (e.g. `rules[2].factor`), so a typo in a rule
 * never turns into a silently ignored rule.
 */
import { DocumentError } from '../../apdu/index.js';
import { checkDocument, issuerRulesSchema, parseYamlSource, readYamlDocument, type YamlSource } from '../../documents/index.js';
import { SCRIPT_COMMANDS, type ScriptCommandName } from '../scripts.js';
import type { ListField, RiskRule, RuleAction, RuleSet } from './types.js';

const RESPONSE_CODE = /^[0-9A-Z]{2}$/;
const LIST_FIELDS: readonly ListField[] = ['merchant', 'mcc', 'country', 'terminal', 'pan'];
const COMMON_KEYS = ['name', 'type', 'action', 'code', 'script', 'template', 'description'];
const TYPE_KEYS: Record<RiskRule['type'], string[]> = {
  'amount-history': ['factor', 'last', 'minHistory'],
  'foreign-country': [],
  velocity: ['windowSeconds', 'maxCount', 'maxAmountMinor', 'counting'],
  'block-list': ['field', 'values'],
  'allow-list': ['field', 'values'],
  'amount-threshold': ['minAmountMinor'],
};

class RuleReader {
  constructor(private readonly src: YamlSource) {}

  lineOf(path: (string | number)[]): number | undefined {
    return this.src.lineOf(path);
  }

  fail(path: (string | number)[], message: string): never {
    throw this.src.error(path, message);
  }
}

function positiveNumber(r: RuleReader, v: unknown, path: (string | number)[], integer: boolean): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
    r.fail(path, `must be a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(v)}`);
  }
  return v;
}

function actionOf(r: RuleReader, raw: Record<string, unknown>, path: (string | number)[]): RuleAction {
  const action = raw.action;
  switch (action) {
    case 'decline': {
      const code = raw.code === undefined ? '05' : String(raw.code);
      if (!RESPONSE_CODE.test(code) || code === '00') r.fail([...path, 'code'], `'${code}' is not a two-character decline code`);
      return { kind: 'decline', code };
    }
    case 'approve':
      return { kind: 'approve' };
    case 'refer':
      return { kind: 'refer' };
    case 'approve-with-script': {
      const script = raw.script;
      if (typeof script !== 'string' || !SCRIPT_COMMANDS.includes(script as ScriptCommandName)) {
        r.fail([...path, 'script'], `must be one of ${SCRIPT_COMMANDS.join(', ')}`);
      }
      const out: RuleAction = { kind: 'approve-with-script', script: script as ScriptCommandName };
      if (raw.template !== undefined) {
        const t = String(raw.template);
        if (t !== '71' && t !== '72') r.fail([...path, 'template'], `must be 71 or 72, got '${t}'`);
        out.template = t;
      }
      return out;
    }
    default:
      return r.fail([...path, 'action'], `must be decline, approve, approve-with-script or refer, got ${JSON.stringify(action)}`);
  }
}

function ruleOf(r: RuleReader, raw: unknown, index: number, names: Set<string>, file: string): RiskRule {
  const path: (string | number)[] = ['rules', index];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) r.fail(path, 'a rule must be a mapping');
  const o = raw as Record<string, unknown>;
  const name = o.name;
  // Field 44 (additional response data) carries the rule name: at most 25 characters.
  if (typeof name !== 'string' || !/^[a-z0-9][a-z0-9-]{0,24}$/.test(name)) {
    r.fail([...path, 'name'], 'must be 1 to 25 lowercase letters, digits or dashes');
  }
  if (names.has(name)) r.fail([...path, 'name'], `duplicate rule name '${name}'`);
  names.add(name);
  const type = o.type as RiskRule['type'];
  if (typeof type !== 'string' || !(type in TYPE_KEYS)) r.fail([...path, 'type'], `must be one of ${Object.keys(TYPE_KEYS).join(', ')}`);
  for (const key of Object.keys(o)) {
    if (!COMMON_KEYS.includes(key) && !TYPE_KEYS[type].includes(key)) r.fail([...path, key], `unknown field for a ${type} rule`);
  }
  const action = actionOf(r, o, path);
  const source = `${file}:${r.lineOf(path) ?? '?'}`;
  switch (type) {
    case 'amount-history':
      return {
        type,
        name,
        action,
        source,
        factor: positiveNumber(r, o.factor, [...path, 'factor'], false),
        last: positiveNumber(r, o.last, [...path, 'last'], true),
        minHistory: o.minHistory === undefined ? 3 : positiveNumber(r, o.minHistory, [...path, 'minHistory'], true),
      };
    case 'foreign-country':
      return { type, name, action, source };
    case 'velocity': {
      const rule: RiskRule = {
        type,
        name,
        action,
        source,
        windowSeconds: positiveNumber(r, o.windowSeconds, [...path, 'windowSeconds'], true),
        counting: o.counting === undefined ? 'approved' : (o.counting as 'approved' | 'attempts'),
      };
      if (rule.counting !== 'approved' && rule.counting !== 'attempts') r.fail([...path, 'counting'], 'must be approved or attempts');
      if (o.maxCount !== undefined) rule.maxCount = positiveNumber(r, o.maxCount, [...path, 'maxCount'], true);
      if (o.maxAmountMinor !== undefined) rule.maxAmountMinor = positiveNumber(r, o.maxAmountMinor, [...path, 'maxAmountMinor'], true);
      if (rule.maxCount === undefined && rule.maxAmountMinor === undefined) r.fail(path, 'a velocity rule needs maxCount or maxAmountMinor');
      return rule;
    }
    case 'block-list':
    case 'allow-list': {
      const field = o.field as ListField;
      if (!LIST_FIELDS.includes(field)) r.fail([...path, 'field'], `must be one of ${LIST_FIELDS.join(', ')}`);
      if (!Array.isArray(o.values) || o.values.length === 0) r.fail([...path, 'values'], 'must be a non-empty list');
      const values = o.values.map((v, i) => {
        if (typeof v !== 'string' && typeof v !== 'number') r.fail([...path, 'values', i], 'must be a string');
        const s = String(v);
        if (field === 'country' && !/^[0-9]{3}$/.test(s)) r.fail([...path, 'values', i], `'${s}' is not an ISO 3166 numeric code (3 digits, quoted)`);
        if (field === 'mcc' && !/^[0-9]{4}$/.test(s)) r.fail([...path, 'values', i], `'${s}' is not a 4-digit merchant category code`);
        return s;
      });
      return { type, name, action, source, field, values };
    }
    case 'amount-threshold':
      return { type, name, action, source, minAmountMinor: positiveNumber(r, o.minAmountMinor, [...path, 'minAmountMinor'], true) };
  }
}

/** Parses rule-file text (`file` names it in errors). */
export function parseRules(text: string, file: string): RuleSet {
  return rulesOf(parseYamlSource(text, file));
}

function rulesOf(src: YamlSource): RuleSet {
  const file = src.file;
  const r = new RuleReader(src);
  if (src.value === null || typeof src.value !== 'object' || Array.isArray(src.value)) r.fail([], 'the file must be a mapping with a `rules` list');
  checkDocument(src, issuerRulesSchema(SCRIPT_COMMANDS));
  const raw = (src.value as { rules: unknown[] }).rules;
  const names = new Set<string>();
  return { file, rules: raw.map((rule, i) => ruleOf(r, rule, i, names, file)) };
}

export function loadRules(file: string): RuleSet {
  return rulesOf(readYamlDocument(file, 'issuer rules file'));
}
