/**
 * The lab's automation server: JSON lines over TCP (one request object per
 * line, one answer per line, in order), so a vendor's test rig or a robot
 * drives the lab. The protocol is in docs/lab.md:
 *
 *   {"id":1,"op":"list"}                                  plans and their cases
 *   {"id":2,"op":"select","plan":"contact-terminal","case":"cvm-pin-ok"}
 *   {"id":3,"op":"insert"}                                personalise + insert (vpcd slot, or the in-process kernel runs)
 *   {"id":4,"op":"wait","timeoutMs":30000,"settleMs":2000} until the terminal is done with the card
 *   {"id":5,"op":"verdict","terminal":{"exit":0,"output":"APPROVED"}}   judge (the terminal's own result optional)
 *   {"id":6,"op":"remove"}
 *   {"id":7,"op":"run","plan":"...","case":"..."}         select + insert + wait + verdict + remove
 *
 * Answers: {"id":..,"ok":true,...} or {"id":..,"ok":false,"error":{"field":"case","message":"..."}}.
 * Bad input never stops the server: every request is checked and every
 * failure is answered as an error naming the field.
 */
import net from 'node:net';
import { randomInt } from 'node:crypto';
import { TracingTransport, VpcdBridge, type CardTransport } from './deps.js';
import { exchangesOf } from './card-log.js';
import { kernelTerminal, type InProcessTerminal } from './kernel-terminal.js';
import { loadPlan, planFiles, shippedPlans } from './plan.js';
import { caseEnvironment, dolsOf, resultOf, settleSlot, vpcdReaderName } from './runner.js';
import type { CardExchange, LabCase, LabPlan, TerminalRun } from './types.js';

export interface LabServerOptions {
  /** vpcd slot; absent: the in-process terminal plays the terminal on insert. */
  slot?: number;
  terminal?: InProcessTerminal;
  /** Plans offered (files or names); default the shipped plans. */
  plans?: string[];
  defaultTimeoutMs?: number;
  log?: (line: string) => void;
}

const MAX_LINE = 64 * 1024;

class RequestError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

type Json = Record<string, unknown>;

interface Inserted {
  env: Awaited<ReturnType<typeof caseEnvironment>>;
  tracer: TracingTransport;
  bridge?: VpcdBridge;
  /** In-process: the terminal's run. */
  running?: Promise<TerminalRun>;
  started: number;
}

/** One client's lab session: the selected case and the card in the slot. */
class Session {
  selected: { plan: LabPlan; case: LabCase } | undefined;
  inserted: Inserted | undefined;
  runs: CardExchange[][] = [];
  terminal: TerminalRun[] = [];
  startedAt: Date[] = [];

  constructor(private readonly server: LabServer) {}

  select(req: Json): Json {
    const planName = stringField(req, 'plan');
    const caseId = stringField(req, 'case');
    const plan = this.server.plan(planName);
    const c = plan.cases.find((x) => x.id === caseId);
    if (!c) throw new RequestError('case', `no case '${caseId}' in plan '${planName}'`);
    if (this.inserted) throw new RequestError('op', 'a card is inserted: remove it before selecting another case');
    this.selected = { plan, case: c };
    this.runs = [];
    this.terminal = [];
    this.startedAt = [];
    return { selected: { plan: plan.name, case: c.id, title: c.title, spec: c.spec, runs: c.runs, transaction: c.transaction } };
  }

  async insert(): Promise<Json> {
    if (!this.selected) throw new RequestError('op', 'select a case first');
    if (this.inserted) throw new RequestError('op', 'the card is already inserted');
    const c = this.selected.case;
    const slot = this.server.options.slot;
    const env = await caseEnvironment(c, slot !== undefined);
    const tracer = new TracingTransport(env.card as CardTransport);
    const inserted: Inserted = { env, tracer, started: performance.now() };
    this.startedAt.push(new Date());
    if (slot !== undefined) {
      inserted.bridge = new VpcdBridge(tracer, { slot, removed: true });
      try {
        await inserted.bridge.insert(5000);
        await settleSlot(slot, 'present');
      } catch (err) {
        await inserted.bridge.stop();
        await env.close();
        throw new RequestError('slot', `cannot insert into vpcd slot ${slot}: ${err instanceof Error ? err.message : String(err)}`);
      }
    } else {
      const terminal = this.server.options.terminal ?? kernelTerminal();
      inserted.running = tracer
        .coldReset()
        .then(() => terminal.run(tracer, { ...c.transaction, host: env.host, seed: randomInt(1, 2 ** 31 - 1) }))
        .then((r) => ({ ...r, timedOut: false, durationMs: performance.now() - inserted.started }))
        .catch((err: unknown) => ({ exitCode: null, output: '', timedOut: false, crash: err instanceof Error ? err.message : String(err), durationMs: performance.now() - inserted.started }));
    }
    this.inserted = inserted;
    return { inserted: true, reader: slot !== undefined ? vpcdReaderName(slot) : '(in-process)', host: env.hostAddress, transaction: c.transaction };
  }

  async wait(req: Json): Promise<Json> {
    const ins = this.inserted;
    if (!ins) throw new RequestError('op', 'no card inserted');
    const timeoutMs = numberField(req, 'timeoutMs', this.server.options.defaultTimeoutMs ?? 30_000, 0, 600_000);
    const settleMs = numberField(req, 'settleMs', 2000, 0, 60_000);
    const deadline = performance.now() + timeoutMs;
    if (ins.running) {
      const r = await Promise.race([ins.running, new Promise<undefined>((res) => setTimeout(() => res(undefined), timeoutMs))]);
      return { done: r !== undefined, commands: this.count(ins) };
    }
    let last = -1;
    let quietSince = performance.now();
    while (performance.now() < deadline) {
      const n = this.count(ins);
      if (n !== last) {
        last = n;
        quietSince = performance.now();
      } else if (n > 0 && performance.now() - quietSince >= settleMs) {
        return { done: true, commands: n };
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return { done: false, commands: this.count(ins) };
  }

  private count(ins: Inserted): number {
    return ins.tracer.records.filter((r) => r.type === 'apdu').length;
  }

  /** Ends the current insertion (if any) and records its run. */
  private async finishRun(reported: TerminalRun | undefined): Promise<void> {
    const ins = this.inserted;
    if (!ins) return;
    this.inserted = undefined;
    const terminal = ins.running ? await ins.running : (reported ?? { exitCode: null, unreported: true, output: '', timedOut: false, durationMs: performance.now() - ins.started });
    if (ins.bridge) {
      await ins.bridge.stop();
      await settleSlot(this.server.options.slot!, 'absent');
    }
    this.runs.push(exchangesOf(this.runs.length + 1, ins.tracer.records));
    this.terminal.push(terminal);
    this.dols = dolsOf(ins.env.card);
    await ins.env.close();
  }
  private dols = { pdol: '', cdol1: '', cdol2: '' };

  async verdict(req: Json): Promise<Json> {
    if (!this.selected) throw new RequestError('op', 'select a case first');
    const reported = reportedTerminal(req);
    await this.finishRun(reported);
    if (this.runs.length === 0) throw new RequestError('op', 'nothing to judge: insert the card first');
    const c = this.selected.case;
    if (this.runs.length < c.runs) return { verdict: null, runsDone: this.runs.length, runsNeeded: c.runs, message: `case needs ${c.runs} runs: insert the card again` };
    const unjudged = c.expect.terminal !== undefined && this.terminal.some((t) => t.unreported) ? { notJudged: ["expect.terminal: the terminal's own result was not reported (send verdict with terminal: {exit, output})"] } : {};
    const r = resultOf(c, { runs: this.runs, terminal: this.terminal, dols: this.dols, started: this.startedAt }, 0);
    this.runs = [];
    this.terminal = [];
    this.startedAt = [];
    return { verdict: r.verdict, ...(r.reason ? { reason: r.reason } : {}), case: c.id, findings: r.findings, steps: r.steps, log: r.decodedLog, ...unjudged };
  }

  async remove(): Promise<Json> {
    await this.finishRun(undefined);
    return { removed: true };
  }

  async run(req: Json): Promise<Json> {
    if (req.plan !== undefined || req.case !== undefined) this.select(req);
    const results: Json[] = [];
    const needed = this.selected?.case.runs ?? 1;
    for (let i = 0; i < needed; i++) {
      await this.insert();
      await this.wait(req);
      if (i < needed - 1) await this.finishRun(undefined);
    }
    results.push(await this.verdict(req));
    return results[0]!;
  }

  async close(): Promise<void> {
    await this.finishRun(undefined).catch(() => undefined);
  }
}

function stringField(req: Json, field: string): string {
  const v = req[field];
  if (typeof v !== 'string' || v === '') throw new RequestError(field, `'${field}' must be a non-empty string`);
  return v;
}

function numberField(req: Json, field: string, fallback: number, min: number, max: number): number {
  const v = req[field];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new RequestError(field, `'${field}' must be a number from ${min} to ${max}`);
  return v;
}

function reportedTerminal(req: Json): TerminalRun | undefined {
  const t = req.terminal;
  if (t === undefined) return undefined;
  if (typeof t !== 'object' || t === null || Array.isArray(t)) throw new RequestError('terminal', "'terminal' must be an object {exit, output}");
  const o = t as Json;
  if (o.exit !== undefined && (typeof o.exit !== 'number' || !Number.isInteger(o.exit))) throw new RequestError('terminal.exit', "'terminal.exit' must be an integer");
  if (o.output !== undefined && typeof o.output !== 'string') throw new RequestError('terminal.output', "'terminal.output' must be a string");
  return { exitCode: (o.exit as number | undefined) ?? null, output: (o.output as string | undefined) ?? '', timedOut: false, durationMs: 0 };
}

export class LabServer {
  private readonly server: net.Server;
  private readonly sessions = new Set<Session>();
  private readonly sockets = new Set<net.Socket>();
  private readonly plans = new Map<string, LabPlan>();

  constructor(readonly options: LabServerOptions = {}) {
    this.server = net.createServer((socket) => this.accept(socket));
    this.server.maxConnections = 16;
  }

  plan(name: string): LabPlan {
    let p = this.plans.get(name);
    if (!p) {
      const offered = this.options.plans ?? shippedPlans();
      if (!offered.includes(name)) throw new RequestError('plan', `no plan '${name}' (offered: ${offered.join(', ')})`);
      try {
        p = loadPlan(planFiles(name)[0]!);
      } catch (err) {
        throw new RequestError('plan', `plan '${name}' does not load: ${err instanceof Error ? err.message : String(err)}`);
      }
      this.plans.set(name, p);
    }
    return p;
  }

  private list(req: Json): Json {
    const names = req.plan !== undefined ? [stringField(req, 'plan')] : (this.options.plans ?? shippedPlans());
    return {
      plans: names.map((n) => {
        const p = this.plan(n);
        return { name: n, description: p.description, cases: p.cases.map((c) => ({ id: c.id, title: c.title, spec: c.spec, tags: c.tags, runs: c.runs })) };
      }),
    };
  }

  private async handle(session: Session, line: string): Promise<Json> {
    let req: unknown;
    try {
      req = JSON.parse(line);
    } catch {
      return { ok: false, error: { field: '(line)', message: 'not JSON: send one JSON object per line' } };
    }
    if (typeof req !== 'object' || req === null || Array.isArray(req)) return { ok: false, error: { field: '(line)', message: 'a request is a JSON object' } };
    const r = req as Json;
    const id = r.id !== undefined && (typeof r.id === 'string' || typeof r.id === 'number') ? { id: r.id } : {};
    try {
      const op = stringField(r, 'op');
      let answer: Json;
      switch (op) {
        case 'ping':
          answer = { pong: true };
          break;
        case 'list':
          answer = this.list(r);
          break;
        case 'select':
          answer = session.select(r);
          break;
        case 'insert':
          answer = await session.insert();
          break;
        case 'wait':
          answer = await session.wait(r);
          break;
        case 'verdict':
          answer = await session.verdict(r);
          break;
        case 'remove':
          answer = await session.remove();
          break;
        case 'run':
          answer = await session.run(r);
          break;
        default:
          throw new RequestError('op', `unknown op '${op}' (ping, list, select, insert, wait, verdict, remove, run)`);
      }
      return { ...id, ok: true, ...answer };
    } catch (err) {
      if (err instanceof RequestError) return { ...id, ok: false, error: { field: err.field, message: err.message } };
      this.options.log?.(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return { ...id, ok: false, error: { field: '(server)', message: `internal error: ${err instanceof Error ? err.message : String(err)}` } };
    }
  }

  private accept(socket: net.Socket): void {
    const session = new Session(this);
    this.sessions.add(session);
    this.sockets.add(socket);
    let buffer = '';
    let chain = Promise.resolve();
    const send = (o: Json) => {
      if (!socket.destroyed) socket.write(JSON.stringify(o) + '\n');
    };
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).replace(/\r$/, '');
        buffer = buffer.slice(nl + 1);
        if (line.trim() === '') continue;
        chain = chain.then(async () => send(await this.handle(session, line)));
      }
      if (buffer.length > MAX_LINE) {
        buffer = '';
        chain = chain.then(() => send({ ok: false, error: { field: '(line)', message: `line longer than ${MAX_LINE} bytes` } }));
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.sockets.delete(socket);
      void chain.then(() => session.close()).finally(() => this.sessions.delete(session));
    });
  }

  listen(port: number, host = '127.0.0.1'): Promise<net.AddressInfo> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve(this.server.address() as net.AddressInfo);
      });
    });
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await Promise.all([...this.sessions].map((s) => s.close()));
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
