/**
 * Reporters for conformance results: a table for people (failures with
 * expected against actual, the TVR/TSI bits named and the decoded APDU
 * trace), JSON for programs, and JUnit XML for CI systems (testsuites >
 * testsuite per file > testcase with classname and time; failure with the
 * message and the diff; skipped for expected failures).
 */
import { relative } from 'node:path';
import type { DocumentError } from '../apdu/index.js';
import type { CaseResult, CaseStatus } from './types.js';

import { renderHtmlReport } from './html-report.js';

export type ReporterName = 'table' | 'json' | 'junit' | 'html';

export interface RunSummary {
  total: number;
  passed: number;
  failed: number;
  errors: number;
  xfailed: number;
  xpassed: number;
  invalid: number;
  durationMs: number;
}

export function summarise(results: readonly CaseResult[], invalid: readonly DocumentError[], durationMs: number): RunSummary {
  const count = (s: CaseStatus) => results.filter((r) => r.status === s).length;
  return { total: results.length, passed: count('pass'), failed: count('fail'), errors: count('error'), xfailed: count('xfail'), xpassed: count('xpass'), invalid: invalid.length, durationMs };
}

const LABEL: Record<CaseStatus, string> = { pass: 'PASS', fail: 'FAIL', xfail: 'XFAIL', xpass: 'XPASS', error: 'ERROR' };

function where(r: CaseResult): string {
  return `${relative(process.cwd(), r.file) || r.file}${r.line !== undefined ? `:${r.line}` : ''}`;
}

/** The failure text: every mismatch, expected against actual, with its detail lines. */
export function failureText(r: CaseResult): string[] {
  const lines: string[] = [];
  if (r.error) lines.push(`error: ${r.error}`);
  for (const m of r.mismatches) {
    lines.push(`${m.field}:`, `  expected ${m.expected}`, `  actual   ${m.actual}`);
    for (const d of m.detail ?? []) lines.push(`    ${d}`);
  }
  return lines;
}

function table(results: readonly CaseResult[], invalid: readonly DocumentError[], s: RunSummary): string {
  const out: string[] = [];
  const idWidth = Math.min(48, Math.max(2, ...results.map((r) => r.id.length)));
  out.push(`${'RESULT'.padEnd(6)}  ${'ID'.padEnd(idWidth)}  ${'SPEC'.padEnd(22)}  ${'ms'.padStart(5)}  TITLE`);
  for (const r of results) {
    out.push(`${LABEL[r.status].padEnd(6)}  ${r.id.padEnd(idWidth)}  ${r.spec.slice(0, 22).padEnd(22)}  ${Math.round(r.durationMs).toString().padStart(5)}  ${r.title}`);
  }
  const bad = results.filter((r) => r.status === 'fail' || r.status === 'error');
  for (const r of bad) {
    out.push('', `--- ${LABEL[r.status]} ${r.id}: ${r.title} (${r.spec}) at ${where(r)}`);
    out.push(...failureText(r).map((l) => `  ${l}`));
    if (r.actual.length > 0) out.push('  what happened:', ...r.actual.map((l) => `    ${l}`));
    if (r.trace) out.push('  APDU trace:', ...r.trace.split('\n').map((l) => `    ${l}`));
  }
  const xfails = results.filter((r) => r.status === 'xfail' || r.status === 'xpass');
  if (xfails.length > 0) {
    out.push('', 'Known deviations (expect.xfail):');
    for (const r of xfails) out.push(`  ${LABEL[r.status].padEnd(5)} ${r.id}: ${r.xfail}${r.status === 'xpass' ? '  <- now passes: remove the xfail' : ''}`);
  }
  for (const e of invalid) out.push('', `INVALID ${e.message}`);
  out.push(
    '',
    `${s.total} case(s): ${s.passed} passed, ${s.failed} failed, ${s.errors} error(s), ${s.xfailed} expected failure(s), ${s.xpassed} unexpectedly passed` +
      `${s.invalid > 0 ? `, ${s.invalid} invalid file(s)` : ''} in ${(s.durationMs / 1000).toFixed(2)} s`,
  );
  return out.join('\n') + '\n';
}

function json(results: readonly CaseResult[], invalid: readonly DocumentError[], s: RunSummary): string {
  return JSON.stringify({ summary: s, results, invalid: invalid.map((e) => ({ file: e.file, line: e.line, field: e.field, message: e.message })) }, null, 2) + '\n';
}

/** XML 1.0 text: escapes markup characters and drops characters XML cannot carry. */
export function xmlEscape(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function junit(results: readonly CaseResult[], invalid: readonly DocumentError[], s: RunSummary): string {
  const byFile = new Map<string, CaseResult[]>();
  for (const r of results) {
    const key = relative(process.cwd(), r.file) || r.file;
    byFile.set(key, [...(byFile.get(key) ?? []), r]);
  }
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites name="emvsim conformance" tests="${s.total + s.invalid}" failures="${s.failed}" errors="${s.errors + s.invalid}" skipped="${s.xfailed}" time="${seconds(s.durationMs)}">`);
  for (const [file, list] of byFile) {
    const f = list.filter((r) => r.status === 'fail').length;
    const e = list.filter((r) => r.status === 'error').length;
    const sk = list.filter((r) => r.status === 'xfail').length;
    const time = list.reduce((a, r) => a + r.durationMs, 0);
    out.push(`  <testsuite name="${xmlEscape(file)}" tests="${list.length}" failures="${f}" errors="${e}" skipped="${sk}" time="${seconds(time)}">`);
    for (const r of list) {
      const classname = xmlEscape(file.replace(/\.ya?ml$/, '').replace(/[\\/]/g, '.'));
      out.push(`    <testcase classname="${classname}" name="${xmlEscape(`${r.id}: ${r.title}`)}" time="${seconds(r.durationMs)}">`);
      const body = xmlEscape([...failureText(r), ...(r.actual.length > 0 ? ['what happened:', ...r.actual] : []), ...(r.trace ? ['APDU trace:', r.trace] : [])].join('\n'));
      if (r.status === 'fail') {
        const first = r.mismatches[0];
        out.push(`      <failure message="${xmlEscape(`${r.spec}: ${first ? `${first.field}: expected ${first.expected}, actual ${first.actual}` : 'failed'}`)}" type="conformance">${body}</failure>`);
      } else if (r.status === 'error') {
        out.push(`      <error message="${xmlEscape(r.error?.split('\n')[0] ?? 'error')}" type="setup">${body}</error>`);
      } else if (r.status === 'xfail') {
        out.push(`      <skipped message="${xmlEscape(`known deviation: ${r.xfail ?? ''}`)}"/>`);
      } else if (r.status === 'xpass') {
        out.push(`      <system-out>${xmlEscape(`unexpectedly passed; remove expect.xfail: ${r.xfail ?? ''}`)}</system-out>`);
      }
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  if (invalid.length > 0) {
    out.push(`  <testsuite name="invalid scripts" tests="${invalid.length}" failures="0" errors="${invalid.length}" skipped="0" time="0.000">`);
    for (const e of invalid) {
      out.push(`    <testcase classname="invalid" name="${xmlEscape(`${e.file ?? '?'}:${e.line ?? '?'}`)}" time="0.000">`);
      out.push(`      <error message="${xmlEscape(e.message)}" type="invalid-script"/>`, '    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

/** The self-contained HTML report (html-report.ts); invalid files appear as error cases. */
function html(results: readonly CaseResult[], invalid: readonly DocumentError[], s: RunSummary): string {
  const cases = results.map((r) => ({
    id: r.id,
    title: r.title,
    spec: r.spec,
    status: r.status,
    where: where(r),
    ...(r.error ? { reason: r.error } : r.xfail ? { reason: `known deviation: ${r.xfail}` } : {}),
    findings: r.mismatches.map((m) => ({ rule: m.field, expected: m.expected, seen: m.actual, ...(m.detail ? { detail: m.detail } : {}) })),
    actual: r.actual,
    ...(r.trace ? { log: r.trace.split('\n') } : {}),
    durationMs: r.durationMs,
  }));
  for (const e of invalid) {
    cases.push({ id: `invalid-${cases.length}`, title: e.message, spec: '', status: 'error', where: `${e.file ?? '?'}:${e.line ?? '?'}`, reason: e.message, findings: [], actual: [], durationMs: 0 });
  }
  return renderHtmlReport({ title: 'emvsim conformance', subtitle: `${s.passed} passed, ${s.failed} failed, ${s.errors} error(s)`, cases, durationMs: s.durationMs, generated: new Date() });
}

export function formatReport(name: ReporterName, results: readonly CaseResult[], invalid: readonly DocumentError[], durationMs: number): string {
  const s = summarise(results, invalid, durationMs);
  if (name === 'html') return html(results, invalid, s);
  return name === 'json' ? json(results, invalid, s) : name === 'junit' ? junit(results, invalid, s) : table(results, invalid, s);
}

/** 0 all good (expected failures included), 1 a case failed, 2 a script is invalid. */
export function exitCodeOf(results: readonly CaseResult[], invalid: readonly DocumentError[], strictXfail = false): number {
  if (invalid.length > 0) return 2;
  return results.some((r) => r.status === 'fail' || r.status === 'error' || (strictXfail && r.status === 'xpass')) ? 1 : 0;
}
