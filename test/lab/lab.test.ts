import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DocumentError } from '../../src/apdu/errors.js';
import { fillPlaceholders, formatLabReport, kernelTerminal, labDirectory, labExitCode, loadPlan, parsePlan, runCommand, runLabCases, type InProcessTerminal, type LabCaseResult } from '../../src/lab/index.js';
import { faultyTerminal, InterceptingTransport, repeatingUnTerminal, type FaultName } from './faulty-terminals.js';

const PLAN = join(labDirectory(), 'contact-terminal.yaml');
const plan = loadPlan(PLAN);
const byId = (ids: string[]) => plan.cases.filter((c) => ids.includes(c.id));
const inProcess = (terminal: InProcessTerminal, timeoutMs = 20_000) => ({ mode: { kind: 'in-process' as const, terminal }, timeoutMs });

describe('the shipped plan', () => {
  it('has at least 60 cases over every area, each naming its spec clause', () => {
    expect(plan.cases.length).toBeGreaterThanOrEqual(60);
    for (const area of ['selection', 'oda', 'processing-restrictions', 'cvm', 'pin', 'risk-management', 'action-analysis', 'online', 'scripts', 'malformed', 'raw']) {
      expect(plan.cases.filter((c) => c.tags.includes(area)).length, area).toBeGreaterThan(0);
    }
    for (const c of plan.cases) expect(c.spec, c.id).toMatch(/Book [1-4] §|Book [1-4],? Annex/);
  });

  it("emvsim's own kernel passes every case in-process", async () => {
    const results = await runLabCases(plan.cases, inProcess(kernelTerminal()));
    const bad = results.filter((r) => r.verdict !== 'pass').map((r) => `${r.id}: ${r.reason ?? ''} ${r.findings.map((f) => `${f.rule}: expected ${f.expected}, seen ${f.seen}`).join('; ')}`);
    expect(bad).toEqual([]);
    expect(labExitCode(results)).toBe(0);
  }, 60_000);
});

describe('faulty terminals are caught, and the message names the fault', () => {
  const cases: [FaultName, string, RegExp][] = [
    ['ignores-pin-try-counter', 'cvm-pin-try-limit-exceeded', /ignores the PIN try counter/],
    ['never-sets-icc-data-missing', 'cvm-no-cvm-list', /never sets 'ICC data missing'/],
    ['never-sets-icc-data-missing', 'raw-no-ca-index', /never sets 'ICC data missing'/],
    ['requests-tc-over-floor-limit', 'trm-floor-limit-exceeded', /requests TC over the floor limit/],
    ['skips-external-authenticate', 'onl-external-authenticate', /skips EXTERNAL AUTHENTICATE/],
    ['runs-71-scripts-after-second-generate-ac', 'onl-script-71-before-final-ac', /runs 71 scripts after the second GENERATE AC/],
    ['continues-after-6a81', 'sel-card-blocked-6a81', /continues after 6A81/],
  ];
  it.each(cases)('%s fails %s', async (fault, id, message) => {
    const [r] = await runLabCases(byId([id]), inProcess(faultyTerminal(fault)));
    expect(r!.verdict).toBe('fail');
    expect(r!.findings.some((f) => message.test(f.fault ?? ''))).toBe(true);
    expect(r!.steps.some((s) => s.state === 'deviated')).toBe(true);
    // The same case passes with the kernel: the fault, not the case, makes it fail.
    const [good] = await runLabCases(byId([id]), inProcess(kernelTerminal()));
    expect(good!.verdict).toBe('pass');
  });

  it('a terminal that repeats its unpredictable number fails data-un-differs', async () => {
    const [r] = await runLabCases(byId(['data-un-differs']), inProcess(repeatingUnTerminal()));
    expect(r!.verdict).toBe('fail');
    expect(r!.findings[0]!.fault).toMatch(/repeats its unpredictable number/);
    const uns = r!.findings[0]!.seen.split(', ');
    expect(uns).toHaveLength(2);
    expect(uns[0]).toBe(uns[1]);
  });

  it('the ignored PIN try counter shows in the decoded card-side log: GET DATA 9F17 answered 00, then VERIFY answered 6983', async () => {
    const [r] = await runLabCases(byId(['cvm-pin-try-limit-exceeded']), inProcess(faultyTerminal('ignores-pin-try-counter')));
    const verify = r!.log.find((e) => e.name === 'VERIFY');
    expect(verify?.sw).toBe('6983');
    expect(r!.decodedLog.join('\n')).toMatch(/9F17 .*: 00/);
    expect(r!.findings.find((f) => f.rule.startsWith('absent: VERIFY'))?.seen).toMatch(/VERIFY -> 6983/);
  });
});

describe('random transaction selection (Book 3 §10.6.2) is no excuse for ARQC without its TVR bit', () => {
  const kernel = kernelTerminal();
  const seeded = (seed: number): InProcessTerminal => ({ name: `kernel, seed ${seed}`, run: (card, r) => kernel.run(card, { ...r, seed }) });
  it('seed 8 selects the transaction randomly: ARQC with the bit set passes the TC cases', async () => {
    const results = await runLabCases(byId(['trm-under-floor-limit', 'taa-no-match-tc']), inProcess(seeded(8)));
    for (const r of results) {
      expect(r.log.find((e) => e.name === 'GENERATE AC')!.command.slice(4, 6), r.id).toBe('80');
      expect(r.verdict, r.id).toBe('pass');
    }
  });
  it('ARQC without the bit fails, naming both alternatives', async () => {
    // Asks for ARQC where it decided TC, without setting the random selection bit.
    const terminal = kernelTerminal('eu-pos-pin', (card) => new InterceptingTransport(card, (c, forward) => forward(c[1] === 0xae && c[2] === 0x40 ? Uint8Array.of(c[0]!, c[1]!, 0x80, ...c.subarray(3)) : c)));
    const [r] = await runLabCases(byId(['trm-under-floor-limit']), inProcess({ name: 'always ARQC', run: (card, q) => terminal.run(card, { ...q, seed: 1 }) }));
    expect(r!.reason).toBeUndefined();
    expect(r!.verdict).toBe('fail');
    expect(r!.findings.map((f) => f.rule)).toEqual(['alternative 1 of 2: first GENERATE AC cryptogram', 'alternative 2 of 2: first GENERATE AC TVR']);
  });
});

describe('inconclusive verdicts say why', () => {
  const one = byId(['cvm-offline-pin-ok']);
  it('a terminal that never touches the card', async () => {
    const idle: InProcessTerminal = { name: 'idle', run: async () => ({ exitCode: 0, output: 'nothing to do' }) };
    const [r] = await runLabCases(one, inProcess(idle));
    expect(r!.verdict).toBe('inconclusive');
    expect(r!.reason).toMatch(/never touched the card/);
  });
  it('a terminal that crashes', async () => {
    const crash: InProcessTerminal = { name: 'crash', run: async () => { throw new Error('segfault in the kernel'); } };
    const [r] = await runLabCases(one, inProcess(crash));
    expect(r!.verdict).toBe('inconclusive');
    expect(r!.reason).toMatch(/crashed: segfault in the kernel/);
  });
  it('a terminal that hangs', async () => {
    const hang: InProcessTerminal = { name: 'hang', run: () => new Promise(() => undefined) };
    const [r] = await runLabCases(one, inProcess(hang, 200));
    expect(r!.verdict).toBe('inconclusive');
    expect(r!.reason).toMatch(/timed out/);
    expect(labExitCode([r!])).toBe(1);
  });
});

describe('plan errors name file:line:field', () => {
  const base = (expect: string) => `plan: p\ncases:\n  - id: a\n    title: t\n    spec: Book 3 §1\n    expect:\n${expect}`;
  const error = (text: string): DocumentError => {
    try {
      parsePlan(text, 'bad.yaml');
    } catch (err) {
      if (err instanceof DocumentError) return err;
      throw err;
    }
    throw new Error('no error');
  };
  it.each([
    ['an unknown TVR bit', base('      generateAc: [{data: {tvr: {set: [pinTryLimitExeeded]}}}]'), 7, 'cases.0.expect.generateAc.0.data.tvr.set.0', /unknown TVR bit 'pinTryLimitExeeded'/],
    ['an unknown command', base('      commands: [{absent: VERIFI}]'), 7, 'cases.0.expect.commands.0.absent', /unknown command 'VERIFI'/],
    ['a bad regular expression', base('      terminal: {output: "("}'), 7, 'cases.0.expect.terminal.output', /not a regular expression/],
    ['an unknown field', base('      cryptogram: TC'), 7, 'cases.0.expect.cryptogram', /unknown field/],
    ['runs: 1 with unpredictableNumber: differs', base('      unpredictableNumber: differs'), 7, 'cases.0.expect.unpredictableNumber', /needs runs: 2/],
    ['a bad amount', base('      oda: dda').replace('    expect:', '    transaction: {amountMinor: "12,00"}\n    expect:'), 6, 'cases.0.transaction.amountMinor', /must be an integer, got "12,00"/],
    ['an amount in major units', base('      oda: dda').replace('    expect:', '    transaction: {amountMinor: 12.00}\n    expect:'), 6, 'cases.0.transaction.amountMinor', /'12.00' is not an integer in minor units/],
    ['the former name amount', base('      oda: dda').replace('    expect:', '    transaction: {amount: "12.00"}\n    expect:'), 6, 'cases.0.transaction.amount', /'amount' was renamed 'amountMinor' \(an integer in minor units/],
    ['the former field name amount in expected data', base('      generateAc: [{data: {amount: 800}}]'), 7, 'cases.0.expect.generateAc.0.data.amount', /'amount' was renamed 'amountMinor'/],
    ['an amount above n12', base('      oda: dda').replace('    expect:', '    transaction: {amountMinor: 1000000000000}\n    expect:'), 6, 'cases.0.transaction.amountMinor', /too large for this amount/],
  ])('%s', (_what, text, line, field, message) => {
    const e = error(text);
    expect(e.line).toBe(line);
    expect(e.field).toBe(field);
    expect(e.message).toMatch(message);
    expect(e.message).toContain(`bad.yaml:${line}`);
  });
  it('a duplicate id', () => {
    const text = `plan: p\ncases:\n  - {id: a, title: t, spec: s, expect: {}}\n  - {id: a, title: t, spec: s, expect: {}}\n`;
    const e = error(text);
    expect(e.line).toBe(4);
    expect(e.message).toMatch(/duplicate id 'a' \(first at line 3\)/);
  });
});

describe('terminal commands', () => {
  it('fills placeholders shell-quoted, PIN entries as separate words', () => {
    expect(fillPlaceholders("pos --amount {amount} --pin {pin} --x {unknown} --c {case}", { amount: '8.00', pin: ['1111', "12'4"], case: 'a b' })).toBe(
      "pos --amount '8.00' --pin '1111' '12'\\''4' --x {unknown} --c 'a b'",
    );
  });
  it('{amountMinor} is the plan amount as written; {amount} is it in major units with the plan currency exponent', () => {
    const plan = (tx: string) => parsePlan(`plan: p\ndefaults:\n  transaction: ${tx}\ncases:\n  - {id: a, title: t, spec: s, expect: {}}\n`, 'p.yaml').cases[0]!.transaction;
    expect(plan('{pin: []}')).toMatchObject({ amountMinor: 800, amount: '8.00', currencyExponent: 2 });
    expect(plan('{amountMinor: 12345}')).toMatchObject({ amountMinor: 12345, amount: '123.45' });
    expect(plan('{amountMinor: 150, currencyExponent: 0}')).toMatchObject({ amountMinor: 150, amount: '150' }); // JPY
    expect(plan('{amountMinor: 1234, currencyExponent: 3}')).toMatchObject({ amount: '1.234' }); // BHD
    const t = plan('{amountMinor: 12345}');
    expect(fillPlaceholders('pos --amount {amount} --minor {amountMinor}', { amount: t.amount, amountMinor: String(t.amountMinor) })).toBe("pos --amount '123.45' --minor '12345'");
  });
  it('keeps stdout and stderr and the exit code', async () => {
    const r = await runCommand('echo out; echo err >&2; exit 3', 5000);
    expect(r.exitCode).toBe(3);
    expect(r.output).toContain('out');
    expect(r.output).toContain('err');
    expect(r.timedOut).toBe(false);
  });
  it('kills a command that outlives the time-out', async () => {
    const r = await runCommand('sleep 20', 300);
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe('SIGTERM');
    expect(r.durationMs).toBeLessThan(5000);
  });
});

describe('reports', () => {
  let results: LabCaseResult[];
  it('JUnit XML: a failure per failing case naming the fault, an error per inconclusive case', async () => {
    results = await runLabCases(byId(['onl-external-authenticate', 'trm-under-floor-limit']), inProcess(faultyTerminal('skips-external-authenticate')));
    const idle: InProcessTerminal = { name: 'idle', run: async () => ({ exitCode: 0, output: '' }) };
    results.push(...(await runLabCases(byId(['oda-dda']), inProcess(idle))));
    const xml = formatLabReport('junit', results, 10, 'emvsim lab: contact-terminal');
    expect(xml).toMatch(/<testsuites name="emvsim lab: contact-terminal" tests="3" failures="1" errors="1"/);
    expect(xml).toMatch(/<failure message="Book 3 §10.9, §6.5.4: order: .*skips EXTERNAL AUTHENTICATE/);
    expect(xml).toMatch(/<error message="inconclusive: the terminal never touched the card/);
  });
  it('HTML: one self-contained file with counts, findings, the step strip and the decoded log', () => {
    const html = formatLabReport('html', results, 10);
    expect(html).not.toMatch(/<(link|img|iframe)\b|src=|https?:\/\//);
    expect(html).toContain('data-count="pass">pass: <b>1</b>');
    expect(html).toContain('data-count="fail">fail: <b>1</b>');
    expect(html).toContain('data-count="inconclusive">inconclusive: <b>1</b>');
    expect(html).toContain('id="case-onl-external-authenticate" data-status="fail"');
    expect(html).toMatch(/class="step deviated"[^>]*>online \/ issuer authentication</);
    expect(html).toContain('skips EXTERNAL AUTHENTICATE');
    expect(html).toMatch(/95 tvr = [0-9A-F]{10}/);
  });
});
