/**
 * Watches PC/SC readers and cards, and survives pcscd restarts: when the
 * daemon goes away every reader is reported detached ("service-down"), the
 * watcher polls for a new context, and reports "service-up" and the readers
 * it finds. Events are deduplicated (reader-events.ts).
 */
import { loadPcscBinding, PNP_NOTIFICATION, type PcscBinding, type PcscContext } from './pcsc-binding.js';
import { isServiceLost, pcscErrorFrom } from './errors.js';
import { diffReaders, snapshotOf, type ReaderEvent, type ReaderSnapshot } from './reader-events.js';

export interface WatchOptions {
  /** Report the readers and cards present at start as events (default true). */
  emitInitial?: boolean;
  /** How often to retry establishing a context while pcscd is down (ms, default 250). */
  retryMs?: number;
  /** Longest single SCardGetStatusChange wait before re-listing readers (ms, default 2000). */
  pollMs?: number;
  /** Inject a binding (tests). */
  binding?: PcscBinding;
}

export interface ReaderWatch {
  /** Current view: reader name -> presence. */
  readonly readers: ReadonlyMap<string, ReaderSnapshot>;
  /** Number of events published so far: pass it to waitFor as `since` to ignore older events. */
  readonly seq: number;
  /**
   * Resolves with the first matching event numbered `since` or later (default:
   * any event not yet returned by waitFor, past or future); rejects after `timeoutMs`.
   */
  waitFor(match: (e: ReaderEvent) => boolean, timeoutMs?: number, since?: number): Promise<ReaderEvent>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Starts watching; `onEvent` is called for each deduplicated event in order. */
export async function watchReaders(onEvent: (e: ReaderEvent) => void, options: WatchOptions = {}): Promise<ReaderWatch> {
  const binding = options.binding ?? (await loadPcscBinding());
  const retryMs = options.retryMs ?? 250;
  const pollMs = options.pollMs ?? 2000;
  let view = new Map<string, ReaderSnapshot>();
  let context: PcscContext | undefined;
  let stopped = false;
  let serviceDown = false;
  /** Recent events with their sequence numbers; `consumed` marks those a waitFor already returned. */
  const history: Array<{ seq: number; event: ReaderEvent; consumed: boolean }> = [];
  let seq = 0;
  const waiters = new Set<{ match: (e: ReaderEvent) => boolean; since: number; resolve: (e: ReaderEvent) => void }>();

  const publish = (events: ReaderEvent[]) => {
    for (const event of events) {
      const entry = { seq: seq++, event, consumed: false };
      history.push(entry);
      if (history.length > 1000) history.shift();
      onEvent(event);
      for (const w of waiters) {
        if (entry.seq >= w.since && w.match(event)) { waiters.delete(w); entry.consumed = true; w.resolve(event); break; }
      }
    }
  };

  const relist = (ctx: PcscContext): Array<{ name: string; state: number }> => {
    const readers = ctx.listReaders();
    const next = new Map<string, ReaderSnapshot>();
    for (const r of readers) next.set(r.name, snapshotOf(r.state, r.atr));
    publish(diffReaders(view, next));
    view = next;
    return readers.map((r) => ({ name: r.name, state: r.state }));
  };

  const loseService = (message: string) => {
    if (context) { try { context.close(); } catch { /* already dead */ } }
    context = undefined;
    if (!serviceDown) {
      serviceDown = true;
      publish([{ type: 'service-down', message }]);
      publish(diffReaders(view, new Map()));
      view = new Map();
    }
  };

  // First context: a missing service is reported as an event, not thrown, so `watch` can start before pcscd.
  const establish = (): PcscContext | undefined => {
    try {
      const ctx = new binding.Context();
      if (serviceDown) { serviceDown = false; publish([{ type: 'service-up' }]); }
      return ctx;
    } catch (err) {
      loseService(pcscErrorFrom(err, undefined, 'establish context').message);
      return undefined;
    }
  };

  if (options.emitInitial === false) {
    try {
      const ctx = new binding.Context();
      for (const r of ctx.listReaders()) view.set(r.name, snapshotOf(r.state, r.atr));
      ctx.close();
    } catch { /* the loop reports it */ }
  }

  const loop = async () => {
    while (!stopped) {
      context ??= establish();
      const ctx = context;
      if (!ctx) { await sleep(retryMs); continue; }
      try {
        const watched = [...relist(ctx), { name: PNP_NOTIFICATION, state: 0 }];
        // Learn the PnP pseudo-reader's current word (counter = reader count), then block on changes.
        const first = await ctx.waitForChange(watched, 0);
        if (first) for (const s of first) { const w = watched.find((x) => x.name === s.name); if (w) w.state = s.state; }
        if (stopped) break;
        // A reader changed between listing and watching: re-list now rather than after the next wait.
        if (first?.some((s) => s.name !== PNP_NOTIFICATION && s.changed)) continue;
        const changes = await ctx.waitForChange(watched, pollMs);
        if (changes === null || stopped) continue; // cancelled (stop) or spurious
        // Any change or a time-out: re-list (cheap), which also diffs card presence.
      } catch (err) {
        const typed = pcscErrorFrom(err, undefined, 'wait for reader change');
        if (isServiceLost(typed)) loseService(typed.message);
        else if (typed.code !== 'NO_READER') { await sleep(retryMs); }
      }
    }
  };
  const running = loop();

  return {
    get readers() { return view; },
    get seq() { return seq; },
    waitFor(match, timeoutMs = 10_000, since?: number) {
      const seen = history.find((h) => (since === undefined ? !h.consumed : h.seq >= since) && match(h.event));
      if (seen) { seen.consumed = true; return Promise.resolve(seen.event); }
      return new Promise<ReaderEvent>((resolve, reject) => {
        const w = { match, since: since ?? seq, resolve: (e: ReaderEvent) => { clearTimeout(timer); resolve(e); } };
        const timer = setTimeout(() => { waiters.delete(w); reject(new Error(`no matching reader event within ${timeoutMs} ms`)); }, timeoutMs);
        waiters.add(w);
      });
    },
    async stop() {
      stopped = true;
      try { context?.cancel(); } catch { /* gone */ }
      await running;
      try { context?.close(); } catch { /* gone */ }
      context = undefined;
    },
  };
}
