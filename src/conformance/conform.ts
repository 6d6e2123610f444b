/**
 * `emvsim conform` as a function: load (invalid files are reported and make
 * the exit code 2), filter, shard, run (a progress bar only when stdout is a
 * terminal), report, and return the exit code. The CLI command is a thin
 * wrapper; tests call this directly.
 */
import { writeFileSync } from 'node:fs';
import type { CardTransport } from '../apdu/transport.js';
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
  // An invalid file fails the whole run before any case runs: a suite that is not the one the
  // user wrote must not report passes (exit 2, each file named at file:line:field).
  let cases = suite.errors.length > 0 ? [] : filterCases(suite.cases, o.filter);
  if (o.shard) cases = shardCases(cases, parseShard(o.shard));
  const progress = o.progress ?? Boolean(process.stdout.isTTY);
  let bar: { increment(): void; stop(): void } | undefined;
  if (progress && cases.length > 0) {
    const { SingleBar, Presets } = await import('cli-progress');
    const b = new SingleBar({ format: 'conform [{bar}] {value}/{total} {id}', hideCursor: true, clearOnComplete: true, stream: process.stdout }, Presets.shades_classic);
    b.start(cases.length, 0, { id: '' });
    bar = { increment: () => b.increment(), stop: () => b.stop() };
  }
  let results: CaseResult[];
  try {
    results = await runCases(cases, {
      jobs: o.jobs,
      ...(pool && cases.length > 1 ? { pool } : {}),
      ...(o.transport ? { transport: o.transport } : {}),
      onResult: () => bar?.increment(),
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
