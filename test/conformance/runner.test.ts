/**
 * The conformance runner's own behaviour: a failing case is reported with the
 * expected and actual values (TVR bits named), an invalid script gives exit 2
 * and its file:line, xfail does not fail the run, shards partition the suite,
 * JUnit XML is well formed with the right counts, card-script patterns.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conform } from '../../src/conformance/conform.js';
import { loadSuite, parseConformanceFile } from '../../src/conformance/load.js';
import { hexMatches, substitute } from '../../src/conformance/patterns.js';
import { formatReport } from '../../src/conformance/reporters.js';
import { parseShard, runCase, shardCases } from '../../src/conformance/runner.js';
import { DocumentError } from '../../src/apdu/errors.js';
import { checkXml } from './xml-check.js';

const dir = mkdtempSync(join(tmpdir(), 'emvsim-conform-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

// Book 3 §10.5.1: the right PIN at the first try does NOT set "PIN Try Limit exceeded"; the case claims it does.
const FAILING = `
- id: claims-pin-limit
  title: deliberately wrong expectation
  spec: Book 3 §10.5.1
  tags: [demo]
  card: { counters: { atc: 5, lastOnlineAtc: 5 } }
  terminal: { eachApplication: { randomSelection: { thresholdMinor: 0, targetPercent: 0, maxTargetPercent: 0 } } }
  cardholder: { pins: ["1234"] }
  transaction: { amountMinor: 800 }
  expect:
    outcome: declined
    tvr: { set: [pinTryLimitExceeded] }
- id: known-bug
  title: a known deviation
  spec: Book 3 §10.5.1
  tags: [demo]
  cardholder: { pins: ["1234"] }
  transaction: { amountMinor: 800 }
  expect:
    outcome: declined
    xfail: "kernel bug #123"
- id: passes
  title: offline PIN, offline approval
  spec: Book 3 §10.5.1
  tags: [demo]
  card: { counters: { atc: 5, lastOnlineAtc: 5 } }
  terminal: { eachApplication: { randomSelection: { thresholdMinor: 0, targetPercent: 0, maxTargetPercent: 0 } } }
  cardholder: { pins: ["1234"] }
  transaction: { amountMinor: 800 }
  expect: { outcome: approved, cryptogram: TC, cvmResults: "410302", tvr: [] }
`;

describe('conformance runner', () => {
  it('reports a failing case with expected against actual and the TVR bits named', async () => {
    const [c] = parseConformanceFile(FAILING, 'inline.yaml');
    const r = await runCase(c!);
    expect(r.status).toBe('fail');
    const outcome = r.mismatches.find((m) => m.field === 'outcome')!;
    expect(outcome).toMatchObject({ expected: 'declined', actual: 'approved' });
    const tvr = r.mismatches.find((m) => m.field === 'tvr')!;
    expect(tvr.expected).toBe('set: pinTryLimitExceeded');
    expect(tvr.detail).toEqual(['expected but not set: pinTryLimitExceeded (byte 3 20: PIN Try Limit exceeded)']);
    expect(r.trace).toContain('VERIFY');
    const table = formatReport('table', [r], [], 1);
    expect(table).toContain('--- FAIL claims-pin-limit');
    expect(table).toContain('expected set: pinTryLimitExceeded');
  });

  it('exits 1 on a failure, counts xfail as expected and passes the rest', async () => {
    const run = await conform({ paths: [file('mixed.yaml', FAILING)], reporter: 'json', filter: [], jobs: 1, progress: false, write: () => {} });
    expect(run.exitCode).toBe(1);
    expect(run.results.map((r) => [r.id, r.status])).toEqual([['claims-pin-limit', 'fail'], ['known-bug', 'xfail'], ['passes', 'pass']]);
    const without = await conform({ paths: [join(dir, 'mixed.yaml')], reporter: 'json', filter: ['!claims-pin-limit'], jobs: 1, progress: false, write: () => {} });
    expect(without.exitCode).toBe(0);
  });

  it('exits 2 on an invalid script and names file, line and field', async () => {
    const bad = file('bad.yaml', `- id: ok-id\n  title: t\n  spec: Book 3\n  transaction: { amountMinor: 1 }\n  expect:\n    outcome: approved\n    tvr: [pinTryLimitExceded]\n`);
    const warnings: string[] = [];
    const run = await conform({ paths: [bad], reporter: 'table', filter: [], jobs: 1, progress: false, write: () => {}, warn: (t) => warnings.push(t) });
    expect(run.exitCode).toBe(2);
    expect(warnings[0]).toContain(`${bad}:7: 0.expect.tvr.0: unknown TVR bit 'pinTryLimitExceded'`);
    const schemaError = () => parseConformanceFile(`id: x\ntitle: t\nspec: s\ntransaction: { amountMinor: -5 }\nexpect: {}\n`, 'neg.yaml');
    expect(schemaError).toThrow(DocumentError);
    expect(schemaError).toThrow('neg.yaml:4: transaction.amountMinor: -5 is below the minimum 0');
    expect(() => parseConformanceFile(`id: x\ntitle: t\nspec: s\ntransaction: { amountMinor: 5 }\nexpect: { outcom: approved }\n`, 'typo.yaml')).toThrow('typo.yaml:5: expect.outcom: unknown field');
  });

  it('rejects a card script using a variable before it is captured', () => {
    const text = `kind: card-script\nid: s\ntitle: t\nspec: s\nsteps:\n  - command: 80CA\${atc}00\n`;
    expect(() => parseConformanceFile(text, 'v.yaml')).toThrow('v.yaml:6: steps.0.command: ${atc} is not captured');
  });

  it('splits the suite into disjoint shards that cover it', () => {
    const { cases } = loadSuite([join(process.cwd(), 'scripts', 'conformance')]);
    const n = 3;
    const shards = [1, 2, 3].map((i) => shardCases(cases, { index: i, count: n }).map((c) => c.id));
    const all = shards.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(cases.length);
    expect(Math.max(...shards.map((s) => s.length)) - Math.min(...shards.map((s) => s.length))).toBeLessThanOrEqual(1);
    expect(shardCases(cases, parseShard('2/3')).map((c) => c.id)).toEqual(shards[1]);
    expect(() => parseShard('4/3')).toThrow(/i must be 1..n/);
  });

  it('scenarios run at the same time in one thread judge as when run one after another (issuer databases are not shared)', async () => {
    const { cases } = loadSuite([join(process.cwd(), 'scripts', 'conformance', '10-online-processing')]);
    const scenarios = cases.filter((c) => c.kind === 'scenario' && c.host.mode === 'simulator').slice(0, 6);
    expect(scenarios.length).toBeGreaterThan(3);
    const view = (r: Awaited<ReturnType<typeof runCase>>) => [r.id, r.status, JSON.stringify(r.actual)];
    const sequential = [];
    for (const c of scenarios) sequential.push(view(await runCase(c)));
    const together = (await Promise.all(scenarios.map((c) => runCase(c)))).map(view);
    expect(together).toEqual(sequential);
    // And again one after another: each borrowed database was rolled back to the seeded state.
    const again = [];
    for (const c of scenarios) again.push(view(await runCase(c)));
    expect(again).toEqual(sequential);
  });

  it('gives the same results, in the same order, and the same exit code with --jobs 2', async () => {
    const paths = [join(dir, 'mixed.yaml')];
    const one = await conform({ paths, reporter: 'json', filter: [], jobs: 1, progress: false, write: () => {} });
    const warnings: string[] = [];
    const two = await conform({ paths, reporter: 'json', filter: [], jobs: 2, progress: false, write: () => {}, warn: (t) => warnings.push(t) });
    expect(warnings).toEqual([]);
    expect(two.exitCode).toBe(one.exitCode);
    const summary = (r: typeof one) => r.results.map((x) => [x.id, x.status, x.mismatches.map((m) => m.field)]);
    expect(summary(two)).toEqual(summary(one));
  });

  it('writes JUnit XML that parses, with the right counts and escaping', async () => {
    const run = await conform({ paths: [join(dir, 'mixed.yaml')], reporter: 'junit', filter: [], jobs: 1, progress: false, write: () => {} });
    const doc = checkXml(run.report);
    expect(doc.root).toBe('testsuites');
    expect(doc.count('testcase')).toBe(3);
    expect(doc.count('failure')).toBe(1);
    expect(doc.count('skipped')).toBe(1);
    expect(run.report).toMatch(/<testsuites [^>]*tests="3" failures="1" errors="0" skipped="1"/);
    expect(run.report).toContain('classname=');
    expect(run.report).not.toMatch(/<failure[^>]*>[^<]*<(?!\/failure)/);
  });

  it('matches status words, data patterns and variables', () => {
    expect(hexMatches('61XX', '6110')).toBe(true);
    expect(hexMatches('9000', '6A82')).toBe(false);
    expect(hexMatches('77XX9F27*', '77129F270180')).toBe(true);
    expect(hexMatches('9F3602XXXX', '9F360200')).toBe(false);
    expect(substitute('80CA${tag}00', { tag: '9F36' })).toBe('80CA9F3600');
  });
});
