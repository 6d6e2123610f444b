/**
 * Loads liability tables from files (scripts/liability/NAME.yaml or a path).
 * Kept apart from the liability step (liability.ts), which does no I/O.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DocumentError } from '../apdu/index.js';
import { type LiabilityRule, type LiabilityTable, parseLiabilityTable } from './liability.js';
import { projectRoot } from './project-root.js';

export function loadLiabilityTable(path: string): LiabilityTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new DocumentError('cannot read the liability rules file', { file: path, field: '(file)' });
  }
  return parseLiabilityTable(text, path);
}

/** The file of a liability table: a shipped table's name (scripts/liability/NAME.yaml) or a path. */
export function liabilityTablePath(nameOrPath: string): string {
  return /[/\\]/.test(nameOrPath) || /\.ya?ml$/.test(nameOrPath) ? nameOrPath : join(projectRoot(), 'scripts', 'liability', `${nameOrPath}.yaml`);
}

const rulesCache = new Map<string, readonly LiabilityRule[]>();

/** The rules of a liability table by name or path, read once per process (tables are read-only). */
export function liabilityRules(nameOrPath: string): LiabilityRule[] {
  const path = liabilityTablePath(nameOrPath);
  let rules = rulesCache.get(path);
  if (!rules) rulesCache.set(path, (rules = loadLiabilityTable(path).rules));
  return [...rules];
}
