/**
 * Lab reports: a table for people, JSON, JUnit XML (the conformance
 * reporter: fail -> <failure>, inconclusive -> <error>) and the
 * self-contained HTML report shared with `emvsim conform`.
 */
import { relative } from 'node:path';
import { formatReport, renderHtmlReport, type CaseResult, type HtmlCase } from './deps.js';
import type { Finding, LabCaseResult } from './types.js';

export type LabReporter = 'table' | 'json' | 'junit' | 'html';

function where(r: LabCaseResult): string {
  return `${relative(process.cwd(), r.file) || r.file}${r.line !== undefined ? `:${r.line}` : ''}`;
}

export function findingLines(f: Finding): string[] {
  return [`${f.fault ? `FAULT ${f.fault}: ` : ''}${f.rule}`, `  expected ${f.expected}`, `  seen     ${f.seen}`, ...(f.detail ?? []).map((d) => `    ${d}`)];
}

function terminalOutput(r: LabCaseResult): string {
  return r.terminal
    .map((t, i) => `${r.terminal.length > 1 ? `--- run ${i + 1} ` : ''}exit ${t.exitCode ?? '-'}${t.signal ? ` signal ${t.signal}` : ''}${t.timedOut ? ' (timed out)' : ''}${t.crash ? ` crash: ${t.crash}` : ''}\n${t.output}`)
    .join('\n');
}

function asCaseResult(r: LabCaseResult): CaseResult {
  return {
    id: r.id,
    title: r.title,
    spec: r.spec,
    kind: 'scenario',
    tags: r.tags,
    file: r.file,
    line: r.line,
    status: r.verdict === 'pass' ? 'pass' : r.verdict === 'fail' ? 'fail' : 'error',
    durationMs: r.durationMs,
    mismatches: r.findings.map((f) => ({ field: f.fault ? `${f.rule} (${f.fault})` : f.rule, expected: f.expected, actual: f.seen, ...(f.detail ? { detail: f.detail } : {}) })),
    ...(r.verdict === 'inconclusive' ? { error: `inconclusive: ${r.reason ?? ''}` } : {}),
    actual: [`terminal: ${terminalOutput(r).split('\n').slice(0, 20).join('\n')}`],
    ...(r.verdict !== 'pass' ? { trace: r.decodedLog.join('\n') } : {}),
  };
}

function table(results: readonly LabCaseResult[], durationMs: number): string {
  const out: string[] = [];
  const w = Math.min(44, Math.max(2, ...results.map((r) => r.id.length)));
  for (const r of results) out.push(`${r.verdict.toUpperCase().padEnd(12)}  ${r.id.padEnd(w)}  ${r.spec.slice(0, 26).padEnd(26)}  ${r.title}`);
  for (const r of results.filter((x) => x.verdict !== 'pass')) {
    out.push('', `--- ${r.verdict.toUpperCase()} ${r.id}: ${r.title} (${r.spec}) at ${where(r)}`);
    if (r.reason) out.push(`  ${r.reason}`);
    for (const f of r.findings) out.push(...findingLines(f).map((l) => `  ${l}`));
    const deviated = r.steps.filter((s) => s.state === 'deviated').map((s) => s.step);
    if (deviated.length > 0) out.push(`  deviated at: ${deviated.join(', ')}`);
  }
  const n = (v: string) => results.filter((r) => r.verdict === v).length;
  out.push('', `${results.length} case(s): ${n('pass')} passed, ${n('fail')} failed, ${n('inconclusive')} inconclusive in ${(durationMs / 1000).toFixed(2)} s`);
  return out.join('\n') + '\n';
}

export function formatLabReport(name: LabReporter, results: readonly LabCaseResult[], durationMs: number, title = 'emvsim lab'): string {
  if (name === 'json') {
    const n = (v: string) => results.filter((r) => r.verdict === v).length;
    return JSON.stringify({ summary: { total: results.length, pass: n('pass'), fail: n('fail'), inconclusive: n('inconclusive'), durationMs }, results }, null, 2) + '\n';
  }
  if (name === 'junit') return formatReport('junit', results.map(asCaseResult), [], durationMs).replace('name="emvsim conformance"', `name="${title.replace(/[<>&"']/g, '')}"`);
  if (name === 'html') {
    const cases: HtmlCase[] = results.map((r) => ({
      id: r.id,
      title: r.title,
      spec: r.spec,
      status: r.verdict,
      where: where(r),
      ...(r.reason ? { reason: r.reason } : {}),
      findings: r.findings,
      steps: r.steps,
      log: r.decodedLog,
      output: terminalOutput(r),
      durationMs: r.durationMs,
    }));
    const n = (v: string) => results.filter((r) => r.verdict === v).length;
    return renderHtmlReport({ title, subtitle: `${n('pass')} passed, ${n('fail')} failed, ${n('inconclusive')} inconclusive`, cases, durationMs, generated: new Date() });
  }
  return table(results, durationMs);
}

/** 0 every case passed; 1 a case failed or was inconclusive. */
export function labExitCode(results: readonly LabCaseResult[]): number {
  return results.every((r) => r.verdict === 'pass') ? 0 : 1;
}
