/**
 * The lab through the real stack: the lab's card in vpcd slot 1, pcscd, and a
 * terminal PROCESS that reads "Virtual PCD 00 01": `emvsim transact` (the
 * kernel: every chosen case passes) and a faulty terminal (the case fails,
 * naming the fault). Needs a running pcscd with vpcd (never started here);
 * skipped without it, except under CI. Hold /tmp/emvsim-pcsc.lock when running
 * it on a shared machine.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listPcscReaders } from '../../src/reader/index.js';
import { formatLabReport, labDirectory, loadPlan, runLabCases } from '../../src/lab/index.js';

const SLOT = 1;
const READER = 'Virtual PCD 00 01';
let available = false;
try {
  available = existsSync('/run/pcscd/pcscd.comm') && (await listPcscReaders()).some((r) => r.name === READER);
} catch {
  available = false;
}
if (!available && process.env.CI === 'true') throw new Error(`pcscd with vpcd reader '${READER}' is required under CI`);

const TSX = 'node --import tsx';
const ARGS = `--reader "${READER}" --amount {amount} --type {type} --pin {pin} --host {host} --seed {seed}`;
const plan = loadPlan(join(labDirectory(), 'contact-terminal.yaml'));
const pick = (ids: string[]) => plan.cases.filter((c) => ids.includes(c.id));

describe.skipIf(!available)('lab through pcscd + vpcd', () => {
  it('emvsim transact as the terminal under test passes cases of every area', async () => {
    const ids = ['sel-pse-first', 'oda-cda', 'cvm-pin-try-limit-exceeded', 'trm-floor-limit-exceeded', 'onl-script-71-before-final-ac', 'onl-issuer-declines', 'mal-gac-6f00', 'data-un-differs'];
    const results = await runLabCases(pick(ids), { mode: { kind: 'command', command: `${TSX} src/cli/main.ts transact ${ARGS}`, slot: SLOT }, timeoutMs: 30_000 });
    expect(results.map((r) => `${r.id}: ${r.verdict} ${r.reason ?? ''}${r.findings.map((f) => f.rule).join(', ')}`).sort()).toEqual(ids.map((id) => `${id}: pass `).sort());
    // The terminal's own output is kept with the case.
    expect(results.find((r) => r.id === 'onl-issuer-declines')!.terminal[0]!.output).toMatch(/OUTCOME +DECLINED/);
  }, 180_000);

  it('a faulty terminal process fails the case, and the HTML report names the fault', async () => {
    const results = await runLabCases(pick(['onl-external-authenticate']), {
      mode: { kind: 'command', command: `${TSX} test/lab/faulty-terminal-cli.ts --fault skips-external-authenticate ${ARGS}`, slot: SLOT },
      timeoutMs: 30_000,
    });
    expect(results[0]!.verdict).toBe('fail');
    const html = formatLabReport('html', results, 1);
    expect(html).toContain('id="case-onl-external-authenticate" data-status="fail"');
    expect(html).toContain('skips EXTERNAL AUTHENTICATE');
  }, 60_000);

  it('a terminal command that does not exist is inconclusive, said as such', async () => {
    const results = await runLabCases(pick(['oda-dda']), { mode: { kind: 'command', command: 'no-such-terminal-program --amount {amount}', slot: SLOT }, timeoutMs: 10_000 });
    expect(results[0]!.verdict).toBe('inconclusive');
    expect(results[0]!.reason).toMatch(/never touched the card \(no command reached it; exit code 127\)/);
  }, 30_000);
});
