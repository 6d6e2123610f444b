/**
 * `npm run fuzz [N]`: the long fuzz runs (1,000,000 cases per parser by default;
 * `npm test` runs the same targets with 2,000). Each target must only ever
 * throw typed errors (EmvsimError); anything else is a finding and exits 1.
 * Targets run in chunks (seed derived per chunk, so a run stays deterministic) so that progress
 * shows on stderr (a bar with ETA on a terminal, a line per 10% otherwise) and Ctrl-C prints the
 * summary of what ran.
 */
import { installStreamGuards, onInterrupt, progressBar } from '../src/cli/streams.js';
import { targets, type FuzzResult } from './fuzz-targets.js';

installStreamGuards();
const count = Number(process.argv[2] ?? 1_000_000);
const chunk = Math.max(500, Math.ceil(count / 200));
const totals = new Map<string, FuzzResult & { secs: number }>();
let failed = false;

function summary(interrupted: boolean): void {
  const lines = [...totals].map(([name, r]) => `${name}: ${r.cases} cases, ${r.typedErrors} typed errors, ${r.findings.length} findings (${r.secs.toFixed(1)} s)`);
  if (interrupted) lines.unshift(`fuzz interrupted; summary of the cases run:`);
  process.stdout.write(lines.join('\n') + '\n');
}

onInterrupt(() => summary(true));

for (const t of targets) {
  const total: FuzzResult & { secs: number } = { cases: 0, typedErrors: 0, findings: [], secs: 0 };
  totals.set(t.name, total);
  const bar = await progressBar(count, `fuzz ${t.name}`);
  let nextLine = 0.1;
  const start = performance.now();
  for (let done = 0, index = 0; done < count; index++) {
    const n = Math.min(chunk, count - done);
    const r = await t.run(n, (0x5eed + index * 0x9e3779b1) >>> 0);
    total.cases += r.cases;
    total.typedErrors += r.typedErrors;
    total.findings.push(...r.findings);
    total.secs = (performance.now() - start) / 1000;
    done += n;
    if (bar) bar.increment('', n);
    else if (done / count >= nextLine) {
      process.stderr.write(`fuzz ${t.name}: ${done}/${count} cases, ${total.findings.length} findings, ${total.secs.toFixed(0)} s\n`);
      nextLine += 0.1;
    }
    // Let signals in between chunks (a target's loop is synchronous).
    await new Promise((resolve) => setImmediate(resolve));
  }
  bar?.stop();
  process.stdout.write(`${t.name}: ${total.cases} cases, ${total.typedErrors} typed errors, ${total.findings.length} findings (${total.secs.toFixed(1)} s)\n`);
  for (const f of total.findings.slice(0, 5)) process.stdout.write(`  finding: ${f}\n`);
  if (total.findings.length > 0) failed = true;
}
process.exit(failed ? 1 : 0);
