/**
 * The shipped suite (scripts/conformance/) passes: every scenario's
 * expectation was written from EMV Book 3; a known kernel deviation is marked
 * expect.xfail and does not fail. Also runs a slice with --jobs 2 through the
 * CLI (worker threads load TypeScript through tsx) and checks the results
 * equal the in-thread run.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSuite } from '../../src/conformance/load.js';
import { runCases } from '../../src/conformance/runner.js';

const suiteDir = join(process.cwd(), 'scripts', 'conformance');

describe('shipped conformance suite', () => {
  it('validates, has at least 150 cases and every case passes (or is a listed xfail)', async () => {
    const { cases, errors } = loadSuite([suiteDir]);
    expect(errors.map((e) => e.message)).toEqual([]);
    expect(cases.length).toBeGreaterThanOrEqual(150);
    for (const c of cases) expect(c.spec, c.id).toMatch(/Book|§|liability|sources\.md/);
    const results = await runCases(cases);
    const bad = results.filter((r) => r.status === 'fail' || r.status === 'error' || r.status === 'xpass');
    expect(bad.map((r) => `${r.id}: ${r.error ?? r.mismatches.map((m) => `${m.field} expected ${m.expected} actual ${m.actual}`).join('; ')}`)).toEqual([]);
  });

  it('names the reason of every expected termination (a kernel defect must not pass as "terminated")', () => {
    const { cases } = loadSuite([suiteDir]);
    const unnamed = cases.filter((c) => c.kind === 'scenario' && c.expect.outcome === 'terminated' && !c.expect.reason).map((c) => c.id);
    expect(unnamed).toEqual([]);
  });

  it('runs with --jobs 2 in worker threads through the CLI', () => {
    const run = spawnSync(join(process.cwd(), 'node_modules', '.bin', 'tsx'), ['src/cli/main.ts', 'conform', suiteDir, '--filter', 'terminal-risk-management', '--jobs', '2', '--reporter', 'json'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).not.toContain('worker threads unavailable');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as { summary: { total: number; passed: number }; results: { id: string }[] };
    expect(report.summary.total).toBeGreaterThanOrEqual(15);
    expect(report.summary.passed).toBe(report.summary.total);
    const ids = report.results.map((r) => r.id);
    expect(ids).toEqual(loadSuite([suiteDir]).cases.filter((c) => c.tags.includes('terminal-risk-management')).map((c) => c.id));
  });
});
