/**
 * `npm run fuzz [N]`: the long fuzz runs (1,000,000 cases per parser by default;
 * `npm test` runs the same targets with 2,000). Each target must only ever
 * throw typed errors (EmvsimError); anything else is a finding and exits 1.
 */
import { targets } from './fuzz-targets.js';

const count = Number(process.argv[2] ?? 1_000_000);
let failed = false;
for (const t of targets) {
  const start = performance.now();
  const result = await t.run(count, 0x5eed);
  const secs = (performance.now() - start) / 1000;
  process.stdout.write(`${t.name}: ${result.cases} cases, ${result.typedErrors} typed errors, ${result.findings.length} findings (${secs.toFixed(1)} s)\n`);
  for (const f of result.findings.slice(0, 5)) process.stdout.write(`  finding: ${f}\n`);
  if (result.findings.length > 0) failed = true;
}
process.exit(failed ? 1 : 0);
