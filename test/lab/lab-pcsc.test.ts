/**
 * The lab through the real stack: the lab's card in vpcd slot 1, pcscd, and a
 * terminal PROCESS that reads "Virtual PCD 00 01": `emvsim transact` (the
 * kernel: every chosen case passes) and a faulty terminal (the case fails,
 * naming the fault). Needs a running pcscd with vpcd (never started here);
 * skipped without it, except under CI. Hold /tmp/emvsim-pcsc.lock when running
 * it on a shared machine.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listPcscReaders } from '../../src/reader/index.js';
import { fillPlaceholders, formatLabReport, LabServer, labDirectory, loadPlan, runLabCases } from '../../src/lab/index.js';

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

  it('expired keys: the kernel passes the five cases; a terminal that ignores certificate dates fails the three certificate ones, named', async () => {
    const ids = ['oda-issuer-certificate-expired', 'oda-sda-issuer-certificate-expired', 'oda-icc-certificate-expired', 'oda-capk-expired', 'oda-cda-capk-expired'];
    const good = await runLabCases(pick(ids), { mode: { kind: 'command', command: `${TSX} src/cli/main.ts transact ${ARGS}`, slot: SLOT }, timeoutMs: 30_000 });
    expect(good.map((r) => `${r.id}: ${r.verdict}`)).toEqual(ids.map((id) => `${id}: pass`));
    const bad = await runLabCases(pick(ids.slice(0, 3)), { mode: { kind: 'command', command: `${TSX} test/lab/faulty-terminal-cli.ts --fault ignores-certificate-expiry ${ARGS}`, slot: SLOT }, timeoutMs: 30_000 });
    expect(bad.map((r) => `${r.id}: ${r.verdict}`)).toEqual(ids.slice(0, 3).map((id) => `${id}: fail`));
    for (const r of bad) expect(r.findings.some((f) => /ignores the (issuer|ICC) certificate's expiration date/.test(f.fault ?? '')), r.id).toBe(true);
  }, 120_000);

  it('a terminal command that does not exist is inconclusive, said as such', async () => {
    const results = await runLabCases(pick(['oda-dda']), { mode: { kind: 'command', command: 'no-such-terminal-program --amount {amount}', slot: SLOT }, timeoutMs: 10_000 });
    expect(results[0]!.verdict).toBe('inconclusive');
    expect(results[0]!.reason).toMatch(/never touched the card \(no command reached it; exit code 127\)/);
  }, 30_000);

  it('--manual: shows the person what to enter, waits until the card was used and left alone', async () => {
    const prompts: string[] = [];
    const results = await runLabCases(pick(['cvm-wrong-then-right-pin']), {
      mode: {
        kind: 'manual',
        slot: SLOT,
        settleMs: 3000,
        // The "person": reads the prompt and operates the terminal (emvsim transact) as told.
        prompt: (text) => {
          prompts.push(text);
          const pins = /PIN (\S+) then (\S+);/.exec(text)!.slice(1);
          const host = /host simulator at (\S+)/.exec(text)![1]!;
          spawn('sh', ['-c', fillPlaceholders(`${TSX} src/cli/main.ts transact ${ARGS}`, { amount: '8.00', type: 'goods', pin: pins, host, seed: '5' })], { stdio: 'ignore' });
        },
      },
      timeoutMs: 30_000,
    });
    expect(prompts[0]).toMatch(/on the terminal enter: amount 8.00 \(goods\), PIN 1111 then 1234/);
    expect(results[0]!.verdict).toBe('pass');
  }, 60_000);

  it('lab serve with a vpcd slot: the rig inserts, runs its terminal, and fetches the verdict', async () => {
    const server = new LabServer({ slot: SLOT });
    const { port } = await server.listen(0);
    const socket = net.connect(port, '127.0.0.1');
    socket.setEncoding('utf8');
    let buffer = '';
    const answers: Record<string, unknown>[] = [];
    const waiters: (() => void)[] = [];
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        answers.push(JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>);
        buffer = buffer.slice(nl + 1);
        waiters.shift()?.();
      }
    });
    const request = async (o: Record<string, unknown>) => {
      const got = new Promise<void>((r) => waiters.push(r));
      socket.write(JSON.stringify(o) + '\n');
      await got;
      return answers.shift()!;
    };
    try {
      await request({ op: 'select', plan: 'contact-terminal', case: 'onl-script-72-after-final-ac' });
      const inserted = await request({ op: 'insert' });
      expect(inserted).toMatchObject({ ok: true, reader: READER });
      const terminal = spawn('sh', ['-c', fillPlaceholders(`${TSX} src/cli/main.ts transact ${ARGS}`, { amount: '80.00', type: 'goods', pin: ['1234'], host: inserted.host as string, seed: '9' })], { stdio: ['ignore', 'pipe', 'ignore'] });
      let output = '';
      terminal.stdout.on('data', (b: Buffer) => (output += b.toString()));
      const exit = await new Promise<number | null>((r) => terminal.on('close', r));
      expect(await request({ op: 'wait', timeoutMs: 10_000, settleMs: 500 })).toMatchObject({ ok: true, done: true });
      const verdict = await request({ op: 'verdict', terminal: { exit, output } });
      expect(verdict).toMatchObject({ ok: true, verdict: 'pass' });
      expect((verdict.log as string[]).join('\n')).toMatch(/PIN CHANGE\/UNBLOCK -> 9000/);
    } finally {
      socket.destroy();
      await server.close();
    }
  }, 60_000);
});
