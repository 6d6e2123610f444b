/**
 * src/lab: the terminal test lab. emvsim plays the card; the terminal under
 * test (a command, a person, or an in-process Node terminal) is judged from
 * what the card saw.
 *
 *   loadPlan(file) -> LabPlan                     YAML plan, schema scripts/lab/plan.schema.json
 *   runLabCases(cases, { mode, timeoutMs })       mode: in-process | command (vpcd slot) | manual
 *   kernelTerminal(profile?, wrap?)               emvsim's kernel as an in-process terminal
 *   formatLabReport('table'|'json'|'junit'|'html', results, ms)
 *   LabServer                                     JSON lines over TCP (docs/lab.md)
 *   loadTerminalModule(file), labPcsc()           a user's Node terminal; `smartcard` resolves to the fake
 */
export { loadPlan, parsePlan, planFiles, shippedPlans, labDirectory } from './plan.js';
export { runLabCase, runLabCases, fillPlaceholders, runCommand, vpcdReaderName, type LabRunOptions, type TerminalMode } from './runner.js';
export { kernelTerminal, amountMinor, type InProcessTerminal, type TerminalRequest } from './kernel-terminal.js';
export { formatLabReport, labExitCode, type LabReporter } from './report.js';
export { judgeCase } from './judge.js';
export type * from './types.js';
export { LabServer, type LabServerOptions } from './server.js';
export { loadTerminalModule, installSmartcardResolver, labPcsc, LAB_READER, type LabPcsc } from './terminal-module.js';
