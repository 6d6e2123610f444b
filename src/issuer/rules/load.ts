/**
 * Loads and validates a risk-rule file. Every error is a DocumentError naming
 * file:line and the field path (e.g. `rules[2].factor`), so a typo in a rule
 * never turns into a silently ignored rule.
 */
import { checkDocument, issuerRulesSchema, parseYamlSource, readYamlDocument, type YamlSource } from '../../documents/index.js';
import { SCRIPT_COMMANDS, type ScriptCommandName } from '../scripts.js';
import type { ListField, RiskRule, RuleAction, RuleSet } from './types.js';

class RuleReader {
  constructor(private readonly src: YamlSource) {}

  lineOf(path: (string | number)[]): number | undefined {
    return this.src.lineOf(path);
  }

  fail(path: (string | number)[], message: string): never {
    throw this.src.error(path, message);
  }
}

/*
 * The schema (issuerRulesSchema, src/documents/schemas/rules.ts) has checked each rule's shape once: name,
 * type, the fields of that type and no others, action, script, template, counting, list field, and every
 * number's type and range. Left here: defaults, and what the schema cannot say (a decline code other than
 * 00, a factor above 0, a velocity limit given, a list value that fits its field, unique names).
 */

function actionOf(r: RuleReader, raw: Record<string, unknown>, path: (string | number)[]): RuleAction {
  switch (raw.action as RuleAction['kind']) {
    case 'decline': {
      const code = raw.code === undefined ? '05' : String(raw.code);
      if (code === '00') r.fail([...path, 'code'], "'00' is not a decline code");
      return { kind: 'decline', code };
    }
    case 'approve':
      return { kind: 'approve' };
    case 'refer':
      return { kind: 'refer' };
    case 'approve-with-script': {
      const out: RuleAction = { kind: 'approve-with-script', script: raw.script as ScriptCommandName };
      if (raw.template !== undefined) out.template = String(raw.template) as '71' | '72';
      return out;
    }
  }
}

function ruleOf(r: RuleReader, raw: unknown, index: number, names: Set<string>, file: string): RiskRule {
  const path: (string | number)[] = ['rules', index];
  const o = raw as Record<string, unknown>;
  const name = o.name as string;
  if (names.has(name)) r.fail([...path, 'name'], `duplicate rule name '${name}'`);
  names.add(name);
  const type = o.type as RiskRule['type'];
  const action = actionOf(r, o, path);
  const source = `${file}:${r.lineOf(path) ?? '?'}`;
  const n = (key: string) => o[key] as number;
  switch (type) {
    case 'amount-history':
      if (n('factor') <= 0) r.fail([...path, 'factor'], `must be above 0, got ${n('factor')}`);
      return { type, name, action, source, factor: n('factor'), last: n('last'), minHistory: o.minHistory === undefined ? 3 : n('minHistory') };
    case 'foreign-country':
      return { type, name, action, source };
    case 'velocity': {
      const rule: RiskRule = { type, name, action, source, windowSeconds: n('windowSeconds'), counting: (o.counting as 'approved' | 'attempts' | undefined) ?? 'approved' };
      if (o.maxCount !== undefined) rule.maxCount = n('maxCount');
      if (o.maxAmountMinor !== undefined) rule.maxAmountMinor = n('maxAmountMinor');
      if (rule.maxCount === undefined && rule.maxAmountMinor === undefined) r.fail(path, 'a velocity rule needs maxCount or maxAmountMinor');
      return rule;
    }
    case 'block-list':
    case 'allow-list': {
      const field = o.field as ListField;
      const values = (o.values as (string | number)[]).map((v, i) => {
        const s = String(v);
        if (field === 'country' && !/^[0-9]{3}$/.test(s)) r.fail([...path, 'values', i], `'${s}' is not an ISO 3166 numeric code (3 digits, quoted)`);
        if (field === 'mcc' && !/^[0-9]{4}$/.test(s)) r.fail([...path, 'values', i], `'${s}' is not a 4-digit merchant category code`);
        return s;
      });
      return { type, name, action, source, field, values };
    }
    case 'amount-threshold':
      return { type, name, action, source, minAmountMinor: n('minAmountMinor') };
  }
}

/** Parses rule-file text (`file` names it in errors). */
export function parseRules(text: string, file: string): RuleSet {
  return rulesOf(parseYamlSource(text, file));
}

function rulesOf(src: YamlSource): RuleSet {
  const file = src.file;
  const r = new RuleReader(src);
  checkDocument(src, issuerRulesSchema(SCRIPT_COMMANDS));
  const raw = (src.value as { rules: unknown[] }).rules;
  const names = new Set<string>();
  return { file, rules: raw.map((rule, i) => ruleOf(r, rule, i, names, file)) };
}

export function loadRules(file: string): RuleSet {
  return rulesOf(readYamlDocument(file, 'issuer rules file'));
}
