/**
 * The repository stands alone: nothing in src/, test/, scripts/ or bench/
 * refers to a file outside it (a clone anywhere runs the suite), and every
 * section of docs/sources.md cited in a comment exists there.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const SCANNED = ['src', 'test', 'scripts', 'bench'];
// Spelled in pieces so that this file does not match itself.
const OUTSIDE = [['..', 'shared'].join('/'), ['', 'work', ''].join('/'), ['payments', 'domain', 'facts'].join('-'), ['terminal', 'testing', 'facts'].join('-')];

function textFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...textFiles(p));
    else if (/\.(ts|mts|cts|js|mjs|cjs|json|ya?ml|md|sh|txt)$/.test(e.name)) out.push(p);
  }
  return out;
}

const files = SCANNED.flatMap((d) => textFiles(join(ROOT, d)));

describe('the repository is self-contained', () => {
  it('scans the sources, tests, scripts and benches', () => {
    expect(files.length).toBeGreaterThan(300);
  });

  it(`no file refers to a path outside the repository (${OUTSIDE.join(', ')})`, () => {
    const hits: string[] = [];
    for (const file of files) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          for (const needle of OUTSIDE) if (line.includes(needle)) hits.push(`${relative(ROOT, file)}:${i + 1}: ${needle}`);
        });
    }
    expect(hits).toEqual([]);
  });

  it('every docs/sources.md section cited exists', () => {
    const sections = new Set([...readFileSync(join(ROOT, 'docs', 'sources.md'), 'utf8').matchAll(/^## (§\w+)/gm)].map((m) => m[1]));
    expect(sections.size).toBeGreaterThanOrEqual(5);
    const missing: string[] = [];
    for (const file of files) {
      for (const m of readFileSync(file, 'utf8').matchAll(/docs\/sources\.md (§\w+)/g)) if (!sections.has(m[1]!)) missing.push(`${relative(ROOT, file)}: ${m[1]}`);
    }
    expect(missing).toEqual([]);
  });
});
