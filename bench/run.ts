/**
 * `npm run bench`: runs every suite (or those named on the command line) and
 * prints one table. Speed targets live here, never in timed unit tests.
 */
import { formatTable, type BenchRow } from './harness.js';
import { suites } from './index.js';

// Suite names pick suites; flags (--quick) are for the suites themselves.
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const rows: BenchRow[] = [];
for (const s of suites) {
  if (wanted.length > 0 && !wanted.includes(s.name)) continue;
  process.stderr.write(`bench: ${s.name}...\n`);
  rows.push(...(await s.run()));
}
process.stdout.write(formatTable(rows) + '\n');
