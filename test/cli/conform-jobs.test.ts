/**
 * `emvsim conform --jobs 2` through the built CLI: the worker threads run the bundle's worker entry
 * (src/cli/conform-worker.ts), which registers the shipped documents compiled at build time before
 * the conformance worker starts, as the main thread does; the results are those of one thread.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from './run-cli.js';
import { repoRoot } from '../built-cli.js';

beforeAll(() => ensureBuilt());

describe('conform --jobs 2 (built CLI)', () => {
  it('gives the results of one thread, case by case', async () => {
    const suite = join('scripts', 'conformance', '09-terminal-action-analysis');
    const one = await runCli(['conform', suite, '--reporter', 'json']);
    const two = await runCli(['conform', suite, '--reporter', 'json', '--jobs', '2']);
    expect(one.code).toBe(0);
    expect(two.code).toBe(0);
    expect(two.stderr).toBe('');
    type Report = { results: { id: string; status: string; actual: unknown }[] };
    const view = (r: Report) => r.results.map((x) => [x.id, x.status, JSON.stringify(x.actual)]);
    const a = view(JSON.parse(one.stdout) as Report);
    expect(a.length).toBeGreaterThan(5);
    expect(view(JSON.parse(two.stdout) as Report)).toEqual(a);
  });

  it("the workers' bundle carries the compiled documents' lookup (src/cli/built-documents.ts)", () => {
    const worker = readFileSync(join(repoRoot, 'dist', 'bundle', 'worker.js'), 'utf8');
    expect(worker).toContain('documents-conformance.json');
  });
});
