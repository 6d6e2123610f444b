/**
 * Loads liability tables from files (scripts/liability/NAME.yaml or a path).
 * Kept apart from the liability step (liability.ts), which does no I/O.
 */
import { documentPath, isPathReference, readYamlDocument } from '../documents/index.js';
import { type LiabilityRule, type LiabilityTable, liabilityTableOf } from './liability.js';

export function loadLiabilityTable(path: string): LiabilityTable {
  return liabilityTableOf(readYamlDocument(path, 'liability rules file'));
}

/** The file of a liability table: a shipped table's name (scripts/liability/NAME.yaml) or a path. */
export function liabilityTablePath(nameOrPath: string): string {
  return documentPath('liability', nameOrPath);
}

const rulesCache = new Map<string, readonly LiabilityRule[]>();

/** The rules of a liability table by name or path, read once per process (tables are read-only). */
export function liabilityRules(nameOrPath: string): LiabilityRule[] {
  // A shipped table's bare name is a key too (resolving it to its path costs more than the lookup);
  // a path is not, as a relative one depends on the working directory.
  const shippedName = !isPathReference(nameOrPath);
  let rules = shippedName ? rulesCache.get(nameOrPath) : undefined;
  if (!rules) {
    const path = liabilityTablePath(nameOrPath);
    rules = rulesCache.get(path) ?? loadLiabilityTable(path).rules;
    rulesCache.set(path, rules);
    if (shippedName) rulesCache.set(nameOrPath, rules);
  }
  return [...rules];
}
