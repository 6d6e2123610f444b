/**
 * The conformance runner's thread pool: N long-lived worker threads
 * (node:worker_threads), each importing the kernel, card and issuer modules
 * once and keeping its profile, CAPK and liability caches for the whole run.
 *
 * Scheduling is a shared queue in this thread. A worker asks for work
 * ({ type: 'next' }) and gets a batch whose size shrinks as the queue drains
 * (guided self-scheduling: remaining / (2 x workers), at most MAX_BATCH), so
 * there are few round trips at the start and no straggler batch at the end.
 * Each result is posted back as soon as its case finishes (progress bars move
 * case by case) and stored at the case's index, so the report order is the
 * suite order whatever order the cases finished in.
 *
 * Start-up is hidden rather than paid: the pool can be started before the
 * suite is loaded (conform.ts does), and until the first worker is ready this
 * thread, whose modules are already loaded, takes cases from the same queue.
 * If a worker dies, its unfinished cases go back to the queue; if no worker
 * can start at all, this thread runs everything and the caller is told once.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CaseResult, ConformanceCase } from './types.js';

/** Largest batch handed to one worker at once. */
const MAX_BATCH = 8;

/** Messages from a worker (worker.ts). */
export type FromWorker = { type: 'ready' } | { type: 'next' } | { type: 'result'; at: number; result: CaseResult };
/** Messages to a worker. */
export type ToWorker = { type: 'batch'; items: { at: number; case: ConformanceCase }[] } | { type: 'stop' };

/** The worker: compiled JS as is; from TypeScript sources, a bootstrap that registers tsx's ESM loader first. */
function workerEntry(): { file: string; start: () => Worker } {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    const url = new URL('./worker.ts', import.meta.url);
    const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`;
    return { file: fileURLToPath(url), start: () => new Worker(bootstrap, { eval: true }) };
  }
  const url = new URL('./worker.js', import.meta.url);
  return { file: fileURLToPath(url), start: () => new Worker(url) };
}

interface PoolMember {
  worker: Worker;
  ready: boolean;
  alive: boolean;
  /** Indices handed to this worker and not yet answered. */
  pending: Set<number>;
}

/** Runs one case in this thread (the pool's fallback and start-up helper). */
export type LocalRunner = (c: ConformanceCase) => Promise<CaseResult>;

export interface PoolRunOptions {
  onResult?: (result: CaseResult) => void;
  warn?: (message: string) => void;
}

export class ConformanceWorkerPool {
  private readonly members: PoolMember[] = [];
  private startError: string | undefined;
  private run: ActiveRun | undefined;
  private closed = false;

  /** Starts `size` workers now; they load their modules while the caller does other work. */
  constructor(readonly size: number) {
    let entry: ReturnType<typeof workerEntry>;
    try {
      entry = workerEntry();
      if (!existsSync(entry.file)) throw new Error(`worker entry ${entry.file} is missing`);
    } catch (err) {
      this.startError = err instanceof Error ? err.message : String(err);
      return;
    }
    for (let k = 0; k < size; k++) {
      let worker: Worker;
      try {
        worker = entry.start();
      } catch (err) {
        this.startError = err instanceof Error ? err.message : String(err);
        break;
      }
      const member: PoolMember = { worker, ready: false, alive: true, pending: new Set() };
      this.members.push(member);
      worker.on('message', (m: FromWorker) => this.onMessage(member, m));
      worker.on('error', (err) => this.onDeath(member, err instanceof Error ? err.message : String(err)));
      worker.on('exit', (code) => this.onDeath(member, `exited with code ${code}`));
    }
  }

  /** Runs the cases; results in the order of `cases`. One run at a time. */
  async runCases(cases: readonly ConformanceCase[], local: LocalRunner, options: PoolRunOptions = {}): Promise<CaseResult[]> {
    if (this.run) throw new Error('ConformanceWorkerPool: a run is already in progress');
    if (this.closed) throw new Error('ConformanceWorkerPool: the pool is closed');
    const run = new ActiveRun(cases, options);
    this.run = run;
    try {
      if (this.startError !== undefined && this.members.length === 0) run.warnOnce(`worker threads unavailable (${this.startError}); running the cases in this thread`);
      for (const m of this.members) if (m.ready && m.alive) this.feed(m);
      // This thread helps while no worker is ready (start-up), and takes over if every worker is gone.
      while (!run.finished()) {
        const helping = !this.members.some((m) => m.ready && m.alive);
        if (helping && !this.members.some((m) => m.alive)) {
          const why = this.startError ?? this.members.map((m) => m.worker.threadId).join(', ');
          run.warnOnce(`worker threads unavailable (${why}); running the cases in this thread`);
        }
        const at = helping ? run.take(1)[0] : undefined;
        if (at !== undefined) {
          run.record(at, await local(cases[at]!));
          // Let worker messages ('ready', results) in between local cases.
          await new Promise<void>((r) => setImmediate(r));
        } else {
          await run.changed();
        }
      }
      return run.results();
    } finally {
      this.run = undefined;
    }
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      this.members.map((m) => {
        m.alive = false;
        return m.worker.terminate();
      }),
    );
  }

  private onMessage(member: PoolMember, m: FromWorker): void {
    if (m.type === 'ready') {
      member.ready = true;
      this.run?.wake();
      if (this.run) this.feed(member);
    } else if (m.type === 'next') {
      if (this.run) this.feed(member);
    } else if (m.type === 'result') {
      member.pending.delete(m.at);
      this.run?.record(m.at, m.result);
    }
  }

  private onDeath(member: PoolMember, why: string): void {
    if (!member.alive) return;
    member.alive = false;
    if (this.closed) return;
    this.startError ??= `a worker ${why}`;
    // Its unfinished cases go back to the front of the queue.
    this.run?.requeue([...member.pending]);
    member.pending.clear();
    this.run?.wake();
  }

  private feed(member: PoolMember): void {
    const run = this.run;
    if (!run || !member.alive || member.pending.size > 0) return;
    const size = Math.max(1, Math.min(MAX_BATCH, Math.ceil(run.remaining() / (2 * this.size))));
    const batch = run.take(size);
    if (batch.length === 0) return;
    for (const at of batch) member.pending.add(at);
    const message: ToWorker = { type: 'batch', items: batch.map((at) => ({ at, case: run.cases[at]! })) };
    member.worker.postMessage(message);
  }
}

/** The state of one runCases call: the queue, the results by index, and a wake-up for the loop. */
class ActiveRun {
  private readonly queue: number[];
  private readonly byIndex: (CaseResult | undefined)[];
  private done = 0;
  private waiter: (() => void) | undefined;
  private warned = false;

  constructor(
    readonly cases: readonly ConformanceCase[],
    private readonly options: PoolRunOptions,
  ) {
    this.queue = cases.map((_, k) => k);
    this.byIndex = new Array<CaseResult | undefined>(cases.length);
  }

  take(n: number): number[] {
    return this.queue.splice(0, n);
  }

  remaining(): number {
    return this.queue.length;
  }

  requeue(indices: number[]): void {
    this.queue.unshift(...indices.filter((k) => this.byIndex[k] === undefined).sort((a, b) => a - b));
  }

  record(at: number, result: CaseResult): void {
    if (this.byIndex[at] !== undefined) return;
    this.byIndex[at] = result;
    this.done++;
    this.options.onResult?.(result);
    this.wake();
  }

  finished(): boolean {
    return this.done === this.cases.length;
  }

  results(): CaseResult[] {
    return this.byIndex as CaseResult[];
  }

  warnOnce(message: string): void {
    if (this.warned) return;
    this.warned = true;
    this.options.warn?.(message);
  }

  changed(): Promise<void> {
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
}
