/**
 * Loading terminal test plans: YAML with positions (the same parser the
 * conformance scenarios use), checked against scripts/lab/plan.schema.json,
 * then the checks a schema cannot express (TVR bit names exist, command names
 * are known, regular expressions compile, ids unique). Every error is a
 * DocumentError naming file:line and the field path.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { DocumentError, SchemaValidator, formatMinor, TVR_BITS, parseYamlSource, projectRoot, type CardSetup, type JsonSchema, type Path, type YamlSource } from './deps.js';
import { KNOWN_COMMANDS } from './card-log.js';
import type { CommandRule, LabCase, LabPlan, LabTransaction, Matcher } from './types.js';

export function labDirectory(): string {
  return join(projectRoot(), 'scripts', 'lab');
}

let validator: SchemaValidator | undefined;
function planSchema(): SchemaValidator {
  validator ??= new SchemaValidator(JSON.parse(readFileSync(join(labDirectory(), 'plan.schema.json'), 'utf8')) as JsonSchema);
  return validator;
}

const TVR_NAMES = new Set<string>(TVR_BITS.map((b) => b.name));

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkMatcher(src: YamlSource, at: Path, m: Matcher): void {
  const name = typeof m === 'string' ? m : m.command;
  if (name !== undefined && !KNOWN_COMMANDS.has(name.toUpperCase())) {
    throw src.error(typeof m === 'string' ? at : [...at, 'command'], `unknown command '${name}' (known: ${[...KNOWN_COMMANDS].join(', ')})`);
  }
}

function checkRule(src: YamlSource, at: Path, rule: CommandRule): void {
  if ('sent' in rule) checkMatcher(src, [...at, 'sent'], rule.sent);
  if ('absent' in rule) {
    checkMatcher(src, [...at, 'absent'], rule.absent);
    if (rule.after !== undefined) checkMatcher(src, [...at, 'after'], rule.after);
    if (rule.before !== undefined) checkMatcher(src, [...at, 'before'], rule.before);
  }
  if ('order' in rule) rule.order.forEach((m, i) => checkMatcher(src, [...at, 'order', i], m));
  if ('first' in rule) checkMatcher(src, [...at, 'first'], rule.first);
  if ('nothingAfter' in rule) checkMatcher(src, [...at, 'nothingAfter'], rule.nothingAfter);
}

function checkFields(src: YamlSource, at: Path, fields: Record<string, unknown> | undefined): void {
  const tvr = fields?.tvr as { set?: string[]; clear?: string[] } | undefined;
  for (const which of ['set', 'clear'] as const) {
    tvr?.[which]?.forEach((n, i) => {
      if (!TVR_NAMES.has(n)) throw src.error([...at, 'tvr', which, i], `unknown TVR bit '${n}' (known: ${[...TVR_NAMES].join(', ')})`);
    });
  }
}

function checkCase(src: YamlSource, at: Path, c: Record<string, unknown>): void {
  const expect = c.expect as Record<string, unknown>;
  ((expect.commands as CommandRule[] | undefined) ?? []).forEach((r, i) => checkRule(src, [...at, 'expect', 'commands', i], r));
  const acs = (expect.generateAc as (Record<string, unknown> | null)[] | undefined) ?? [];
  if (acs.length > 2) throw src.error([...at, 'expect', 'generateAc'], 'at most two GENERATE AC commands (Book 3 §9.3)');
  acs.forEach((ac, i) => {
    checkFields(src, [...at, 'expect', 'generateAc', i, 'data'], ac?.data as Record<string, unknown> | undefined);
    ((ac?.anyOf as Record<string, unknown>[] | undefined) ?? []).forEach((alt, k) => checkFields(src, [...at, 'expect', 'generateAc', i, 'anyOf', k, 'data'], alt.data as Record<string, unknown> | undefined));
  });
  checkFields(src, [...at, 'expect', 'gpo'], expect.gpo as Record<string, unknown> | undefined);
  for (const key of ['output', 'notOutput']) {
    const pattern = (expect.terminal as Record<string, unknown> | undefined)?.[key];
    if (typeof pattern !== 'string') continue;
    try {
      new RegExp(pattern);
    } catch (err) {
      throw src.error([...at, 'expect', 'terminal', key], `not a regular expression: ${(err as Error).message}`);
    }
  }
  if (expect.unpredictableNumber === 'differs' && ((c.runs as number | undefined) ?? 1) < 2) {
    throw src.error([...at, 'expect', 'unpredictableNumber'], 'needs runs: 2 or more (the number is compared across runs)');
  }
}

/** A profile or rules name stays a name; a path is made absolute relative to the plan. */
function resolveRef(name: string, file: string): string {
  return /[/\\]/.test(name) || /\.ya?ml$/.test(name) ? resolve(dirname(file), name) : name;
}

function merged<T>(base: unknown, own: unknown): T {
  return { ...(isMapping(base) ? base : {}), ...(isMapping(own) ? own : {}) } as T;
}

/** The plan's amountMinor (default 800) and its major-unit text for {amount}. */
function labAmount(tx: Partial<LabTransaction>): Pick<LabTransaction, 'amountMinor' | 'amount' | 'currencyExponent'> {
  const amountMinor = tx.amountMinor ?? 800;
  const currencyExponent = tx.currencyExponent ?? 2;
  return { amountMinor, amount: formatMinor(amountMinor, currencyExponent), currencyExponent };
}

/** Parses and validates one plan's text. */
export function parsePlan(text: string, file: string): LabPlan {
  const src = parseYamlSource(text, file);
  const violation = planSchema().validate(src.value);
  if (violation) throw src.error(violation.path, violation.message);
  const doc = src.value as Record<string, unknown>;
  const defaults = (doc.defaults as Record<string, unknown> | undefined) ?? {};
  const seen = new Map<string, number | undefined>();
  const cases = (doc.cases as Record<string, unknown>[]).map((c, i): LabCase => {
    const at: Path = ['cases', i];
    checkCase(src, at, c);
    const id = c.id as string;
    const line = src.lineOf(at);
    if (seen.has(id)) throw src.error([...at, 'id'], `duplicate id '${id}' (first at line ${seen.get(id) ?? '?'})`);
    seen.set(id, line);
    const card = merged<CardSetup>(defaults.card, c.card);
    card.profile = resolveRef(card.profile ?? 'visa-cvn18', file);
    card.seed ??= id;
    const tx = merged<Partial<LabTransaction>>(defaults.transaction, c.transaction);
    const host = merged<LabCase['host']>(defaults.host, c.host);
    if (host.rules !== undefined) host.rules = resolveRef(host.rules, file);
    return {
      id,
      title: c.title as string,
      spec: c.spec as string,
      tags: (c.tags as string[] | undefined) ?? [],
      card,
      transaction: { ...labAmount(tx), pin: tx.pin ?? [], type: tx.type ?? 'goods', ...(tx.instructions ? { instructions: tx.instructions } : {}) },
      host,
      runs: (c.runs as number | undefined) ?? 1,
      expect: c.expect as LabCase['expect'],
      file,
      line,
    };
  });
  return { name: doc.plan as string, description: (doc.description as string | undefined) ?? '', file, cases };
}

export function loadPlan(file: string): LabPlan {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new DocumentError('cannot read the plan', { file, field: '(file)' });
  }
  return parsePlan(text, file);
}

/** Plan files: a file, a directory of plans, or a plan name under scripts/lab/. */
export function planFiles(target: string): string[] {
  const shipped = join(labDirectory(), `${target}.yaml`);
  const p = existsSync(target) ? resolve(target) : existsSync(shipped) ? shipped : undefined;
  if (!p) throw new DocumentError(`no plan '${target}' (a file, a directory, or a name under scripts/lab/)`, { file: target, field: '(path)' });
  if (!statSync(p).isDirectory()) return [p];
  return readdirSync(p)
    .filter((n) => /\.ya?ml$/.test(n))
    .sort()
    .map((n) => join(p, n));
}

/** The shipped plans by name. */
export function shippedPlans(): string[] {
  return planFiles(labDirectory()).map((f) => basename(f).replace(/\.ya?ml$/, ''));
}
