/**
 * Judging a lab case from what the card saw: command rules, the data the
 * terminal sent (named through the card's DOLs), the cryptogram requested,
 * offline data authentication, and the terminal's own result. A verdict is
 * pass, fail (each finding: expected against seen, decoded) or inconclusive
 * (the terminal never touched the card, crashed or timed out: nothing to
 * judge, and said as such).
 */
import { TVR_BITS, describeReferenceControl, explainCvmResults, explainTvr, fromHex, isBitSet, toHex, type Bytes } from './deps.js';
import {
  DOL_FIELDS,
  STEPS,
  commandBytes,
  describeExchange,
  describeMatcher,
  dolDataOf,
  matches,
  stepOf,
  type CardDols,
  type Step,
} from './card-log.js';
import type { CardExchange, CommandRule, FieldExpectations, Finding, GenerateAcExpectation, LabCase, LabCaseResult, Matcher, TerminalRun, Verdict } from './types.js';

interface StepFinding extends Finding {
  step?: Step;
}

function stepOfMatcher(m: Matcher): Step | undefined {
  const name = typeof m === 'string' ? m : m.command;
  if (typeof m !== 'string' && m.script) return 'issuer scripts';
  if (!name) return undefined;
  const fake: CardExchange = { run: 0, index: 0, command: '00' + (INS_OF[name.toUpperCase()] ?? '00') + '0000', response: '9000', sw: '9000', name: name.toUpperCase(), timeMs: 0 };
  return stepOf(fake, typeof m !== 'string' && m.cryptogram === 'TC' ? 1 : 0);
}
const INS_OF: Record<string, string> = { 'GET DATA': 'CA', VERIFY: '20', 'GENERATE AC': 'AE' };

/** Book 3 step of each exchange of one run (GENERATE AC counted). */
function stepsOf(run: readonly CardExchange[]): Step[] {
  let ac = 0;
  return run.map((e) => {
    const s = stepOf(e, ac);
    if (e.name === 'GENERATE AC') ac++;
    return s;
  });
}

function ruleText(rule: CommandRule): string {
  if ('sent' in rule) return `sent: ${describeMatcher(rule.sent)}${rule.times !== undefined ? ` x${rule.times}` : ''}`;
  if ('absent' in rule) return `absent: ${describeMatcher(rule.absent)}${window(rule)}`;
  if ('order' in rule) return `order: ${rule.order.map(describeMatcher).join(' -> ')}`;
  if ('first' in rule) return `first: ${describeMatcher(rule.first)}`;
  return `nothing after: ${describeMatcher(rule.nothingAfter)}`;
}

function window(rule: { after?: Matcher; before?: Matcher }): string {
  return `${rule.after ? ` after ${describeMatcher(rule.after)}` : ''}${rule.before ? ` before ${describeMatcher(rule.before)}` : ''}`;
}

function seenList(run: readonly CardExchange[]): string {
  return run.length === 0 ? '(no command)' : run.map((e) => `${e.name}${e.name === 'GENERATE AC' ? `/${describeReferenceControl(commandBytes(e)[2]!).cryptogram}` : ''} ${e.sw}`).join(', ');
}

function checkRule(rule: CommandRule, run: readonly CardExchange[], steps: readonly Step[]): StepFinding | undefined {
  const base = { rule: ruleText(rule), ...(rule.fault ? { fault: rule.fault } : {}) };
  if ('sent' in rule) {
    const hits = run.filter((e) => matches(e, rule.sent));
    const ok = rule.times !== undefined ? hits.length === rule.times : hits.length > 0;
    if (ok) return undefined;
    const step = stepOfMatcher(rule.sent);
    return { ...base, expected: `${describeMatcher(rule.sent)} sent ${rule.times !== undefined ? `${rule.times} time(s)` : 'at least once'}`, seen: `${hits.length} time(s); the card saw: ${seenList(run)}`, ...(step ? { step } : {}) };
  }
  if ('absent' in rule) {
    const from = rule.after === undefined ? 0 : run.findIndex((e) => matches(e, rule.after!)) + 1;
    if (rule.after !== undefined && from === 0) return undefined;
    const end = rule.before === undefined ? -1 : run.findIndex((e) => matches(e, rule.before!));
    const to = end < 0 ? run.length : end;
    const i = run.findIndex((e, k) => k >= from && k < to && matches(e, rule.absent));
    if (i < 0) return undefined;
    return { ...base, expected: `no ${describeMatcher(rule.absent)}${window(rule)}`, seen: describeExchange(run[i]!), step: steps[i]! };
  }
  if ('order' in rule) {
    let at = -1;
    for (const m of rule.order) {
      const i = run.findIndex((e, k) => k > at && matches(e, m));
      if (i < 0) {
        const step = stepOfMatcher(m);
        return { ...base, expected: rule.order.map(describeMatcher).join(' -> '), seen: `no ${describeMatcher(m)} after ${at < 0 ? 'the start' : describeExchange(run[at]!)}; the card saw: ${seenList(run)}`, ...(step ? { step } : {}) };
      }
      at = i;
    }
    return undefined;
  }
  if ('first' in rule) {
    if (run[0] && matches(run[0], rule.first)) return undefined;
    return { ...base, expected: `first command ${describeMatcher(rule.first)}`, seen: run[0] ? describeExchange(run[0]) : '(no command)', step: 'selection' };
  }
  const i = run.findIndex((e) => matches(e, rule.nothingAfter));
  if (i < 0 || i === run.length - 1) return undefined;
  return { ...base, expected: `no command after ${describeMatcher(rule.nothingAfter)}`, seen: `${describeExchange(run[i + 1]!)} (after ${describeExchange(run[i]!)})`, step: steps[i + 1]! };
}

function bcdNumber(v: Bytes): number {
  return Number(toHex(v).replace(/[^0-9]/g, '') || '0');
}

function yymmdd(d: Date): string {
  return d.toISOString().slice(2, 10).replace(/-/g, '');
}

/** TVR bits that only offline data authentication sets (Book 3 Annex C5, byte 1). */
const ODA_TVR_BITS = new Set(['offlineDataAuthenticationNotPerformed', 'sdaFailed', 'ddaFailed', 'cdaFailed', 'sdaSelected']);

function checkFields(what: string, exp: FieldExpectations, fields: Map<string, Bytes>, when: Date, fault: string | undefined, step: Step): StepFinding[] {
  const out: StepFinding[] = [];
  const add = (field: string, expected: string, seen: string, detail?: string[], at: Step = step) =>
    out.push({ rule: `${what} ${field}`, expected, seen, ...(detail ? { detail } : {}), ...(fault ? { fault } : {}), step: at });
  for (const [key, want] of Object.entries(exp)) {
    if (want === undefined) continue;
    const tag = DOL_FIELDS[key] ?? key;
    const value = fields.get(tag);
    if (value === undefined) {
      add(key, `${key} (${tag}) in the data`, `the card's DOL has no ${tag}, or the terminal sent too little data`);
      continue;
    }
    const hex = toHex(value);
    switch (key) {
      case 'amountMinor':
      case 'amountOtherMinor':
        if (bcdNumber(value) !== want) add(key, String(want), `${bcdNumber(value)} (${hex})`);
        break;
      case 'country':
      case 'currency':
        if (Number(hex) !== Number(want)) add(key, String(want), hex);
        break;
      case 'date': {
        const ok = want === 'today' ? [-1, 0, 1].some((d) => yymmdd(new Date(when.getTime() + d * 86_400_000)) === hex) : hex === want;
        if (!ok) add(key, want === 'today' ? `today (${yymmdd(when)})` : String(want), hex);
        break;
      }
      case 'tvr': {
        const t = want as { set?: string[]; clear?: string[] };
        const bit = (n: string) => TVR_BITS.find((b) => b.name === n)!;
        const wrongSet = (t.set ?? []).filter((n) => !isBitSet(value, bit(n)));
        const wrongClear = (t.clear ?? []).filter((n) => isBitSet(value, bit(n)));
        if (wrongSet.length + wrongClear.length > 0) {
          // A wrong ODA result bit is where the terminal deviated, whatever GENERATE AC carried it (Book 3 §10.3).
          const oda = [...wrongSet, ...wrongClear].every((n) => ODA_TVR_BITS.has(n));
          add('TVR', [...wrongSet.map((n) => `'${bit(n).description}' set`), ...wrongClear.map((n) => `'${bit(n).description}' clear`)].join('; '), `TVR ${hex}`, explainTvr(value), oda ? 'offline data authentication' : step);
        }
        break;
      }
      case 'cvmResults':
        if (!patternMatches(String(want), hex)) add('CVM Results', String(want), hex, value.length === 3 ? explainCvmResults(value) : undefined);
        break;
      case 'unpredictableNumber':
        if (value.every((b) => b === 0)) add(key, 'an unpredictable number (not zero)', hex);
        break;
      case 'arc':
        if (Buffer.from(value).toString('latin1') !== want) add('Authorisation Response Code', String(want), `${hex} ('${Buffer.from(value).toString('latin1')}')`);
        break;
      default:
        if (!patternMatches(String(want), hex)) add(tag, String(want), hex);
    }
  }
  return out;
}

function patternMatches(pattern: string, hex: string): boolean {
  const p = pattern.replace(/\s/g, '').toUpperCase();
  if (p.length !== hex.length) return false;
  return [...p].every((c, i) => c === 'X' || c === hex[i]);
}

function checkGenerateAc(index: number, exp: GenerateAcExpectation | null, acs: readonly CardExchange[], dols: CardDols, when: Date): StepFinding[] {
  const what = index === 0 ? 'first GENERATE AC' : 'second GENERATE AC';
  const step: Step = index === 0 ? 'action analysis' : 'completion';
  const e = acs[index];
  if (exp === null) return e ? [{ rule: `${what} not sent`, expected: `no ${what}`, seen: describeExchange(e), step }] : [];
  const fault = exp.fault;
  if (!e) return [{ rule: `${what} sent`, expected: `a ${what}`, seen: 'none', step, ...(fault ? { fault } : {}) }];
  if (exp.anyOf) {
    const tries = exp.anyOf.map((alt) => checkGenerateAc(index, { ...alt, ...(fault && !alt.fault ? { fault } : {}) }, acs, dols, when));
    if (tries.some((t) => t.length === 0)) return [];
    return tries.flatMap((t, k) => t.map((f) => ({ ...f, rule: `alternative ${k + 1} of ${tries.length}: ${f.rule}` })));
  }
  const out: StepFinding[] = [];
  const rc = describeReferenceControl(commandBytes(e)[2]!);
  if (exp.request !== undefined) {
    const allowed = Array.isArray(exp.request) ? exp.request : [exp.request];
    if (!allowed.includes(rc.cryptogram as never)) out.push({ rule: `${what} cryptogram`, expected: `${allowed.join(' or ')} requested`, seen: `${rc.cryptogram} requested (P1 ${toHex(commandBytes(e).subarray(2, 3))})`, step, ...(fault ? { fault } : {}) });
  }
  if (exp.cda !== undefined && exp.cda !== rc.cda) out.push({ rule: `${what} CDA`, expected: exp.cda ? 'CDA signature requested (P1 b5)' : 'no CDA signature requested', seen: rc.text, step, ...(fault ? { fault } : {}) });
  if (exp.data) out.push(...checkFields(what, exp.data, dolDataOf(e, index, dols) ?? new Map(), when, fault, step));
  return out;
}

function checkOda(method: 'none' | 'sda' | 'dda' | 'cda', run: readonly CardExchange[], dols: CardDols): StepFinding[] {
  const step: Step = 'offline data authentication';
  const internal = run.find((e) => e.name === 'INTERNAL AUTHENTICATE');
  const ac1 = run.find((e) => e.name === 'GENERATE AC');
  const cda = ac1 ? describeReferenceControl(commandBytes(ac1)[2]!).cda : false;
  const tvr = ac1 ? dolDataOf(ac1, 0, dols)?.get('95') : undefined;
  const notPerformed = tvr ? isBitSet(tvr, TVR_BITS[0]) : undefined;
  const seen = `${internal ? 'INTERNAL AUTHENTICATE sent' : 'no INTERNAL AUTHENTICATE'}, ${cda ? 'CDA requested' : 'no CDA request'}${tvr ? `, TVR ${toHex(tvr)}${notPerformed ? " ('offline data authentication not performed')" : ''}` : ''}`;
  const fail = (expected: string): StepFinding[] => [{ rule: 'offline data authentication', expected, seen, step }];
  if (method === 'dda' && (!internal || notPerformed)) return fail('DDA: INTERNAL AUTHENTICATE sent (Book 3 §10.3, Book 2 §6.5) and ODA performed');
  if (method === 'cda' && (!cda || internal || notPerformed)) return fail('CDA: the first GENERATE AC requests a CDA signature (Book 2 §6.6), no INTERNAL AUTHENTICATE');
  if (method === 'sda' && (internal || cda || notPerformed)) return fail('SDA only: no INTERNAL AUTHENTICATE, no CDA request, ODA performed');
  if (method === 'none' && (internal || cda || notPerformed === false)) return fail("no ODA: no INTERNAL AUTHENTICATE, no CDA request, TVR 'offline data authentication not performed' set");
  return [];
}

function unpredictableNumbers(runs: readonly CardExchange[][], dols: CardDols): string[] {
  return runs.map((run) => {
    const ac = run.find((e) => e.name === 'GENERATE AC');
    const un = ac ? dolDataOf(ac, 0, dols)?.get('9F37') : undefined;
    return un ? toHex(un) : '(none)';
  });
}

function inconclusiveReason(c: LabCase, runs: readonly CardExchange[][], terminal: readonly TerminalRun[]): string | undefined {
  for (let i = 0; i < c.runs; i++) {
    const t = terminal[i];
    const label = c.runs > 1 ? ` (run ${i + 1})` : '';
    if (!t) return `the terminal was not run${label}`;
    if (t.crash) return `the terminal crashed${label}: ${t.crash}`;
    if (t.signal) return `the terminal was killed by ${t.signal}${label}${t.timedOut ? ' after the case time-out' : ''}`;
    if (t.timedOut) return `the terminal timed out${label} after ${Math.round(t.durationMs)} ms`;
    if ((runs[i] ?? []).length === 0) return `the terminal never touched the card${label} (no command reached it; exit code ${t.exitCode})`;
  }
  return undefined;
}

export interface JudgeInput {
  case: LabCase;
  /** Exchanges per run. */
  runs: CardExchange[][];
  terminal: TerminalRun[];
  dols: CardDols;
  /** When each run started (for 'today'). */
  started: Date[];
}

export function judgeCase(input: JudgeInput): Pick<LabCaseResult, 'verdict' | 'reason' | 'findings' | 'steps'> {
  const { case: c, runs, dols } = input;
  const reason = inconclusiveReason(c, runs, input.terminal);
  const findings: StepFinding[] = [];
  if (!reason) {
    runs.forEach((run, r) => {
      const label = (f: StepFinding): StepFinding => (runs.length > 1 ? { ...f, rule: `run ${r + 1}: ${f.rule}` } : f);
      const steps = stepsOf(run);
      for (const rule of c.expect.commands ?? []) {
        const f = checkRule(rule, run, steps);
        if (f) findings.push(label(f));
      }
      const acs = run.filter((e) => e.name === 'GENERATE AC');
      (c.expect.generateAc ?? []).forEach((exp, i) => findings.push(...checkGenerateAc(i, exp, acs, dols, input.started[r] ?? new Date()).map(label)));
      if (c.expect.gpo) {
        const gpo = run.find((e) => e.name === 'GET PROCESSING OPTIONS');
        if (!gpo) findings.push(label({ rule: 'GET PROCESSING OPTIONS data', expected: 'a GET PROCESSING OPTIONS', seen: 'none', step: 'initiate processing' }));
        else findings.push(...checkFields('GET PROCESSING OPTIONS', c.expect.gpo, dolDataOf(gpo, 0, dols) ?? new Map(), input.started[r] ?? new Date(), undefined, 'initiate processing').map(label));
      }
      if (c.expect.oda) findings.push(...checkOda(c.expect.oda, run, dols).map(label));
      const t = c.expect.terminal;
      const tr = input.terminal[r];
      if (t && tr && !tr.unreported) {
        const exitOk = t.exit === undefined || (t.exit === 'nonzero' ? tr.exitCode !== 0 : tr.exitCode === t.exit);
        if (!exitOk) findings.push(label({ rule: 'terminal exit code', expected: String(t.exit), seen: String(tr.exitCode), step: 'completion', ...(t.fault ? { fault: t.fault } : {}) }));
        if (t.output !== undefined && !new RegExp(t.output, 'm').test(tr.output)) {
          findings.push(label({ rule: 'terminal output', expected: `a line matching /${t.output}/`, seen: lastLines(tr.output), step: 'completion', ...(t.fault ? { fault: t.fault } : {}) }));
        }
        const bad = t.notOutput !== undefined ? tr.output.split('\n').find((l) => new RegExp(t.notOutput!).test(l)) : undefined;
        if (bad !== undefined) findings.push(label({ rule: 'terminal output', expected: `no line matching /${t.notOutput}/`, seen: bad.trim(), step: 'completion', ...(t.fault ? { fault: t.fault } : {}) }));
      }
    });
    if (c.expect.unpredictableNumber === 'differs') {
      const uns = unpredictableNumbers(runs, dols);
      if (new Set(uns).size !== uns.length || uns.includes('(none)')) {
        findings.push({ rule: 'unpredictable number across runs', fault: 'the terminal repeats its unpredictable number (Book 4 §6.5.6)', expected: `${runs.length} different values of 9F37`, seen: uns.join(', '), step: 'action analysis' });
      }
    }
  }
  const verdict: Verdict = reason ? 'inconclusive' : findings.length > 0 ? 'fail' : 'pass';
  const first = stepsOf(runs[0] ?? []);
  const deviated = new Set(findings.map((f) => f.step).filter((s): s is Step => s !== undefined));
  const steps = STEPS.map((step) => ({ step, state: deviated.has(step) ? ('deviated' as const) : first.includes(step) ? ('seen' as const) : ('not-seen' as const) }));
  return { verdict, ...(reason ? { reason } : {}), findings: findings.map(({ step: _s, ...f }) => f), steps };
}

function lastLines(text: string): string {
  const lines = text.trimEnd().split('\n');
  return lines.length === 0 || text.trim() === '' ? '(no output)' : lines.slice(-4).join(' | ');
}

