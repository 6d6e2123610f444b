/**
 * `emvsim conform` as a function: load (invalid files are reported and make
 * the exit code 2), filter, shard, run (a progress bar only when stdout is a
 * terminal), report, and return the exit code. The CLI command is a thin
 * wrapper; tests call this directly.
 */
import { closeSync, existsSync, openSync, unlinkSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DocumentError, EnvironmentError } from '../apdu/index.js';
import type { CardTransport } from '../apdu/index.js';
import { conformanceDirectory, loadSuite } from './load.js';
import { exitCodeOf, formatReport, type ReporterName } from './reporters.js';
import { filterCases, parseShard, runCases, shardCases } from './runner.js';
import type { CaseResult } from './types.js';
import { ConformanceWorkerPool } from './worker-pool.js';

export interface ConformOptions {
  paths: string[];
  reporter: ReporterName;
  /** Write the report here instead of stdout. */
  out?: string;
  filter: string[];
  shard?: string;
  jobs: number;
  /** A real card for card scripts (--reader). */
  transport?: CardTransport;
  /** Fail the run when an expected failure passes. */
  strictXfail?: boolean;
  /** Show a progress bar (default: when stdout is a TTY and the report goes elsewhere or is a table). */
  progress?: boolean;
  write?: (text: string) => void;
  warn?: (text: string) => void;
  /**
   * Receives, once the run starts, a function that writes the report of the cases finished so far,
   * marked incomplete (to --out, else stdout): the CLI calls it on Ctrl-C so no finished case is lost.
   */
  onPartialReport?: (writePartial: () => void) => void;
}

export interface ConformRun {
  exitCode: number;
  results: CaseResult[];
  report: string;
}

export async function conform(o: ConformOptions): Promise<ConformRun> {
  const write = o.write ?? ((t: string) => process.stdout.write(t));
  const warn = o.warn ?? ((t: string) => process.stderr.write(`emvsim: ${t}\n`));
  const started = performance.now();
  if (o.out) checkWritable(o.out);
  // Workers load their modules while this thread parses the YAML (start-up hidden, not paid).
  const pool = o.jobs > 1 && !o.transport ? new ConformanceWorkerPool(Math.floor(o.jobs)) : undefined;
  try {
    return await conformWith(o, pool, write, warn, started);
  } finally {
    await pool?.close();
  }
}

async function conformWith(
  o: ConformOptions,
  pool: ConformanceWorkerPool | undefined,
  write: (text: string) => void,
  warn: (text: string) => void,
  started: number,
): Promise<ConformRun> {
  const suite = loadSuite(o.paths.length > 0 ? o.paths : [conformanceDirectory()]);
  // Nothing to run is a mistake in the command (a typo in CI must not be green).
  if (suite.cases.length === 0 && suite.errors.length === 0) {
    throw new DocumentError(`no scenario or card script found in ${(o.paths.length > 0 ? o.paths : ['scripts/conformance']).join(', ')}`, { field: 'paths' });
  }
  // An invalid file fails the whole run before any case runs: a suite that is not the one the
  // user wrote must not report passes (exit 2, each file named at file:line:field).
  let cases = suite.errors.length > 0 ? [] : filterCases(suite.cases, o.filter);
  if (cases.length === 0 && suite.cases.length > 0 && suite.errors.length === 0) {
    throw new DocumentError(`${o.filter.map((f) => `'${f}'`).join(' ')} matches none of the ${suite.cases.length} case(s) (give a tag or a case id)`, { field: '--filter' });
  }
  if (o.shard) cases = shardCases(cases, parseShard(o.shard));
  // Progress goes to stderr, and only to a terminal: stdout stays the report.
  const progress = o.progress ?? Boolean(process.stderr.isTTY);
  let bar: { increment(): void; stop(): void } | undefined;
  if (progress && cases.length > 0) {
    const { SingleBar, Presets } = await import('cli-progress');
    const b = new SingleBar({ format: 'conform [{bar}] {value}/{total} ETA {eta_formatted} {id}', hideCursor: true, clearOnComplete: true, stream: process.stderr }, Presets.shades_classic);
    b.start(cases.length, 0, { id: '' });
    bar = { increment: () => b.increment(), stop: () => b.stop() };
  }
  let results: CaseResult[];
  const done: CaseResult[] = [];
  o.onPartialReport?.(() => {
    bar?.stop();
    const partial = markIncomplete(o.reporter, formatReport(o.reporter, done, suite.errors, performance.now() - started), done.length, cases.length);
    if (o.out) writeFileSync(o.out, partial);
    else write(partial);
    warn(`interrupted after ${done.length} of ${cases.length} case(s)${o.out ? `; the incomplete report is in ${o.out}` : ''}`);
  });
  try {
    results = await runCases(cases, {
      jobs: o.jobs,
      ...(pool && cases.length > 1 ? { pool } : {}),
      ...(o.transport ? { transport: o.transport } : {}),
      onResult: (r) => {
        done.push(r);
        bar?.increment();
      },
      warn,
    });
  } finally {
    bar?.stop();
  }
  const report = formatReport(o.reporter, results, suite.errors, performance.now() - started);
  if (o.out) writeFileSync(o.out, report);
  else write(report);
  if (o.out && o.reporter !== 'table') {
    // The file gets the machine report; people still see the verdict.
    const bad = results.filter((r) => r.status === 'fail' || r.status === 'error').length;
    write(`${results.length} case(s), ${bad} failing, ${suite.errors.length} invalid file(s); report written to ${o.out}\n`);
  }
  for (const e of suite.errors) warn(e.message);
  return { exitCode: exitCodeOf(results, suite.errors, o.strictXfail), results, report };
}

/** Fails before the run (exit 3) when the report cannot be written: no run whose report is lost. */
function checkWritable(out: string): void {
  const path = resolve(out);
  const existed = existsSync(path);
  try {
    closeSync(openSync(path, 'a'));
    if (!existed) unlinkSync(path);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new EnvironmentError(`cannot write the report to ${path} (${e.code ?? e.message}): choose a writable --out path`);
  }
}

/** The report of an interrupted run, saying so in its own format. */
export function markIncomplete(reporter: ReporterName, report: string, finished: number, total: number): string {
  const note = `INCOMPLETE: interrupted after ${finished} of ${total} case(s)`;
  if (reporter === 'json') {
    const value = JSON.parse(report) as Record<string, unknown>;
    return JSON.stringify({ incomplete: true, finished, total, ...value }, null, 2) + '\n';
  }
  if (reporter === 'junit') {
    // A comment for people, an erroring test case for CI systems that read only the elements.
    const marker = `  <testsuite name="incomplete run" tests="1" failures="0" errors="1" skipped="0" time="0.000">\n    <testcase classname="incomplete" name="interrupted" time="0.000">\n      <error message="${note}" type="interrupted"/>\n    </testcase>\n  </testsuite>\n</testsuites>`;
    return report.replace(/^(<\?xml[^>]*>\n)?/, (decl) => `${decl}<!-- ${note} -->\n`).replace(/<\/testsuites>\s*$/, `${marker}\n`);
  }
  return `${report}${note}\n`;
}
