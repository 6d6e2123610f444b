/**
 * Loading card profiles: YAML files (scripts/cards/NAME.yaml or any path),
 * `base: NAME` chains (the base's fields, then this file's overrides; mappings
 * merge key by key, lists and scalars replace), the built-in defaults under
 * everything, and programmatic overrides on top. Errors are DocumentErrors
 * naming the file and line that set the faulty field.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { type Document, LineCounter, isNode, parseDocument } from 'yaml';
import { DocumentError } from '../../apdu/index.js';
import { packageRoot } from '../../crypto/index.js';
import { PROFILE_DEFAULTS } from './defaults.js';
import type { CardProfile } from './types.js';
import { validateProfile } from './validate.js';

/** Directory of the profiles shipped with emvsim. */
export function profilesDirectory(): string {
  return join(packageRoot(), 'scripts', 'cards');
}

/** Names of the shipped profiles. */
export function listProfiles(): string[] {
  return readdirSync(profilesDirectory())
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -5))
    .sort();
}

interface Layer {
  file: string;
  doc: Document;
  lines: LineCounter;
  data: Record<string, unknown>;
}

function profilePath(nameOrPath: string, relativeTo?: string): string {
  if (/[/\\]/.test(nameOrPath) || nameOrPath.endsWith('.yaml') || nameOrPath.endsWith('.yml')) {
    return resolve(relativeTo ?? process.cwd(), nameOrPath);
  }
  return join(profilesDirectory(), `${nameOrPath}.yaml`);
}

function parseLayer(file: string, text: string): Layer {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    const line = lines.linePos(first.pos[0]).line;
    throw new DocumentError(first.message.split('\n')[0] ?? 'YAML syntax error', { file, line, field: '$' });
  }
  const data = doc.toJS() as unknown;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new DocumentError('a card profile must be a YAML mapping', { file, line: 1, field: '$' });
  }
  return { file, doc, lines, data: data as Record<string, unknown> };
}

function readLayer(file: string): Layer {
  if (!existsSync(file)) throw new DocumentError('no such card profile', { file, field: '$' });
  return parseLayer(file, readFileSync(file, 'utf8'));
}

/** Deep merge: mappings key by key, anything else replaced. */
export function mergeProfileData(base: unknown, over: unknown): unknown {
  if (isPlainObject(base) && isPlainObject(over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = k in base ? mergeProfileData(base[k], v) : v;
    return out;
  }
  return over === undefined ? base : over;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function lineOf(layer: Layer, path: readonly (string | number)[]): number | undefined {
  for (let n = path.length; n > 0; n--) {
    const node = layer.doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return layer.lines.linePos(node.range[0]).line;
  }
  return undefined;
}

export interface LoadProfileOptions {
  /** Field overrides applied on top (same shape as the YAML). */
  overrides?: Record<string, unknown>;
  /** Directory for relative paths (default: the current directory). */
  relativeTo?: string;
}

/** Loads and validates a profile by name (scripts/cards/NAME.yaml) or path. */
export function loadProfile(nameOrPath: string, options: LoadProfileOptions = {}): CardProfile {
  return resolveLayers(readLayer(profilePath(nameOrPath, options.relativeTo)), options.overrides);
}

/** Loads a profile from YAML text (for tests and `--profile -`). */
export function parseProfile(text: string, file = '<profile>', overrides?: Record<string, unknown>): CardProfile {
  return resolveLayers(parseLayer(file, text), overrides);
}

function resolveLayers(top: Layer, overrides: Record<string, unknown> | undefined): CardProfile {
  const chain: Layer[] = [top];
  const seen = new Set([resolve(top.file)]);
  for (let layer = top; typeof layer.data.base === 'string'; ) {
    const baseName = layer.data.base;
    const file = profilePath(baseName, resolve(layer.file, '..'));
    if (seen.has(resolve(file))) {
      throw new DocumentError(`base chain loops back to ${basename(file)}`, { file: layer.file, line: lineOf(layer, ['base']), field: 'base' });
    }
    seen.add(resolve(file));
    try {
      layer = readLayer(file);
    } catch (err) {
      if (err instanceof DocumentError && err.field === '$' && !existsSync(file)) {
        throw new DocumentError(`base profile '${baseName}' not found (${file})`, { file: chain[chain.length - 1]!.file, line: lineOf(chain[chain.length - 1]!, ['base']), field: 'base' });
      }
      throw err;
    }
    chain.push(layer);
  }
  let merged: unknown = { ...PROFILE_DEFAULTS, name: undefined };
  for (const layer of [...chain].reverse()) merged = mergeProfileData(merged, layer.data);
  if (overrides) merged = mergeProfileData(merged, overrides);
  if (isPlainObject(merged)) {
    delete merged.base;
    // The name is never inherited: a delta file is a new profile, named by its file when it says nothing.
    merged.name = overrides?.name ?? top.data.name ?? basename(top.file).replace(/\.ya?ml$/, '').replace(/[^A-Za-z0-9._-]/g, '-');
  }
  const locate = (path: readonly (string | number)[]) => {
    if (overrides && hasPath(overrides, path)) return { file: '<overrides>' };
    for (const layer of chain) {
      if (hasPath(layer.data, path)) return { file: layer.file, line: lineOf(layer, path) };
    }
    return { file: top.file, line: undefined };
  };
  return validateProfile(merged, locate);
}

function hasPath(data: unknown, path: readonly (string | number)[]): boolean {
  let cur: unknown = data;
  for (const k of path) {
    if (typeof cur !== 'object' || cur === null) return false;
    if (!(k in (cur as Record<string | number, unknown>))) return false;
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return true;
}
