/**
 * The ratio table (issue 15): whole `emvsim` processes against bare Node (`node -e 0`) run
 * alongside in the same loop, so a busy machine slows both and the ratio stays readable; and
 * the in-process kernel beside its RSA-bound limit, both measured in this run.
 *
 *   npm run bench                  every suite, this one first
 *   npm run bench:ratios           this table only (about a minute; `-- --quick` for fewer rounds)
 *
 * Each round runs `node -e 0` and then every command once (interleaved); a row is the median over
 * the rounds. CPU ratios (user + system time of the child, from /proc/self/stat, mean over the
 * rounds) are beside the wall-time ratios: on a shared machine they move less.
 * The RSA-bound limit is the rate at which the card's RSA private operations alone would run:
 * 1 / (private operations per transaction x time per operation).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { loadSuite } from '../src/conformance/load.js';
import { projectRoot } from '../src/terminal/config-loader.js';
import { type BenchRow, type BenchSuite, percentile } from './harness.js';
import { measureKernel } from './terminal.bench.js';

const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';

interface ProcessCase {
  label: string;
  args: string[];
  /** Rounds in full / quick mode. */
  rounds: [number, number];
  /** Ratio goal (whole process / node -e 0), when the issue sets one. */
  goal?: number;
}

const TLV = '6F1A840E315041592E5359532E4444463031A5088801025F2D02656E';

const CASES: ProcessCase[] = [
  { label: 'emvsim --help', args: ['--help'], rounds: [21, 11], goal: 1.5 },
  { label: 'emvsim tlv decode <hex>', args: ['tlv', 'decode', TLV], rounds: [21, 11] },
  { label: 'emvsim transact (demo card)', args: ['transact', '--amount', '12.34', '--pin', '1234'], rounds: [15, 9], goal: 2.5 },
  { label: 'emvsim conform (shipped suite)', args: ['conform'], rounds: [7, 3] },
];

/** User + system CPU time of this process's waited-for children, ms (Linux; undefined elsewhere). */
function childrenCpuMs(): number | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  // Fields 16 and 17 of stat (cutime, cstime) are at 13 and 14 after the command name; clock ticks of 10 ms.
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

interface Timing {
  wallMs: number[];
  cpuMs: number[];
}

function run(command: string[], what: string): { wallMs: number; cpuMs: number | undefined } {
  const cpu0 = childrenCpuMs();
  const start = performance.now();
  const r = spawnSync(command[0]!, command.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const wallMs = performance.now() - start;
  const cpu1 = childrenCpuMs();
  if (r.status !== 0) throw new Error(`${what} exited ${r.status}: ${r.stderr}`);
  return { wallMs, cpuMs: cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0 };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Interleaved rounds of `node -e 0` and each case; returns the baseline and one timing per case. */
function timeProcesses(root: string): { baseline: Timing; timings: Timing[] } {
  const node = process.execPath;
  const bin = join(root, 'bin', 'emvsim.js');
  const baseline: Timing = { wallMs: [], cpuMs: [] };
  const timings: Timing[] = CASES.map(() => ({ wallMs: [], cpuMs: [] }));
  const record = (t: Timing, r: { wallMs: number; cpuMs: number | undefined }) => {
    t.wallMs.push(r.wallMs);
    if (r.cpuMs !== undefined) t.cpuMs.push(r.cpuMs);
  };
  // Warm the file cache and each command's code cache (bin/code-cache.js) as a user's second run has them.
  for (const c of CASES) run([node, bin, ...c.args], c.label);
  const rounds = Math.max(...CASES.map((c) => c.rounds[QUICK ? 1 : 0]));
  for (let r = 0; r < rounds; r++) {
    CASES.forEach((c, i) => {
      if (r >= c.rounds[QUICK ? 1 : 0]) return;
      record(baseline, run([node, '-e', '0'], 'node -e 0'));
      record(timings[i]!, run([node, bin, ...c.args], c.label));
    });
  }
  return { baseline, timings };
}

export const ratiosSuite: BenchSuite = {
  name: 'ratios',
  async run(): Promise<BenchRow[]> {
    const root = projectRoot();
    const load = () => `load ${loadavg()[0]!.toFixed(1)}`;
    const loadBefore = load();
    const { baseline, timings } = timeProcesses(root);
    const nodeMs = percentile(baseline.wallMs, 50);
    const nodeCpu = baseline.cpuMs.length > 0 ? mean(baseline.cpuMs) : undefined;
    const rows: BenchRow[] = [
      { suite: 'ratios', metric: 'node -e 0 (baseline, run alongside)', value: nodeMs, unit: 'ms', note: `median of ${baseline.wallMs.length}; cpu ${nodeCpu?.toFixed(0) ?? '?'} ms; ${loadBefore} -> ${load()}` },
    ];
    const caseCount = loadSuite([join(root, 'scripts', 'conformance')]).cases.length;
    CASES.forEach((c, i) => {
      const t = timings[i]!;
      const ms = percentile(t.wallMs, 50);
      const ratio = ms / nodeMs;
      const cpuRatio = nodeCpu && t.cpuMs.length > 0 ? mean(t.cpuMs) / nodeCpu : undefined;
      const goal = c.goal === undefined ? '' : `; goal <= ${c.goal}x: ${ratio <= c.goal ? 'met' : 'MISSED'}`;
      rows.push({ suite: 'ratios', metric: c.label, value: ratio, unit: 'x node', note: `median ${ms.toFixed(0)} ms of ${t.wallMs.length}; cpu x${cpuRatio?.toFixed(2) ?? '?'}${goal}` });
      if (c.args[0] === 'conform') {
        const rate = (caseCount * 1000) / ms;
        rows.push({ suite: 'ratios', metric: 'emvsim conform, whole process', value: rate, unit: 'cases/s', note: `${caseCount} cases, default jobs; goal >= 250: ${rate >= 250 ? 'met' : 'MISSED'}` });
      }
    });
    const k = await measureKernel(QUICK ? 1500 : 3000);
    const limit = k.privateOpsPerSecond / k.privateOpsPerTransaction;
    const share = k.tps / limit;
    rows.push(
      { suite: 'ratios', metric: 'in-process transactions (CDA, offline PIN, online)', value: k.tps, unit: 'tx/s', note: `${k.approved} approved` },
      {
        suite: 'ratios',
        metric: 'RSA-bound limit',
        value: limit,
        unit: 'tx/s',
        note: `${k.privateOpsPerTransaction} private ops/tx (${k.privateOpsPerTransaction - k.pinDecipherments} CDA, ${k.pinDecipherments} PIN) x ${(1000 / k.privateOpsPerSecond).toFixed(3)} ms (${k.iccBits}-bit ICC key)`,
      },
      { suite: 'ratios', metric: 'in-process rate / RSA-bound limit', value: 100 * share, unit: '%', note: `goal >= 50%: ${share >= 0.5 ? 'met' : 'MISSED'}; ${load()}` },
    );
    return rows;
  },
};
