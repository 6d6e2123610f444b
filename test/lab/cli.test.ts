/**
 * `emvsim lab` as a user runs it (through tsx, so no dist/ build is needed):
 * help, listing, an in-process run with each reporter and its exit code, and
 * bad input answered with exit 2 and a message naming the place.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}
function emvsim(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
const dir = mkdtempSync(join(tmpdir(), 'emvsim-lab-cli-'));

describe('emvsim lab', () => {
  it('--help lists run, list and serve; run --help shows the placeholders', async () => {
    const help = await emvsim('lab', '--help');
    expect(help.stdout).toMatch(/lab run <plan>/);
    expect(help.stdout).toMatch(/lab serve/);
    const run = await emvsim('lab', 'run', '--help');
    expect(run.stdout).toMatch(/\{amount\} \{amountMinor\} \{pin\} \{type\} \{host\} \{seed\} \{case\} \{reader\}/);
    expect(run.stdout).toMatch(/--reader-slot/);
  });

  it('list shows the shipped plan and its cases', async () => {
    expect((await emvsim('lab', 'list')).stdout).toMatch(/^contact-terminal$/m);
    const cases = await emvsim('lab', 'list', 'contact-terminal');
    expect(cases.stdout.trim().split('\n').length).toBeGreaterThanOrEqual(60);
    expect(cases.stdout).toMatch(/^cvm-pin-try-limit-exceeded +Book 3 §10.5.1/m);
  });

  it('runs in-process: table to stdout, JUnit to --out, exit 0', async () => {
    const out = join(dir, 'lab.xml');
    const r = await emvsim('lab', 'run', 'contact-terminal', '--in-process', '--filter', 'oda', '--reporter', 'junit', '--out', out);
    expect(r.code).toBe(0);
    const n = /(\d+) case\(s\): (\d+) passed, 0 failed, 0 inconclusive/.exec(r.stdout);
    expect(Number(n?.[1])).toBeGreaterThanOrEqual(8);
    expect(n?.[2]).toBe(n?.[1]);
    expect(readFileSync(out, 'utf8')).toContain(`<testsuites name="emvsim lab: contact-terminal" tests="${n?.[1]}" failures="0" errors="0"`);
  });

  it('a failing plan exits 1 and names the finding', async () => {
    const plan = join(dir, 'strict.yaml');
    writeFileSync(plan, `plan: strict\ncases:\n  - id: wants-aac\n    title: a case our kernel does not meet\n    spec: Book 3 §10.7\n    expect:\n      generateAc: [{request: AAC, fault: approves offline}]\n`);
    const r = await emvsim('lab', 'run', plan, '--in-process');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAULT approves offline: first GENERATE AC cryptogram/);
    expect(r.stdout).toMatch(/expected AAC requested/);
    // The lab gives the terminal a fresh random seed per run, and eu-pos-pin selects 5% of transactions
    // under its threshold for online processing at random (Book 3 §10.6.2): TC, or ARQC when selected.
    expect(r.stdout).toMatch(/seen +(TC requested \(P1 40\)|ARQC requested \(P1 80\))/);
  });

  it.each([
    [['lab', 'run', 'contact-terminal'], /--reader-slot/],
    [['lab', 'run', 'contact-terminal', '--reader-slot', '1'], /--terminal-cmd/],
    [['lab', 'run', 'contact-terminal', '--in-process', '--manual'], /--in-process/],
    [['lab', 'run', 'no-such-plan', '--in-process'], /no plan 'no-such-plan'/],
    [['lab', 'run', 'contact-terminal', '--in-process', '--filter', 'nothing-matches'], /no case matches --filter nothing-matches/],
  ])('bad input %j exits 2', async (args, message) => {
    const r = await emvsim(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('a card delta the profile refuses exits 2 before any case runs, naming the case', async () => {
    const plan = join(dir, 'bad-card.yaml');
    writeFileSync(plan, `plan: bad\ncases:\n  - {id: fine, title: t, spec: s, expect: {}}\n  - id: broken\n    title: t\n    spec: s\n    card: {set: {aip: "XYZ"}}\n    expect: {}\n`);
    const r = await emvsim('lab', 'run', plan, '--in-process');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad-card\.yaml:4: broken\.card: case 'broken' cannot be set up: .*aip/);
    expect(r.stdout).toBe('');
  });

  it('--terminal-module: your Node terminal in-process, judged like any other', async () => {
    const mod = join(dir, 'mini-terminal.mjs');
    writeFileSync(
      mod,
      `export default {
  name: 'mini terminal',
  async run(card, request) {
    const r = await card.transmit(Uint8Array.from(Buffer.from('00A404000E315041592E5359532E444446303100', 'hex')));
    return { exitCode: 0, output: 'SELECT PSE answered ' + Buffer.from(r.subarray(-2)).toString('hex') + ', amount ' + request.amount };
  },
};\n`,
    );
    const r = await emvsim('lab', 'run', 'contact-terminal', '--in-process', '--terminal-module', mod, '--filter', 'sel-pse-first', '--reporter', 'json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { results: { verdict: string; findings: { seen: string }[]; terminal: { output: string }[] }[] };
    expect(report.results[0]!.verdict).toBe('fail');
    expect(report.results[0]!.findings[0]!.seen).toMatch(/the card saw: SELECT 9000$/);
    expect(report.results[0]!.terminal[0]!.output).toBe('SELECT PSE answered 9000, amount 8.00');
    const bad = join(dir, 'not-a-terminal.mjs');
    writeFileSync(bad, 'export const x = 1;\n');
    const b = await emvsim('lab', 'run', 'contact-terminal', '--in-process', '--terminal-module', bad);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--terminal-module.*has no default export \{ name, run\(card, request\) \}/);
  });

  it('no vpcd behind the slot: exit 3 (environment) before any case is judged', async () => {
    const r = await emvsim('lab', 'run', 'contact-terminal', '--reader-slot', '9', '--terminal-cmd', 'true', '--filter', 'oda-dda');
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot insert the card into vpcd slot 9 \(Virtual PCD 00 09; is pcscd with vpcd running\?\)/);
  });

  it('a plan with an error exits 2 naming file:line:field', async () => {
    const plan = join(dir, 'bad.yaml');
    writeFileSync(plan, `plan: bad\ncases:\n  - id: a\n    title: t\n    spec: s\n    expect:\n      oda: dda2\n`);
    const r = await emvsim('lab', 'run', plan, '--in-process');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:7: cases\.0\.expect\.oda: .*dda2/);
  });
});
