/**
 * The package as users get it: `npm pack`, checked by publint and
 * @arethetypeswrong/cli, then installed offline into a fresh project where a
 * node:test ESM file, a vitest file, a CommonJS require() and `tsc --noEmit`
 * (skipLibCheck false) use it through the public API only, and the library
 * quick start prints an approved outcome with the party that carries the
 * liability. The tarball comes from a clean build of the working tree in a
 * staging folder, so the repository's own dist/ is neither needed nor touched.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsumerProject, createConsumerProject, packTarball, ROOT, tarballFiles } from './consumer-project.js';

/** What runs in the consumer project, each a command and what its output must show; `files` are copied in first. */
const CONSUMER_RUNS: { name: string; files?: string[]; command: string; args: string[]; expect: RegExp }[] = [
  { name: 'the library quick start (README)', command: 'node', args: ['quick-start.mjs'], expect: /^approved: .*\nliability: issuer \(/ },
  // TAP named: off a TTY node:test's default reporter is TAP on Node 20 and 22 but spec on Node 24.
  { name: 'a node:test ESM file', command: 'node', args: ['--test', '--test-reporter=tap', 'node-test.test.mjs'], expect: /^# pass 4$/m },
  { name: 'a vitest file', command: 'npx', args: ['vitest', 'run', 'consumer.spec.ts'], expect: /Tests +3 passed/ },
  { name: 'CommonJS require() of the package (require(esm), Node >= 20.19)', command: 'node', args: ['require.cjs'], expect: /^require: approved, liability issuer$/m },
  { name: 'tsc --noEmit with skipLibCheck false over every subpath', command: 'npx', args: ['tsc', '-p', 'tsconfig.json'], expect: /^$/ },
  {
    name: 'the examples/ app against the smartcard fake from emvsim/testing (no pcscd)',
    files: ['examples/read-card/read-card.ts'],
    command: 'npx',
    args: ['vitest', 'run', 'read-card.spec.ts'],
    expect: /Tests +1 passed/,
  },
  { name: 'the CLI from the installed package (npx emvsim demo)', command: 'npx', args: ['emvsim', 'demo'], expect: /^LIABILITY +issuer \(rule chip-and-pin\)/m },
];

let tmp: string;
let tarball: string;
let project: ConsumerProject;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'emvsim-consumer-'));
  tarball = packTarball(join(tmp, 'pack'));
  const dir = join(tmp, 'project');
  cpSync(join(import.meta.dirname, 'consumer'), dir, { recursive: true });
  project = createConsumerProject(dir, tarball, ['typescript', 'vitest', '@types/node']);
}, 300_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function tool(name: string, args: readonly string[]): string {
  try {
    return execFileSync(join(ROOT, 'node_modules', '.bin', name), args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    throw new Error(`${name} found problems:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}

describe('the packed package', () => {
  it('publint: no errors, no warnings (--strict)', () => {
    expect(tool('publint', ['run', tarball, '--strict'])).toMatch(/All good!/);
  });

  it('arethetypeswrong: every subpath resolves with types for node16 ESM and CJS and bundlers', () => {
    // cjs-resolves-to-esm: a CommonJS caller gets the ES module through require(esm) (Node >= 20.19),
    // which the consumer project runs below; attw's TypeScript predates it.
    const out = tool('attw', [tarball, '--profile', 'node16', '--ignore-rules', 'cjs-resolves-to-esm', '--no-definitely-typed', '--format', 'json']);
    // The JSON lists every problem found; the profile and --ignore-rules decide which count (attw exits 0 above).
    const report = JSON.parse(out) as { analysis: { entrypoints: Record<string, unknown> }; problems?: Record<string, { kind: string; resolutionKind?: string }[]> };
    const counted = Object.values(report.problems ?? {})
      .flat()
      .filter((p) => p.kind !== 'CJSResolvesToESM' && p.resolutionKind !== 'node10');
    expect(counted).toEqual([]);
    expect(Object.keys(report.analysis.entrypoints).sort()).toEqual(
      ['.', './apdu', './card', './conformance', './crypto', './geldkarte', './issuer', './package.json', './reader', './terminal', './testing'].sort(),
    );
  });

  it('ships what runs: dist/src, the shipped data, the sources the source maps point at; no bench, no build scripts', () => {
    const files = tarballFiles(tarball);
    expect(files).toContain('LICENSE');
    expect(files).toContain('dist/src/index.d.ts');
    expect(files).toContain('scripts/terminals/eu-pos-pin.yaml');
    expect(files.filter((f) => f.startsWith('dist/bench') || f.startsWith('bench/') || f.startsWith('test/') || f.startsWith('scripts/build/'))).toEqual([]);
    for (const map of files.filter((f) => f.endsWith('.js.map'))) {
      const source = map.replace(/^dist\//, '').replace(/\.js\.map$/, '.ts');
      expect(files, `${map} points at ${source}`).toContain(source);
    }
  });
});

describe('a consumer project with the package installed from the tarball', () => {
  for (const r of CONSUMER_RUNS) {
    it(r.name, () => {
      for (const f of r.files ?? []) {
        mkdirSync(dirname(join(project.dir, f)), { recursive: true });
        cpSync(join(ROOT, f), join(project.dir, f));
      }
      expect(project.run(r.command, r.args)).toMatch(r.expect);
    });
  }
});
