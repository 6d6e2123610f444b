/**
 * The conformance runner: selects cases (tags, shard), runs them in this
 * thread or in a pool of worker threads (node:worker_threads), and returns
 * the results in suite order whatever order they finished in.
 *
 * Workers load compiled JS (dist/src/conformance/worker.js). When this module
 * runs from TypeScript sources (tsx, vitest), the worker is started from
 * worker.ts after registering tsx's ESM loader; if that fails the runner
 * says so and runs the cases in this thread.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CardTransport } from '../apdu/transport.js';
import { runCardScript } from './card-script-run.js';
import { runScenario } from './scenario-run.js';
import type { CaseResult, ConformanceCase } from './types.js';

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
  if (!m) throw new RangeError(`--shard '${text}' is not i/n (e.g. 2/4)`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) throw new RangeError(`--shard '${text}': i must be 1..n and n at least 1`);
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
  /** Where to say that workers could not start. */
  warn?: (message: string) => void;
}

/** The worker: compiled JS as is; from TypeScript sources, a bootstrap that registers tsx's ESM loader first. */
function workerEntry(): { url: URL; start: () => Worker } {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    const url = new URL('./worker.ts', import.meta.url);
    const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`;
    return { url, start: () => new Worker(bootstrap, { eval: true }) };
  }
  const url = new URL('./worker.js', import.meta.url);
  return { url, start: () => new Worker(url) };
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

async function runInWorkers(cases: readonly ConformanceCase[], jobs: number, options: RunOptions): Promise<CaseResult[]> {
  const entry = workerEntry();
  if (!existsSync(fileURLToPath(entry.url))) throw new Error(`worker entry ${fileURLToPath(entry.url)} is missing`);
  const results = new Array<CaseResult | undefined>(cases.length);
  let next = 0;
  let done = 0;
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolvePool, rejectPool) => {
      const feed = (w: Worker): void => {
        if (next >= cases.length) return;
        const at = next++;
        w.postMessage({ at, case: cases[at] });
      };
      for (let k = 0; k < Math.min(jobs, cases.length); k++) {
        const w = entry.start();
        workers.push(w);
        w.on('message', (m: { at: number; result: CaseResult }) => {
          results[m.at] = m.result;
          options.onResult?.(m.result);
          if (++done === cases.length) resolvePool();
          else feed(w);
        });
        w.on('error', rejectPool);
        w.on('exit', (code) => {
          if (done < cases.length) rejectPool(new Error(`conformance worker exited with code ${code}`));
        });
        feed(w);
      }
      if (cases.length === 0) resolvePool();
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results as CaseResult[];
}

/** Runs the cases; results in the order of `cases`. */
export async function runCases(cases: readonly ConformanceCase[], options: RunOptions = {}): Promise<CaseResult[]> {
  const jobs = Math.max(1, Math.floor(options.jobs ?? 1));
  if (jobs === 1 || cases.length <= 1 || options.transport) return runInThread(cases, options);
  try {
    return await runInWorkers(cases, jobs, options);
  } catch (err) {
    // Results already reported are simply reported again by the in-thread run; say why.
    options.warn?.(`worker threads unavailable (${err instanceof Error ? err.message : String(err)}); running the cases in this thread`);
    return runInThread(cases, options);
  }
}
