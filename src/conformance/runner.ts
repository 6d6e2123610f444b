/**
 * The conformance runner: selects cases (tags, shard), runs them in this
 * thread or in a pool of worker threads (node:worker_threads), and returns
 * the results in suite order whatever order they finished in.
 *
 * The pool (worker-pool.ts) keeps N long-lived workers fed from one queue in
 * batches; workers load compiled JS (dist/src/conformance/worker.js), or from
 * TypeScript sources (tsx, vitest) worker.ts after registering tsx's ESM
 * loader; if none can start the runner says so and runs the cases here.
 * Exit codes and report order never depend on the number of jobs.
 */
import { DocumentError } from '../apdu/index.js';
import type { CardTransport } from '../apdu/index.js';
import { runCardScript } from './card-script-run.js';
import { runScenario } from './scenario-run.js';
import type { CaseResult, ConformanceCase } from './types.js';
import { ConformanceWorkerPool } from './worker-pool.js';

/**
 * Filters: 'tag' keeps cases with that tag (or that id), '!tag' drops them.
 * Several keep-filters are alternatives; every drop-filter applies.
 */
export function filterCases(cases: readonly ConformanceCase[], filters: readonly string[]): ConformanceCase[] {
  const keep = filters.filter((f) => !f.startsWith('!'));
  const drop = filters.filter((f) => f.startsWith('!')).map((f) => f.slice(1));
  const has = (c: ConformanceCase, f: string) => c.tags.includes(f) || c.id === f;
  return cases.filter((c) => (keep.length === 0 || keep.some((f) => has(c, f))) && !drop.some((f) => has(c, f)));
}

export interface Shard {
  index: number;
  count: number;
}

/** Parses "i/n" (1-based, like CI matrix indices). */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) throw new DocumentError(`'${text}' is not i/n (e.g. 2/4)`, { field: '--shard' });
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) throw new DocumentError(`'${text}': i must be 1..n and n at least 1`, { field: '--shard' });
  return { index, count };
}

/**
 * The cases of one shard: ids sorted (code-unit order, the same on every
 * machine), the k-th id goes to shard (k mod n) + 1. Every case lands in
 * exactly one shard and shard sizes differ by at most one.
 */
export function shardCases(cases: readonly ConformanceCase[], shard: Shard): ConformanceCase[] {
  const order = [...cases].map((c) => c.id).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const mine = new Set(order.filter((_, k) => k % shard.count === shard.index - 1));
  return cases.filter((c) => mine.has(c.id));
}

export async function runCase(c: ConformanceCase, transport?: CardTransport): Promise<CaseResult> {
  return c.kind === 'card-script' ? runCardScript(c, transport) : runScenario(c);
}

export interface RunOptions {
  /** Worker threads (1 = this thread). */
  jobs?: number;
  /** A real card for card scripts (scenarios always use the emulated card). Forces one job. */
  transport?: CardTransport;
  /** Called as each case finishes (progress bar). */
  onResult?: (result: CaseResult) => void;
  /**
   * A pool started earlier (conform.ts starts it before loading the suite, so
   * the workers load their modules meanwhile). The caller closes it. Overrides `jobs`.
   */
  pool?: ConformanceWorkerPool;
  /** Where to say that workers could not start. */
  warn?: (message: string) => void;
}

async function runInThread(cases: readonly ConformanceCase[], options: RunOptions): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of cases) {
    const r = await runCase(c, c.kind === 'card-script' ? options.transport : undefined);
    options.onResult?.(r);
    results.push(r);
  }
  return results;
}

/** Runs the cases; results in the order of `cases`. */
export async function runCases(cases: readonly ConformanceCase[], options: RunOptions = {}): Promise<CaseResult[]> {
  const jobs = Math.max(1, Math.floor(options.jobs ?? 1));
  if (options.transport || (!options.pool && (jobs === 1 || cases.length <= 1))) return runInThread(cases, options);
  const pool = options.pool ?? new ConformanceWorkerPool(Math.min(jobs, cases.length));
  try {
    return await pool.runCases(cases, (c) => runCase(c), {
      ...(options.onResult ? { onResult: options.onResult } : {}),
      ...(options.warn ? { warn: options.warn } : {}),
    });
  } finally {
    if (!options.pool) await pool.close();
  }
}
