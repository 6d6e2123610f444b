/**
 * Conformance runner throughput, scenarios per second, in one thread and with
 * two worker threads (`emvsim conform --jobs 2`):
 *  - the shipped suite, and a synthetic suite of the shipped cases repeated 5x
 *    (the shipped suite is about one second of work, the same order as a
 *    worker's start-up, so the larger set shows the steady state);
 *  - "cold pool": a fresh pool per run, worker start-up included (what one CLI
 *    run pays; conform.ts starts the pool while it parses the YAML, which this
 *    row does not credit);
 *  - "warm pool": the same pool after one warm-up run (JIT settled in the workers,
 *    as the 1-thread rows are after their warm-up).
 * The note gives the 1-minute load average: on a shared 2-core machine other
 * processes take cores away from the workers.
 */
import { loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { loadSuite } from '../src/conformance/load.js';
import { runCase, runCases } from '../src/conformance/runner.js';
import type { ConformanceCase } from '../src/conformance/types.js';
import { ConformanceWorkerPool } from '../src/conformance/worker-pool.js';
import { projectRoot } from '../src/terminal/config-loader.js';
import type { BenchRow, BenchSuite } from './harness.js';

async function rate(cases: readonly ConformanceCase[], run: () => Promise<unknown[]>): Promise<number> {
  const start = performance.now();
  const results = await run();
  if (results.length !== cases.length) throw new Error(`ran ${results.length} of ${cases.length} cases`);
  return (results.length * 1000) / (performance.now() - start);
}

async function rows(label: string, cases: readonly ConformanceCase[]): Promise<BenchRow[]> {
  await runCases(cases); // warm-up: profiles, CAPKs, liability tables cached, JIT settled
  const single = await rate(cases, () => runCases(cases));
  const cold = await rate(cases, () => runCases(cases, { jobs: 2 }));
  const pool = new ConformanceWorkerPool(2);
  let warm: number;
  try {
    await pool.runCases(cases, (c) => runCase(c));
    warm = await rate(cases, () => pool.runCases(cases, (c) => runCase(c)));
  } finally {
    await pool.close();
  }
  const load = `load ${loadavg()[0]!.toFixed(1)}`;
  const row = (metric: string, value: number, note: string): BenchRow => ({ suite: 'conformance', metric: `${label}, ${metric}`, value, unit: 'scenarios/s', note: `${cases.length} cases, ${note}, ${load}` });
  return [
    row('1 thread', single, 'warm'),
    row('--jobs 2 cold pool', cold, `worker start included, x${(cold / single).toFixed(2)}`),
    row('--jobs 2 warm pool', warm, `x${(warm / single).toFixed(2)}`),
  ];
}

/**
 * The machine's parallel capacity right now: a fixed busy loop in one worker,
 * then in two at once; 2.0 means two free cores, 1.0 means the second thread
 * got no CPU of its own (other processes hold it). The --jobs rows mean little
 * without it.
 */
async function parallelCapacity(): Promise<number> {
  const loop = `const { parentPort } = require('node:worker_threads'); let x = 0; for (let i = 0; i < 2e8; i++) x += i % 7; parentPort.postMessage(x);`;
  const timed = async (n: number) => {
    const start = performance.now();
    await Promise.all(Array.from({ length: n }, () => new Promise((resolve, reject) => new Worker(loop, { eval: true }).once('message', resolve).once('error', reject))));
    return performance.now() - start;
  };
  const one = await timed(1);
  const two = await timed(2);
  return (2 * one) / two;
}

export const conformanceSuite: BenchSuite = {
  name: 'conformance',
  async run(): Promise<BenchRow[]> {
    const { cases } = loadSuite([join(projectRoot(), 'scripts', 'conformance')]);
    const repeated = Array.from({ length: 5 }, () => cases).flat();
    const capacity = await parallelCapacity();
    return [
      { suite: 'conformance', metric: 'machine: 2 busy threads vs 1', value: capacity, unit: 'x', note: `2.00 = two free cores, load ${loadavg()[0]!.toFixed(1)}` },
      ...(await rows('shipped suite', cases)),
      ...(await rows('suite x5', repeated)),
    ];
  },
};
