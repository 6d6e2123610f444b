/**
 * Conformance runner throughput: scenarios per second over the shipped suite,
 * in this thread and with two worker threads (`emvsim conform --jobs 2`).
 */
import { join } from 'node:path';
import { loadSuite } from '../src/conformance/load.js';
import { runCases } from '../src/conformance/runner.js';
import { projectRoot } from '../src/terminal/config-loader.js';
import type { BenchRow, BenchSuite } from './harness.js';

async function scenariosPerSecond(jobs: number): Promise<{ rate: number; count: number }> {
  const { cases } = loadSuite([join(projectRoot(), 'scripts', 'conformance')]);
  const start = performance.now();
  const results = await runCases(cases, { jobs });
  return { rate: (results.length * 1000) / (performance.now() - start), count: results.length };
}

export const conformanceSuite: BenchSuite = {
  name: 'conformance',
  async run(): Promise<BenchRow[]> {
    await scenariosPerSecond(1); // warm-up: profiles, CAPKs and liability tables cached, JIT settled
    const single = await scenariosPerSecond(1);
    const two = await scenariosPerSecond(2);
    return [
      { suite: 'conformance', metric: 'shipped suite, 1 thread', value: single.rate, unit: 'scenarios/s', note: `${single.count} cases` },
      { suite: 'conformance', metric: 'shipped suite, --jobs 2', value: two.rate, unit: 'scenarios/s', note: `${two.count} cases, worker start included` },
    ];
  },
};
