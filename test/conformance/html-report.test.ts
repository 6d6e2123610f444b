import { describe, expect, it } from 'vitest';
import { DocumentError } from '../../src/apdu/errors.js';
import { htmlEscape } from '../../src/conformance/html-report.js';
import { formatReport } from '../../src/conformance/reporters.js';
import type { CaseResult } from '../../src/conformance/types.js';

const result = (over: Partial<CaseResult>): CaseResult => ({
  id: 'x',
  title: 't',
  spec: 'Book 3 §10.7',
  kind: 'scenario',
  tags: [],
  file: 'scripts/conformance/x.yaml',
  line: 3,
  status: 'pass',
  durationMs: 5,
  mismatches: [],
  actual: [],
  ...over,
});

describe('conformance HTML reporter (shared with the lab)', () => {
  it('one self-contained page: counts, expected against actual, the trace, invalid files as errors', () => {
    const html = formatReport(
      'html',
      [
        result({ id: 'ok' }),
        result({ id: 'bad', status: 'fail', mismatches: [{ field: 'cryptogram', expected: 'AAC', actual: 'TC', detail: ['TVR 0000000000'] }], trace: '#1 SELECT\n  > 00A4<script>' }),
        result({ id: 'known', status: 'xfail', xfail: 'kernel deviation' }),
      ],
      [new DocumentError('unknown field', { file: 'broken.yaml', line: 9, field: 'expect.foo' })],
      42,
    );
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<(link|img|iframe)\b|src=|https?:\/\//);
    expect(html).toContain('data-count="pass">pass: <b>1</b>');
    expect(html).toContain('data-count="fail">fail: <b>1</b>');
    expect(html).toContain('data-count="error">error: <b>1</b>');
    expect(html).toContain('data-count="xfail">xfail: <b>1</b>');
    expect(html).toContain('<td>cryptogram</td><td>AAC</td><td>TC<pre>TVR 0000000000</pre></td>');
    expect(html).toContain('&gt; 00A4&lt;script&gt;');
    expect(html).toContain('known deviation: kernel deviation');
    expect(html).toMatch(/broken\.yaml:9/);
  });
  it('escapes markup', () => {
    expect(htmlEscape(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
