/**
 * Loading card profiles: YAML files (scripts/cards/NAME.yaml or any path),
 * `base: NAME` chains (the base's fields, then this file's overrides; mappings
 * merge key by key, lists and scalars replace), the built-in defaults under
 * everything, and programmatic overrides on top. Errors are DocumentErrors
 * naming the file and line that set the faulty field.
 */
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { DocumentError } from '../../apdu/index.js';
import { cardProfileSchema, checkDocument, validatorOf, documentPath, listShipped, parseYamlSource, readYamlDocument, shippedDirectory, type YamlSource } from '../../documents/index.js';
import { PROFILE_DEFAULTS } from './defaults.js';
import type { CardProfile } from './types.js';
import { validateProfile } from './validate.js';

/** Directory of the profiles shipped with emvsim. */
export function profilesDirectory(): string {
  return shippedDirectory('card');
}

/** Names of the shipped profiles. */
export function listProfiles(): string[] {
  return listShipped('card');
}

/** One file of a base chain: its text parsed and checked against the card profile schema on its own. */
interface Layer {
  file: string;
  src: YamlSource;
  data: Record<string, unknown>;
}

function profilePath(nameOrPath: string, relativeTo?: string): string {
  return documentPath('card', nameOrPath, relativeTo);
}

function parseLayer(file: string, text: string): Layer {
  return layerOf(parseYamlSource(text, file));
}

function layerOf(src: YamlSource): Layer {
  const file = src.file;
  const data = src.value;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new DocumentError('a card profile must be a YAML mapping', { file, line: 1, field: '$' });
  }
  // Each layer is checked where it is written: a typo or a wrong type names this file and line.
  checkDocument(src, cardProfileSchema);
  return { file, src, data: data as Record<string, unknown> };
}

/** Parsed shipped profiles (they do not change while emvsim runs; a user's file is read each time). */
const shippedLayers = new Map<string, Layer>();

function readLayer(file: string): Layer {
  const cached = shippedLayers.get(file);
  if (cached) return cached;
  if (!existsSync(file)) throw new DocumentError('no such card profile', { file, field: '$' });
  const layer = layerOf(readYamlDocument(file, 'card profile'));
  if (file.startsWith(profilesDirectory())) shippedLayers.set(file, layer);
  return layer;
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
  return layer.src.lineOf(path);
}

export interface LoadProfileOptions {
  /** Field overrides applied on top (same shape as the YAML). */
  overrides?: Record<string, unknown>;
  /** Directory for relative paths (default: the current directory). */
  relativeTo?: string;
}

/**
 * Resolved profiles whose every layer is a shipped file, by file and overrides: the conformance
 * suite resolves each scenario's profile when it loads and again when the case runs. Copies go out
 * (callers may change what they get). Bounded: cleared when it holds RESOLVED_KEPT profiles.
 */
const resolvedShipped = new Map<string, CardProfile>();
const RESOLVED_KEPT = 1024;

/** Loads and validates a profile by name (scripts/cards/NAME.yaml) or path. */
export function loadProfile(nameOrPath: string, options: LoadProfileOptions = {}): CardProfile {
  const file = profilePath(nameOrPath, options.relativeTo);
  const key = `${file}\n${options.overrides ? JSON.stringify(options.overrides) : ''}`;
  const known = resolvedShipped.get(key);
  if (known) return structuredClone(known);
  const top = readLayer(file);
  checkOverrides(options.overrides);
  const chain = layerChain(top);
  const profile = mergeLayers(chain, options.overrides);
  if (chain.every((layer) => shippedLayers.get(layer.file) === layer)) {
    if (resolvedShipped.size >= RESOLVED_KEPT) resolvedShipped.clear();
    resolvedShipped.set(key, structuredClone(profile));
  }
  return profile;
}

/** Loads a profile from YAML text (for tests and `--profile -`). */
export function parseProfile(text: string, file = '<profile>', overrides?: Record<string, unknown>): CardProfile {
  return resolveLayers(parseLayer(file, text), overrides);
}

function resolveLayers(top: Layer, overrides: Record<string, unknown> | undefined): CardProfile {
  checkOverrides(overrides);
  return mergeLayers(layerChain(top), overrides);
}

function checkOverrides(overrides: Record<string, unknown> | undefined): void {
  if (overrides) {
    // Programmatic overrides are a layer too: the same schema, errors named '<overrides>'.
    const violation = validatorOf(cardProfileSchema).validate(overrides);
    if (violation) throw new DocumentError(violation.message, { file: '<overrides>', field: violation.path.join('.') || '$' });
  }
}

/** The profile file and the files it names as `base`, top first. */
function layerChain(top: Layer): Layer[] {
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
  return chain;
}

/** Defaults, then the layers from the last base to the top, then the overrides; validated. */
function mergeLayers(chain: readonly Layer[], overrides: Record<string, unknown> | undefined): CardProfile {
  const top = chain[0]!;
  let merged: unknown = { ...PROFILE_DEFAULTS, name: undefined };
  for (const layer of [...chain].reverse()) merged = mergeProfileData(merged, layer.data);
  if (overrides) merged = mergeProfileData(merged, overrides);
  if (isPlainObject(merged)) {
    delete merged.base;
    // The name is never inherited: a delta file is a new profile, named by its file when it says nothing.
    merged.name = overrides?.name ?? top.data.name ?? basename(top.file).replace(/\.ya?ml$/, '').replace(/[^A-Za-z0-9._-]/g, '-');
  }
  return validateProfile(merged, locator(chain, overrides));
}

/**
 * Which file wrote the value at `path` of the merged profile (and on which line). Mappings
 * merge key by key, so each key belongs to the topmost layer that has it; a list or a scalar
 * belongs whole to the topmost layer that has it. A field missing from a list entry is
 * blamed on the file that wrote the list, at the entry's line (never on a base that happens
 * to have the field); a field missing everywhere on the user's file.
 */
function locator(chain: readonly Layer[], overrides: Record<string, unknown> | undefined) {
  return (path: readonly (string | number)[]): { file?: string; line?: number } => {
    if (overrides && hasPath(overrides, path)) return { file: '<overrides>' };
    let owner: Layer | undefined;
    let depth = 0;
    for (let n = 1; n <= path.length; n++) {
      const prefix = path.slice(0, n);
      if (owner && Array.isArray(valueAt(owner.data, path.slice(0, n - 1)))) {
        if (!hasPath(owner.data, prefix)) break;
      } else {
        const next = chain.find((layer) => hasPath(layer.data, prefix));
        if (!next) break;
        owner = next;
      }
      depth = n;
    }
    const layer = owner ?? chain[0]!;
    const line = lineOf(layer, path.slice(0, depth));
    return { file: layer.file, ...(line !== undefined ? { line } : {}) };
  };
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let cur: unknown = data;
  for (const k of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return cur;
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
