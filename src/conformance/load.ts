/**
 * Loading conformance files: YAML (one document or a list), validated against
 * the scenario schema (src/documents/schemas/scenario.ts; editors use its copy
 * scripts/conformance/scenario.schema.json), then the checks a schema cannot
 * express (TVR/TSI bit names exist, hex lengths, ${variables} are defined
 * before use, ids unique across the suite) and the scenario's card and
 * terminal built once with their deltas. Every error is a DocumentError
 * naming file:line and the field path.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { DocumentError } from '../apdu/index.js';
import { TSI_BITS, TVR_BITS } from '../apdu/index.js';
import { loadProfile } from '../card/index.js';
import { checkDocument, documentReason, parseYamlSource, readDocumentText, scenarioSchema, shippedDirectory, type Path, type YamlSource } from '../documents/index.js';
import { GELDKARTE_PURSE_PROFILE, TERMINAL_DELTAS, cardOverrides, checkedTerminal } from './setup.js';
import type { BitExpectation, CardScript, CardSetup, ConformanceCase, Scenario, ScriptStep } from './types.js';

export function conformanceDirectory(): string {
  return shippedDirectory('conformance');
}

/** YAML files under the given paths (files or directories, recursively), sorted. */
export function conformanceFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    if (!existsSync(p)) throw new DocumentError('no such file or directory', { file: p, field: '(path)' });
    if (statSync(p).isDirectory()) {
      for (const name of readdirSync(p).sort()) {
        const child = join(p, name);
        if (statSync(child).isDirectory() || /\.ya?ml$/.test(name)) walk(child);
      }
    } else {
      out.push(p);
    }
  };
  for (const p of paths) walk(resolve(p));
  return [...new Set(out)];
}

const BIT_TABLES = { tvr: { names: new Set<string>(TVR_BITS.map((b) => b.name)), bytes: 5 }, tsi: { names: new Set<string>(TSI_BITS.map((b) => b.name)), bytes: 2 } };

function checkBits(src: YamlSource, path: Path, which: 'tvr' | 'tsi', e: BitExpectation): void {
  const table = BIT_TABLES[which];
  const names = (list: string[] | undefined, at: Path): void =>
    list?.forEach((n, i) => {
      if (!table.names.has(n)) throw src.error([...at, i], `unknown ${which.toUpperCase()} bit '${n}' (known: ${[...table.names].join(', ')})`);
    });
  const hexLength = (h: string | undefined, at: Path): void => {
    if (h !== undefined && h.replace(/\s/g, '').length !== table.bytes * 2) throw src.error(at, `must be ${table.bytes} bytes of hex`);
  };
  if (typeof e === 'string') hexLength(e, path);
  else if (Array.isArray(e)) names(e, path);
  else {
    names(e.set, [...path, 'set']);
    names(e.clear, [...path, 'clear']);
    hexLength(e.hex, [...path, 'hex']);
    hexLength(e.mask, [...path, 'mask']);
    if (e.mask !== undefined && e.hex === undefined) throw src.error([...path, 'mask'], 'a mask needs hex');
  }
}

/** A profile or rules name stays a name; a path is made absolute relative to the scenario file. */
function resolveRef(name: string, file: string): string {
  return /[/\\]/.test(name) || /\.ya?ml$/.test(name) ? resolve(dirname(file), name) : name;
}

function cardSetup(raw: Record<string, unknown> | undefined, file: string, fallbackSeed: string): CardSetup {
  const c = { ...(raw ?? {}) } as unknown as CardSetup;
  c.profile = resolveRef(c.profile ?? 'visa-cvn18', file);
  c.seed ??= fallbackSeed;
  return c;
}

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

function checkScript(src: YamlSource, base: Path, doc: Record<string, unknown>): void {
  const known = new Set(Object.keys((doc.variables as Record<string, unknown> | undefined) ?? {}));
  for (const [name, value] of Object.entries((doc.variables as Record<string, unknown> | undefined) ?? {})) {
    if (typeof value !== 'string' || !/^([0-9A-Fa-f]{2})*$/.test(value)) throw src.error([...base, 'variables', name], 'must be hex');
  }
  (doc.steps as ScriptStep[]).forEach((step, i) => {
    const at = [...base, 'steps', i];
    for (const m of step.command.matchAll(VARIABLE)) {
      if (!known.has(m[1]!)) throw src.error([...at, 'command'], `\${${m[1]}} is not captured by an earlier step nor listed in variables`);
    }
    const bare = step.command.replace(VARIABLE, '').replace(/\s/g, '');
    if (!/^[0-9A-Fa-f]*$/.test(bare) || bare.length % 2 !== 0) throw src.error([...at, 'command'], `'${step.command}' is not hex (with \${variables})`);
    const data = step.expect?.data;
    if (data !== undefined && !/^([0-9A-Fa-fXx]{2}|\s)*\*?$/.test(data)) throw src.error([...at, 'expect', 'data'], `'${data}' is not a hex pattern (X = any nibble, trailing * = any rest)`);
    for (const [name, c] of Object.entries(step.capture ?? {})) {
      if ([c.tlv !== undefined, c.offset !== undefined, c.sw === true].filter(Boolean).length !== 1) {
        throw src.error([...at, 'capture', name], 'give exactly one of tlv, offset (with length) or sw: true');
      }
      known.add(name);
    }
  });
}

function checkScenario(src: YamlSource, base: Path, s: Record<string, unknown>): void {
  const expect = s.expect as Record<string, unknown>;
  if (expect.tvr !== undefined) checkBits(src, [...base, 'expect', 'tvr'], 'tvr', expect.tvr as BitExpectation);
  if (expect.tsi !== undefined) checkBits(src, [...base, 'expect', 'tsi'], 'tsi', expect.tsi as BitExpectation);
  const ch = s.cardholder as Record<string, unknown> | undefined;
  if (typeof ch?.choose === 'string' && ch.choose !== 'cancel') throw src.error([...base, 'cardholder', 'choose'], "must be an index or 'cancel'");
  ((expect.apdus as Record<string, unknown>[] | undefined) ?? []).forEach((a, i) => {
    if (a.command === undefined && a.sw === undefined) throw src.error([...base, 'expect', 'apdus', i], 'needs command or sw');
  });
  ((s.host as Record<string, unknown> | undefined)?.scripts as Record<string, unknown>[] | undefined)?.forEach((sc, i) => {
    if ((sc.command === undefined) === (sc.raw === undefined)) throw src.error([...base, 'host', 'scripts', i], 'give command or raw');
  });
}

/**
 * Builds the scenario's card profile and terminal configuration with its deltas once at load
 * time, so what only the merged document can tell (a cross-field rule, a missing profile) is
 * reported at the scenario's file:line before any case runs, not as an ERROR at run time.
 */
function checkDeltas(src: YamlSource, base: Path, card: CardSetup, terminal: Scenario['terminal'] | undefined): void {
  if (card.profile !== GELDKARTE_PURSE_PROFILE) {
    const overrides = cardOverrides(card);
    try {
      loadProfile(card.profile, Object.keys(overrides).length > 0 ? { overrides } : {});
    } catch (e) {
      if (!(e instanceof DocumentError)) throw e;
      if (e.file === '<overrides>') {
        const parts = e.field.split('.');
        const inSet = card.set !== undefined && parts[0]! in card.set;
        throw src.error(inSet ? [...base, 'card', 'set', ...parts] : [...base, 'card'], `${inSet ? '' : `${e.field}: `}${documentReason(e)}`);
      }
      if (e.field === '$' && !existsSync(e.file ?? '')) throw src.error([...base, 'card', 'profile'], `no card profile '${card.profile}' (${e.file})`);
      throw e;
    }
  }
  if (!terminal) return;
  try {
    checkedTerminal(terminal);
  } catch (e) {
    if (!(e instanceof DocumentError)) throw e;
    if (e.field === 'terminal.profile') throw src.error([...base, 'terminal', 'profile'], documentReason(e));
    if (e.file?.endsWith(TERMINAL_DELTAS)) {
      const parts = e.field.split('.');
      const each = terminal.eachApplication as Record<string, unknown> | undefined;
      const set = terminal.set as Record<string, unknown> | undefined;
      if (parts[0] === 'applications' && each && parts[2]! in each) throw src.error([...base, 'terminal', 'eachApplication', ...parts.slice(2)], `${e.field}: ${documentReason(e)}`);
      if (set && parts[0]! in set) throw src.error([...base, 'terminal', 'set', ...parts], documentReason(e));
      throw src.error([...base, 'terminal'], `${e.field}: ${documentReason(e)}`);
    }
    throw e;
  }
}

function checkedCard(src: YamlSource, base: Path, card: CardSetup): CardSetup {
  checkDeltas(src, base, card, undefined);
  return card;
}

/** Parses and validates one file's text into cases. */
export function parseConformanceFile(text: string, file: string): ConformanceCase[] {
  const src = parseYamlSource(text, file);
  checkDocument(src, scenarioSchema);
  const list = Array.isArray(src.value) ? (src.value as Record<string, unknown>[]) : [src.value as Record<string, unknown>];
  const single = !Array.isArray(src.value);
  return list.map((doc, index): ConformanceCase => {
    const base: Path = single ? [] : [index];
    const origin = { file, line: src.lineOf(base), index };
    const id = doc.id as string;
    if (doc.kind === 'card-script') {
      checkScript(src, base, doc);
      const script: CardScript = {
        kind: 'card-script',
        id,
        title: doc.title as string,
        spec: doc.spec as string,
        tags: (doc.tags as string[] | undefined) ?? [],
        card: checkedCard(src, base, cardSetup(doc.card as Record<string, unknown> | undefined, file, id)),
        variables: Object.fromEntries(Object.entries((doc.variables as Record<string, string> | undefined) ?? {}).map(([k, v]) => [k, v.toUpperCase()])),
        steps: doc.steps as ScriptStep[],
        origin,
      };
      if (typeof doc.xfail === 'string') script.xfail = doc.xfail;
      return script;
    }
    checkScenario(src, base, doc);
    const terminal = { ...((doc.terminal as Record<string, unknown> | undefined) ?? {}) } as unknown as Scenario['terminal'];
    terminal.profile = resolveRef(terminal.profile ?? 'eu-pos-pin', file);
    const host = { mode: 'simulator', ...((doc.host as Record<string, unknown> | undefined) ?? {}) } as Scenario['host'];
    if (host.rules !== undefined) host.rules = resolveRef(host.rules, file);
    const card = cardSetup(doc.card as Record<string, unknown> | undefined, file, id);
    checkDeltas(src, base, card, terminal);
    return {
      kind: 'scenario',
      id,
      title: doc.title as string,
      spec: doc.spec as string,
      tags: (doc.tags as string[] | undefined) ?? [],
      card,
      terminal,
      host,
      cardholder: (doc.cardholder as Scenario['cardholder'] | undefined) ?? {},
      transaction: doc.transaction as Scenario['transaction'],
      expect: doc.expect as Scenario['expect'],
      origin,
    };
  });
}

export interface LoadedSuite {
  cases: ConformanceCase[];
  /** Files that did not validate (the run exits 2). */
  errors: DocumentError[];
}

/** Loads every file; a bad file is reported and skipped, the others still run. */
export function loadSuite(paths: readonly string[]): LoadedSuite {
  const cases: ConformanceCase[] = [];
  const errors: DocumentError[] = [];
  const seen = new Map<string, ConformanceCase>();
  for (const file of conformanceFiles(paths)) {
    try {
      for (const c of parseConformanceFile(readDocumentText(file, 'conformance file'), file)) {
        const earlier = seen.get(c.id);
        if (earlier) {
          errors.push(new DocumentError(`duplicate id '${c.id}' (first at ${relative(process.cwd(), earlier.origin.file)}:${earlier.origin.line ?? '?'})`, { file, ...(c.origin.line !== undefined ? { line: c.origin.line } : {}), field: `${c.origin.index}.id` }));
          continue;
        }
        seen.set(c.id, c);
        cases.push(c);
      }
    } catch (err) {
      if (err instanceof DocumentError) errors.push(err);
      else throw err;
    }
  }
  return { cases, errors };
}
