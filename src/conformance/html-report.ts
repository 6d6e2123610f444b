/**
 * A self-contained HTML report (one file: inline CSS and script, no network)
 * for conformance runs and lab runs: the summary with counts per verdict,
 * one row per case, and per case the expected-against-actual findings, a step
 * strip (Book 3 steps, the one where the terminal deviated marked), the
 * decoded APDU log and the terminal's output. A URL fragment #case-ID opens
 * that case; failing cases can be expanded all at once.
 */
export interface HtmlFinding {
  rule: string;
  fault?: string;
  expected: string;
  seen: string;
  detail?: string[];
}

export interface HtmlCase {
  id: string;
  title: string;
  spec: string;
  /** pass, fail, inconclusive, error, xfail, xpass. */
  status: string;
  where: string;
  reason?: string;
  findings: HtmlFinding[];
  actual?: string[];
  steps?: { step: string; state: 'seen' | 'deviated' | 'not-seen' }[];
  log?: string[];
  output?: string;
  durationMs: number;
}

export interface HtmlReport {
  title: string;
  subtitle?: string;
  cases: HtmlCase[];
  durationMs: number;
  generated: Date;
}

export function htmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em;margin:0 0 .2em}
.sub{color:#666;margin-bottom:1em}
.counts{display:flex;gap:.8em;margin:1em 0}
.count{padding:.4em .8em;border-radius:4px;background:#eee}
.pass{background:#d9f2d9}.fail,.error{background:#f8d0d0}.inconclusive,.xpass{background:#fbeec4}.xfail{background:#e4e4f4}
details{border:1px solid #ccc;border-radius:4px;margin:.3em 0}
summary{padding:.35em .6em;cursor:pointer;list-style:none}
summary .verdict{display:inline-block;width:8.5em;font-weight:600}
summary .spec{color:#555;margin-left:.6em}
.body{padding:.4em 1em 1em}
table.findings{border-collapse:collapse;margin:.5em 0;width:100%}
table.findings td,table.findings th{border:1px solid #ddd;padding:.25em .5em;vertical-align:top;text-align:left}
.fault{font-weight:600;color:#a00}
.steps{display:flex;flex-wrap:wrap;gap:2px;margin:.5em 0}
.step{padding:.2em .5em;font-size:12px;border-radius:3px;background:#eee;color:#888}
.step.seen{background:#d9f2d9;color:#222}.step.deviated{background:#e33;color:#fff;font-weight:600}
pre{background:#f6f6f6;padding:.6em;overflow:auto;font-size:12px;max-height:40em}
button{margin:.2em .4em .2em 0}
`;

const SCRIPT = `
(function(){
  function openFromHash(){
    var id=decodeURIComponent(location.hash.slice(1));
    if(!id)return;
    if(id==='failing'){document.querySelectorAll('details[data-status="fail"],details[data-status="error"],details[data-status="inconclusive"]').forEach(function(d){d.open=true});return}
    var d=document.getElementById(id);
    if(d){d.open=true;d.scrollIntoView()}
  }
  document.getElementById('expand-failing').addEventListener('click',function(){location.hash='failing';openFromHash()});
  document.getElementById('collapse-all').addEventListener('click',function(){document.querySelectorAll('details').forEach(function(d){d.open=false})});
  window.addEventListener('hashchange',openFromHash);
  openFromHash();
  document.body.setAttribute('data-ready','1');
})();
`;

function caseHtml(c: HtmlCase): string {
  const parts: string[] = [];
  if (c.reason) parts.push(`<p class="reason"><b>${c.status === 'inconclusive' ? 'Inconclusive' : 'Note'}:</b> ${htmlEscape(c.reason)}</p>`);
  if (c.steps && c.steps.length > 0) {
    parts.push(`<div class="steps" aria-label="steps">${c.steps.map((s) => `<span class="step ${s.state}" title="${s.state}">${htmlEscape(s.step)}</span>`).join('')}</div>`);
  }
  if (c.findings.length > 0) {
    parts.push('<table class="findings"><thead><tr><th>check</th><th>expected</th><th>seen</th></tr></thead><tbody>');
    for (const f of c.findings) {
      const fault = f.fault ? `<div class="fault">${htmlEscape(f.fault)}</div>` : '';
      const detail = f.detail && f.detail.length > 0 ? `<pre>${htmlEscape(f.detail.join('\n'))}</pre>` : '';
      parts.push(`<tr class="finding"><td>${fault}${htmlEscape(f.rule)}</td><td>${htmlEscape(f.expected)}</td><td>${htmlEscape(f.seen)}${detail}</td></tr>`);
    }
    parts.push('</tbody></table>');
  }
  if (c.actual && c.actual.length > 0) parts.push(`<h4>What happened</h4><pre>${htmlEscape(c.actual.join('\n'))}</pre>`);
  if (c.log && c.log.length > 0) parts.push(`<h4>Card-side APDU log</h4><pre class="log">${htmlEscape(c.log.join('\n'))}</pre>`);
  if (c.output) parts.push(`<h4>Terminal output</h4><pre class="output">${htmlEscape(c.output)}</pre>`);
  return (
    `<details id="case-${htmlEscape(c.id)}" data-status="${htmlEscape(c.status)}">` +
    `<summary class="${htmlEscape(c.status)}"><span class="verdict">${htmlEscape(c.status.toUpperCase())}</span><b>${htmlEscape(c.id)}</b> ${htmlEscape(c.title)}<span class="spec">${htmlEscape(c.spec)}</span></summary>` +
    `<div class="body"><div class="where">${htmlEscape(c.where)} · ${Math.round(c.durationMs)} ms</div>${parts.join('\n')}</div></details>`
  );
}

export function renderHtmlReport(report: HtmlReport): string {
  const counts = new Map<string, number>();
  for (const c of report.cases) counts.set(c.status, (counts.get(c.status) ?? 0) + 1);
  const order = ['pass', 'fail', 'inconclusive', 'error', 'xfail', 'xpass'];
  const countHtml = order
    .filter((s) => counts.has(s) || s === 'pass' || s === 'fail')
    .map((s) => `<span class="count ${s}" data-count="${s}">${s}: <b>${counts.get(s) ?? 0}</b></span>`)
    .join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${htmlEscape(report.title)}</title><style>${STYLE}</style></head>
<body>
<h1>${htmlEscape(report.title)}</h1>
<div class="sub">${report.subtitle ? `${htmlEscape(report.subtitle)} · ` : ''}${report.cases.length} case(s) in ${(report.durationMs / 1000).toFixed(2)} s · ${htmlEscape(report.generated.toISOString())}</div>
<div class="counts" id="counts" data-total="${report.cases.length}">${countHtml}</div>
<div><button id="expand-failing" type="button">expand failing</button><button id="collapse-all" type="button">collapse all</button></div>
<div id="cases">
${report.cases.map(caseHtml).join('\n')}
</div>
<script>${SCRIPT}</script>
</body></html>
`;
}
