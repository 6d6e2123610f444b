/**
 * A Node terminal written against the `smartcard` package, run by `emvsim lab run --in-process
 * --terminal-module` with no pcscd: its `import { Devices } from 'smartcard'` resolves to emvsim's
 * fake bound to the lab's card (src/lab/terminal-module.ts). The example terminal
 * (examples/lab-terminal/smartcard-terminal.mjs) never touches the CardTransport it is given, so
 * every command the card saw came through the fake PC/SC stack; a faulty variant is caught.
 */
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';

interface Report {
  results: { id: string; verdict: string; findings: { fault?: string; seen: string }[]; terminal: { exitCode: number | null; output: string }[] }[];
}
function lab(module: string, ...filters: string[]): Promise<{ code: number; report: Report; stderr: string }> {
  const args = ['--import', 'tsx', 'src/cli/main.ts', 'lab', 'run', 'contact-terminal', '--in-process', '--terminal-module', module, '--reporter', 'json', ...filters.flatMap((f) => ['--filter', f])];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, report: JSON.parse(stdout || '{"results":[]}') as Report, stderr });
    });
  });
}
const verdicts = (r: Report) => Object.fromEntries(r.results.map((x) => [x.id, x.verdict]));

describe("a terminal written against 'smartcard', through the PC/SC fake", () => {
  it('is judged from what the card saw: selection, PDOL, CDOL1 data and UN pass; the DDA case fails (it does no ODA)', async () => {
    const r = await lab('examples/lab-terminal/smartcard-terminal.mjs', 'sel-pse-first', 'sel-card-blocked-6a81', 'data-pdol-filled', 'data-cdol1-fields', 'data-un-differs', 'oda-none', 'oda-dda');
    expect(r.stderr).toBe('');
    expect(verdicts(r.report)).toEqual({
      'sel-pse-first': 'pass',
      'sel-card-blocked-6a81': 'pass',
      'data-pdol-filled': 'pass',
      'data-cdol1-fields': 'pass',
      'data-un-differs': 'pass',
      'oda-none': 'pass',
      'oda-dda': 'fail',
    });
    expect(r.code).toBe(1);
    const dda = r.report.results.find((x) => x.id === 'oda-dda')!;
    expect(dda.findings.map((f) => f.fault)).toContain('skips DDA');
    // The terminal's own result, from its run(): unable to go online, declined; blocked card terminated.
    expect(r.report.results.find((x) => x.id === 'sel-pse-first')!.terminal[0]).toMatchObject({ exitCode: 1, output: expect.stringMatching(/^application A0000000031010\nDECLINED: unable to go online/) });
    expect(r.report.results.find((x) => x.id === 'sel-card-blocked-6a81')!.terminal[0]!.output).toMatch(/TERMINATED: SELECT PSE answered 6A81/);
    // Two runs of data-un-differs: the card went in and out of the fake reader twice.
    expect(r.report.results.find((x) => x.id === 'data-un-differs')!.terminal).toHaveLength(2);
  });

  it("a CommonJS terminal's require('smartcard') gets the same fake", async () => {
    const r = await lab('test/lab/fixtures/cjs-terminal.cjs', 'sel-pse-first');
    const c = r.report.results[0]!;
    expect(c.terminal[0]!.output).toBe('SELECT PSE in emvsim Lab Reader 00 00 answered 9000');
    expect(c.verdict).toBe('fail');
    expect(c.findings[0]!.seen).toMatch(/the card saw: SELECT 9000$/);
  });

  it('the same terminal with a bug (carries on after 6A81) is caught, the fault named', async () => {
    const r = await lab('test/lab/fixtures/faulty-smartcard-terminal.mjs', 'sel-card-blocked-6a81', 'sel-pse-first');
    expect(verdicts(r.report)).toEqual({ 'sel-card-blocked-6a81': 'fail', 'sel-pse-first': 'pass' });
    expect(r.code).toBe(1);
    const blocked = r.report.results.find((x) => x.id === 'sel-card-blocked-6a81')!;
    expect(blocked.findings.map((f) => f.fault)).toEqual(['continues after 6A81 (card blocked) instead of terminating', 'continues after 6A81 (card blocked) instead of terminating']);
    expect(blocked.findings[0]!.seen).toMatch(/SELECT/);
  });
});
