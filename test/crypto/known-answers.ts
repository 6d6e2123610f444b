/**
 * Loads the public known-answer vectors (test/vectors/emv-known-answers.json, vendored into this
 * repository with each vector's source) for the symmetric crypto tests. Values are never computed here.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const vectorsPath = path.resolve(repoRoot, 'test', 'vectors', 'emv-known-answers.json');

export interface Vector {
  id: string;
  inputs: Record<string, unknown>;
  expected?: Record<string, unknown>;
  recomputed?: Record<string, unknown>;
  notes?: string | null;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const knownAnswers: any = JSON.parse(readFileSync(vectorsPath, 'utf8'));

export function symmetricGroup(name: string): Vector[] {
  const group = knownAnswers.symmetric.groups[name] as Vector[] | undefined;
  if (!group || group.length === 0) throw new Error(`no symmetric vectors in group '${name}'`);
  return group;
}

/** String input by name (throws if missing so a renamed field cannot silently skip a check). */
export function str(v: Vector, field: 'inputs' | 'expected', name: string): string {
  const value = v[field]?.[name];
  if (typeof value !== 'string') throw new Error(`${v.id}: ${field}.${name} missing`);
  return value;
}

export const isNonStandard = (v: Vector): boolean => (v.notes ?? '').includes('NON-STANDARD');
