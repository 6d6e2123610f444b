/** CLI start-up: median wall time of `node bin/emvsim.js --help` over 10 runs (goal under 200 ms). */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../src/platform/package-root.js';
import { type BenchSuite, percentile } from './harness.js';

const GOAL_MS = 200;
const RUNS = 10;

function timeRun(root: string, args: string[]): number {
  const start = performance.now();
  const r = spawnSync(process.execPath, [join(root, 'bin', 'emvsim.js'), ...args], { encoding: 'utf8' });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`emvsim ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

export const cliBench: BenchSuite = {
  name: 'cli',
  async run() {
    const root = packageRoot();
    timeRun(root, ['--help']); // warm the file cache
    const help = Array.from({ length: RUNS }, () => timeRun(root, ['--help']));
    const atr = Array.from({ length: RUNS }, () => timeRun(root, ['atr', '3B6800000073C84013009000']));
    const median = percentile(help, 50);
    return [
      {
        suite: 'cli',
        metric: 'start-up: emvsim --help (median of 10)',
        value: median,
        unit: 'ms',
        note: `goal < ${GOAL_MS} ms: ${median < GOAL_MS ? 'met' : 'MISSED'}`,
      },
      { suite: 'cli', metric: 'emvsim atr <hex> (median of 10)', value: percentile(atr, 50), unit: 'ms' },
    ];
  },
};
