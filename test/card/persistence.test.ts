/**
 * Atomic persistence under power loss (DEVELOPERS.md; Book 3 §6.5.12 for the
 * PIN try counter): a child process hammers a card file with wrong-PIN VERIFYs
 * and GENERATE ACs and is killed with SIGKILL at a random moment, 200 times.
 * After every kill the file must parse, the PIN try counter must never have
 * gone up, and the ATC must never have gone down.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CardImage, EmulatedCard, loadProfile, newCardFile, parseCardImage } from '../../src/card/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'emvsim-persist-'));
const helper = join(dir, 'pin-hammer.mjs');
const KILLS = 200;

beforeAll(() => {
  // A prebuilt single-file helper starts in tens of milliseconds (tsx would take about a second).
  buildSync({ entryPoints: [join(here, 'fixtures', 'pin-hammer.ts')], bundle: true, platform: 'node', format: 'esm', outfile: helper, logLevel: 'error' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runUntilKilled(file: string, delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [helper, file], { stdio: ['ignore', 'pipe', 'pipe'], cwd: join(here, '..', '..') });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += String(d)));
    child.stdout!.once('data', () => setTimeout(() => child.kill('SIGKILL'), delayMs));
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`helper exited with ${code}: ${stderr}`));
    });
  });
}

/** One card file hammered and killed `kills` times; returns how many PIN tries the kills consumed. */
async function hammer(file: string, kills: number): Promise<{ decrements: number; refills: number }> {
  newCardFile(loadProfile('visa-cvn18', { overrides: { pinTryLimit: 15 } }), file, { seed: file });
  let lastPtc = 15;
  let lastAtc = 0;
  let decrements = 0;
  let refills = 0;
  for (let i = 0; i < kills; i++) {
    await runUntilKilled(file, Math.floor(Math.random() * 31));
    const image: CardImage = parseCardImage(readFileSync(file, 'utf8'), file);
    expect(new EmulatedCard(structuredClone(image)).state.pinTryCounter).toBe(image.state.pinTryCounter); // a usable card
    const { pinTryCounter, atc } = image.state;
    expect(pinTryCounter).toBeLessThanOrEqual(lastPtc);
    expect(atc).toBeGreaterThanOrEqual(lastAtc);
    decrements += lastPtc - pinTryCounter;
    lastPtc = pinTryCounter;
    lastAtc = atc;
    if (pinTryCounter === 0) {
      // Refill between runs (the test plays the issuer) so every run exercises the counter.
      image.state.pinTryCounter = 15;
      writeFileSync(file, JSON.stringify(image));
      lastPtc = 15;
      refills++;
    }
  }
  return { decrements, refills };
}

describe('card file persistence', () => {
  it(`survives ${KILLS} SIGKILLs: the file always parses, the PIN try counter never goes up`, async () => {
    // Four card files in parallel, so the 200 kills take a quarter of the wall time.
    const results = await Promise.all([0, 1, 2, 3].map((i) => hammer(join(dir, `card-${i}.json`), KILLS / 4)));
    const decrements = results.reduce((n, r) => n + r.decrements, 0);
    expect(decrements).toBeGreaterThan(KILLS / 4); // the kills really landed inside the loop (a try costs a write)
    expect(results.some((r) => r.refills > 0)).toBe(true);
  }, 180_000);
});
