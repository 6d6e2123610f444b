/**
 * The lab's HTML report in a real browser: Debian's chromium, headless,
 * loads the report of a failing run with #case-ID in the URL; the page's own
 * script opens that case. The test reads the DOM chromium dumps after the
 * script ran (verdict counts, the failing case expanded with its fault and
 * its step strip) and keeps a screenshot under artifacts/ (git-ignored).
 * Under CI (the CI variable set) a missing chromium fails the test.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { formatLabReport, labDirectory, loadPlan, runLabCases, type InProcessTerminal } from '../../src/lab/index.js';
import { faultyTerminal } from './faulty-terminals.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = resolve('artifacts', 'lab');
const run = promisify(execFile);

async function chromium(args: string[]): Promise<string> {
  const profile = mkdtempSync(join(tmpdir(), 'emvsim-chromium-'));
  try {
    const { stdout } = await run(
      CHROMIUM,
      ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, ...args],
      { timeout: 60_000, maxBuffer: 20 * 1024 * 1024 },
    );
    return stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

describe.skipIf(!existsSync(CHROMIUM) && !process.env.CI)('HTML report in headless chromium', () => {
  it('renders the counts and opens the failing case named in the URL fragment', async () => {
    const plan = loadPlan(join(labDirectory(), 'contact-terminal.yaml'));
    const pick = (ids: string[]) => plan.cases.filter((c) => ids.includes(c.id));
    const mode = (terminal: InProcessTerminal) => ({ mode: { kind: 'in-process' as const, terminal }, timeoutMs: 20_000 });
    const results = await runLabCases(pick(['onl-external-authenticate', 'trm-under-floor-limit', 'oda-dda']), mode(faultyTerminal('skips-external-authenticate')));
    const idle: InProcessTerminal = { name: 'idle', run: async () => ({ exitCode: 0, output: '' }) };
    results.push(...(await runLabCases(pick(['cvm-offline-pin-ok']), mode(idle))));
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = join(ARTIFACTS, 'report.html');
    writeFileSync(file, formatLabReport('html', results, 100, 'emvsim lab: browser test'));
    const url = `${pathToFileURL(file).href}#case-onl-external-authenticate`;

    const dom = await chromium(['--virtual-time-budget=3000', '--dump-dom', url]);
    expect(dom).toMatch(/<body[^>]*data-ready="1"/);
    expect(dom).toMatch(/data-count="pass">pass: <b>2<\/b>/);
    expect(dom).toMatch(/data-count="fail">fail: <b>1<\/b>/);
    expect(dom).toMatch(/data-count="inconclusive">inconclusive: <b>1<\/b>/);
    const failing = /<details id="case-onl-external-authenticate"([^>]*)>([\s\S]*?)<\/details>/.exec(dom);
    expect(failing?.[1]).toMatch(/data-status="fail"/);
    expect(failing?.[1]).toMatch(/\bopen=""/);
    expect(failing?.[2]).toContain('skips EXTERNAL AUTHENTICATE');
    expect(failing?.[2]).toMatch(/class="step deviated"[^>]*>online \/ issuer authentication</);
    // Only the case named in the fragment is open.
    expect(/<details id="case-oda-dda"([^>]*)>/.exec(dom)?.[1]).not.toMatch(/\bopen/);

    const shot = join(ARTIFACTS, 'report.png');
    rmSync(shot, { force: true });
    await chromium(['--virtual-time-budget=3000', '--window-size=1280,1600', `--screenshot=${shot}`, url]);
    expect(statSync(shot).size).toBeGreaterThan(10_000);
  }, 120_000);
});
