/**
 * emvsim/conformance: certification-style scenarios for our kernel and card
 * scripts for the card, in YAML (scripts/conformance/), run and reported as a
 * table, JSON or JUnit XML: what `emvsim conform` does, for your own runner.
 *
 *   const { cases, errors } = loadSuite(['scripts/conformance']);
 *   const results = await runCases(cases);
 *   process.stdout.write(formatReport('junit', results, errors, 0));
 */
export { conform, type ConformOptions, type ConformRun } from './conform.js';
export { loadSuite, parseConformanceFile, conformanceFiles, conformanceDirectory, type LoadedSuite } from './load.js';
export { runCases, runCase, filterCases, shardCases, parseShard, type RunOptions, type Shard } from './runner.js';
export { runScenario, DEFAULT_TRANSACTION_DATE } from './scenario-run.js';
export { formatReport, exitCodeOf, summarise, type ReporterName, type RunSummary } from './reporters.js';
export type { ConformanceCase, Scenario, CardScript, CaseResult, CaseStatus, Mismatch, Expectation } from './types.js';
// For the lab (src/lab): cards and hosts of a case, the schema interpreter, the HTML report.
export { buildCard, buildHost } from './setup.js';
export { listenHost } from './host-server.js';
export { renderHtmlReport, type HtmlCase, type HtmlReport } from './html-report.js';
export type { CardSetup } from './types.js';
