/**
 * Runs lab cases: per case the card is personalised (profile + deltas), an
 * issuer host simulator is started for it, the card is inserted (the vpcd
 * slot for an external terminal, or handed to an in-process terminal), the
 * terminal is triggered (a command with placeholders, a person with
 * --manual, or an in-process terminal), the card-side log is captured, the
 * card is removed and the case is judged from what the card saw.
 */
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { buildCard, buildHost, DocumentError, listenHost, TransportError, listPcscReaders, TracingTransport, VpcdBridge, type CardTransport, type EmulatedCard } from './deps.js';
import { decodeLog, exchangesOf, type CardDols } from './card-log.js';
import { judgeCase } from './judge.js';
import type { InProcessTerminal } from './kernel-terminal.js';
import type { LabPcsc } from './terminal-module.js';
import type { CardExchange, LabCase, LabCaseResult, TerminalRun } from './types.js';

export type TerminalMode =
  | { kind: 'in-process'; terminal: InProcessTerminal; pcsc?: LabPcsc }
  | { kind: 'command'; command: string; slot: number; cwd?: string }
  | { kind: 'manual'; slot: number; prompt: (text: string) => void; settleMs?: number };

export interface LabRunOptions {
  mode: TerminalMode;
  /** Per case run, ms (default 30 000). */
  timeoutMs?: number;
  onResult?: (r: LabCaseResult) => void;
}

/** vpcd reader name of a slot, as pcscd lists it. */
export function vpcdReaderName(slot: number): string {
  return `Virtual PCD 00 0${slot}`;
}

/**
 * Waits until pcscd reports the slot's card present (after an insertion) or
 * absent (after a removal). pcscd polls vpcd: a card swapped faster than it
 * looks would be taken for the same card, still powered, and a late reset
 * meant for the old card would hit the new one. Without a usable pcscd
 * (vpcd on another machine, no PC/SC library) it waits a fixed second.
 */
export async function settleSlot(slot: number, want: 'present' | 'absent', timeoutMs = 5000): Promise<void> {
  const name = vpcdReaderName(slot);
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    let state: string | undefined;
    try {
      state = (await listPcscReaders()).find((r) => r.name === name)?.card;
    } catch {
      await new Promise((r) => setTimeout(r, 1000));
      return;
    }
    if (state === undefined) {
      await new Promise((r) => setTimeout(r, 1000));
      return;
    }
    if ((want === 'present') === (state === 'present')) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Fills {amount} {amountMinor} {pin} {type} {host} {seed} {case} {reader} in a terminal command (values shell-quoted). */
export function fillPlaceholders(command: string, values: Record<string, string | string[]>): string {
  return command.replace(/\{([A-Za-z]+)\}/g, (whole, name: string) => {
    const v = values[name];
    if (v === undefined) return whole;
    return Array.isArray(v) ? v.map(shellQuote).join(' ') : shellQuote(v);
  });
}

/** Runs a shell command with a time-out; stdout and stderr kept together, in order. */
export function runCommand(command: string, timeoutMs: number, cwd?: string): Promise<TerminalRun> {
  const started = performance.now();
  return new Promise((resolve) => {
    let output = '';
    let timedOut = false;
    const child = spawn('sh', ['-c', command], { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const append = (b: Buffer) => {
      if (output.length < 1_000_000) output += b.toString('utf8');
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    const kill = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill('SIGTERM');
      setTimeout(() => kill('SIGKILL'), 1000).unref();
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ exitCode: null, output, timedOut, crash: `cannot start: ${err.message}`, durationMs: performance.now() - started });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ exitCode: code, signal, output, timedOut, durationMs: performance.now() - started });
    });
  });
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), ms)))]).finally(() => clearTimeout(timer));
}

/** The manual trigger: waits until the card has been used and then left alone for settleMs, or the time-out. */
async function waitForPerson(tracer: TracingTransport, timeoutMs: number, settleMs: number): Promise<TerminalRun> {
  const started = performance.now();
  let lastCount = 0;
  let quietSince = performance.now();
  while (performance.now() - started < timeoutMs) {
    await new Promise((r) => setTimeout(r, 100));
    const n = tracer.records.filter((r) => r.type === 'apdu').length;
    if (n !== lastCount) {
      lastCount = n;
      quietSince = performance.now();
    } else if (n > 0 && performance.now() - quietSince >= settleMs) {
      return { exitCode: null, unreported: true, output: '(operated by hand)', timedOut: false, durationMs: performance.now() - started };
    }
  }
  return { exitCode: null, unreported: true, output: '(operated by hand)', timedOut: true, durationMs: performance.now() - started };
}

export function dolsOf(card: EmulatedCard): CardDols {
  const p = card.engine.profile;
  return { pdol: p.pdol ?? '', cdol1: p.cdol1 ?? '', cdol2: p.cdol2 ?? '' };
}

/** One transaction of a case: insert, trigger, capture, remove. */
async function runOnce(c: LabCase, card: EmulatedCard, hostAddress: string, host: Parameters<InProcessTerminal['run']>[1]['host'], options: LabRunOptions, run: number): Promise<{ exchanges: CardExchange[]; terminal: TerminalRun }> {
  const tracer = new TracingTransport(card as CardTransport);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const mode = options.mode;
  const seed = randomInt(1, 2 ** 31 - 1);
  let terminal: TerminalRun;
  if (mode.kind === 'in-process') {
    const started = performance.now();
    const pcsc = mode.pcsc;
    try {
      await tracer.coldReset();
      // A terminal written against `smartcard` finds the same card in the lab's fake reader.
      if (pcsc) await pcsc.pcscd.insert(tracer, pcsc.reader);
      const r = await withTimeout(mode.terminal.run(tracer, { ...c.transaction, host, seed, ...(pcsc ? { reader: pcsc.reader } : {}) }), timeoutMs);
      terminal = r === 'timeout' ? { exitCode: null, output: '', timedOut: true, durationMs: performance.now() - started } : { ...r, timedOut: false, durationMs: performance.now() - started };
    } catch (err) {
      terminal = { exitCode: null, output: '', timedOut: false, crash: err instanceof Error ? err.message : String(err), durationMs: performance.now() - started };
    } finally {
      pcsc?.pcscd.remove(pcsc.reader);
    }
  } else {
    const bridge = new VpcdBridge(tracer, { slot: mode.slot, removed: true });
    try {
      await bridge.insert(5000);
    } catch (err) {
      await bridge.stop();
      // The environment, not the terminal: stop the run instead of failing every case.
      throw new TransportError('VPCD', `cannot insert the card into vpcd slot ${mode.slot} (${vpcdReaderName(mode.slot)}; is pcscd with vpcd running?): ${err instanceof Error ? err.message : String(err)}`);
    }
    try {
      await settleSlot(mode.slot, 'present');
      if (mode.kind === 'command') {
        const command = fillPlaceholders(mode.command, {
          amount: c.transaction.amount,
          amountMinor: String(c.transaction.amountMinor),
          pin: c.transaction.pin.length > 0 ? c.transaction.pin : ['bypass'],
          type: c.transaction.type,
          host: hostAddress,
          seed: String(seed),
          case: c.id,
          reader: vpcdReaderName(mode.slot),
        });
        terminal = await runCommand(command, timeoutMs, mode.cwd);
      } else {
        mode.prompt(
          `case ${c.id}${c.runs > 1 ? ` (run ${run + 1} of ${c.runs})` : ''}: ${c.title}\n  card inserted in '${vpcdReaderName(mode.slot)}'; on the terminal enter: amount ${c.transaction.amount} (${c.transaction.type})` +
            `${c.transaction.pin.length > 0 ? `, PIN ${c.transaction.pin.join(' then ')}` : ''}; host simulator at ${hostAddress}${c.transaction.instructions ? `\n  ${c.transaction.instructions}` : ''}`,
        );
        terminal = await waitForPerson(tracer, timeoutMs, mode.settleMs ?? 3000);
      }
    } finally {
      await bridge.stop();
      await settleSlot(mode.slot, 'absent');
    }
  }
  const exchanges = exchangesOf(run + 1, tracer.records);
  return { exchanges, terminal };
}

/** The case's card and its issuer host simulator (over ISO 8583 on a free loopback port when `listen`). */
export async function caseEnvironment(c: LabCase, listen: boolean) {
  const card = buildCard(c.card);
  const host = buildHost({ mode: 'simulator', ...(c.host.rules !== undefined ? { rules: c.host.rules } : {}), ...(c.host.knowsCardKeys !== undefined ? { knowsCardKeys: c.host.knowsCardKeys } : {}) }, card, new Date());
  const server = listen ? await listenHost(host) : undefined;
  return {
    card,
    host,
    hostAddress: server?.address ?? '(in-process)',
    close: async () => {
      await server?.close();
      await card.close();
    },
  };
}

/** Runs one case (all its runs) and judges it. */
export async function runLabCase(c: LabCase, options: LabRunOptions): Promise<LabCaseResult> {
  const started = performance.now();
  const { card, host, hostAddress, close } = await caseEnvironment(c, options.mode.kind !== 'in-process');
  const runs: CardExchange[][] = [];
  const terminal: TerminalRun[] = [];
  const startedAt: Date[] = [];
  try {
    for (let r = 0; r < c.runs; r++) {
      startedAt.push(new Date());
      const once = await runOnce(c, card, hostAddress, host, options, r);
      runs.push(once.exchanges);
      terminal.push(once.terminal);
      if (once.terminal.crash || once.terminal.timedOut) break;
    }
  } finally {
    await close();
  }
  return resultOf(c, { runs, terminal, dols: dolsOf(card), started: startedAt }, performance.now() - started);
}

/** Judges what the card saw and builds the case result. */
export function resultOf(c: LabCase, seen: { runs: CardExchange[][]; terminal: TerminalRun[]; dols: CardDols; started: Date[] }, durationMs: number): LabCaseResult {
  const { runs, terminal, dols } = seen;
  const judged = judgeCase({ case: c, ...seen });
  const log = runs.flat();
  return {
    id: c.id,
    title: c.title,
    spec: c.spec,
    tags: c.tags,
    file: c.file,
    line: c.line,
    ...judged,
    log,
    decodedLog: decodeLog(log, dols),
    terminal,
    durationMs,
  };
}

/**
 * Builds every case's card and host once before anything runs, so a card delta
 * the profile refuses or a missing rules file is bad input (naming the case's
 * file:line) and not a surprise in the middle of a run through a real terminal.
 */
export async function checkCases(cases: readonly LabCase[]): Promise<void> {
  for (const c of cases) {
    try {
      await (await caseEnvironment(c, false)).close();
    } catch (err) {
      if (!(err instanceof DocumentError)) throw err;
      throw new DocumentError(`case '${c.id}' cannot be set up: ${err.message}`, { file: c.file, ...(c.line !== undefined ? { line: c.line } : {}), field: `${c.id}.card` });
    }
  }
}

export async function runLabCases(cases: readonly LabCase[], options: LabRunOptions): Promise<LabCaseResult[]> {
  await checkCases(cases);
  const out: LabCaseResult[] = [];
  for (const c of cases) {
    const r = await runLabCase(c, options);
    options.onResult?.(r);
    out.push(r);
  }
  return out;
}
