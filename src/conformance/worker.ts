/**
 * Worker-thread entry of the conformance runner (worker-pool.ts). Imports the
 * runner (kernel, card, issuer) once, says 'ready', then runs the batches it is
 * given one case at a time, posting each result as soon as it is known and
 * asking for more when the batch is done. Its caches (card and terminal
 * profiles, CAPKs, liability tables) live as long as the worker. Cases and
 * results are plain data.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { conformanceDirectory, parseConformanceFile } from './load.js';
import { runCase } from './runner.js';
import { errorText, resultOf } from './scenario-run.js';
import type { ConformanceCase } from './types.js';
import type { FromWorker, ToWorker } from './worker-pool.js';

if (!parentPort) throw new Error('src/conformance/worker is a worker-thread entry');
const port = parentPort;
const post = (m: FromWorker): void => port.postMessage(m);

/** runCase reports its own errors; this catches anything that escapes so the pool never waits for a lost case. */
async function runGuarded(c: ConformanceCase) {
  const started = performance.now();
  try {
    return await runCase(c);
  } catch (err) {
    return resultOf(c, started, [], c.kind === 'card-script' ? c.xfail : c.expect.xfail, { error: errorText(err) });
  }
}

/** Set when the first batch arrives: warm-up stops at the next case boundary. */
let busy = false;

/**
 * While the main thread is still parsing the suite, this worker would idle:
 * it runs a few shipped scenarios instead (results discarded) so V8 has
 * compiled the kernel, card and issuer paths and the profile caches are
 * filled before the first real case. At most WARM_UP_MS, and it stops as soon
 * as work arrives.
 */
const WARM_UP_MS = 1500;
async function warmUp(): Promise<void> {
  const until = performance.now() + WARM_UP_MS;
  let cases: ConformanceCase[];
  try {
    const file = join(conformanceDirectory(), '09-terminal-action-analysis', 'taa.yaml');
    cases = parseConformanceFile(readFileSync(file, 'utf8'), file);
  } catch {
    return; // no shipped suite beside this build: nothing to warm up with
  }
  for (const c of cases) {
    if (busy || performance.now() > until) return;
    await runGuarded(c);
    await new Promise<void>((r) => setImmediate(r)); // let a batch message in
  }
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'stop') {
    port.close();
    return;
  }
  busy = true;
  void (async () => {
    for (const item of m.items) post({ type: 'result', at: item.at, result: await runGuarded(item.case) });
    post({ type: 'next' });
  })();
});
post({ type: 'ready' });
void warmUp();
