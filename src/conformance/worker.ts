/**
 * Worker-thread entry of the conformance runner (runner.ts): receives one
 * case at a time ({ at, case }), runs it against a fresh emulated card and
 * posts { at, result } back. Cases and results are plain data.
 */
import { parentPort } from 'node:worker_threads';
import { runCase } from './runner.js';
import type { ConformanceCase } from './types.js';

if (!parentPort) throw new Error('src/conformance/worker is a worker-thread entry');
const port = parentPort;
port.on('message', (m: { at: number; case: ConformanceCase }) => {
  void runCase(m.case).then((result) => port.postMessage({ at: m.at, result }));
});
