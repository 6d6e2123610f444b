/**
 * conform lends one in-memory issuer database per set of shipped cards to the scenarios of a thread
 * (src/conformance/setup.ts, scratchDatabase): each scenario borrows it inside an outer transaction and
 * its release rolls back what the scenario's host wrote (ledger rows, velocity counts), so the next
 * scenario with a card of the same BIN starts from the seeded state. Scenarios that overlap (the
 * worker's warm-up still running when a batch arrives) never share one. Held to that on each SQLite
 * binding the running Node supports.
 */
import { isBuiltin } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { IssuerDatabase } from '../../src/issuer/index.js';

const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
/** node:sqlite with DatabaseSync.isTransaction: Node >= 22.16 (node-sqlite.ts, NODE_SQLITE_MINIMUM). */
const nodeSqliteRuns = isBuiltin('node:sqlite') && (major > 22 || (major === 22 && minor >= 16));
const backends = [
  { backend: 'better-sqlite3', runs: major < 24 },
  { backend: 'node:sqlite', runs: nodeSqliteRuns },
];

const DATE = new Date('2025-06-15T12:00:00Z');
const saved = process.env.EMVSIM_SQLITE;
afterEach(() => {
  if (saved === undefined) delete process.env.EMVSIM_SQLITE;
  else process.env.EMVSIM_SQLITE = saved;
});

const count = (db: IssuerDatabase, table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe.each(backends)('conform\'s scratch issuer database on $backend', ({ backend, runs }) => {
  /** Fresh modules per test: the scratch databases live in setup.ts's module state, one per thread. */
  async function load() {
    process.env.EMVSIM_SQLITE = backend;
    vi.resetModules();
    const setup = await import('../../src/conformance/setup.js');
    const { runTransaction } = await import('../../src/terminal/kernel.js');
    const { ScriptedCardholder } = await import('../../src/terminal/cardholder.js');
    const { capksForTerminal } = await import('../../src/terminal/capk-lookup.js');
    const { fixedClock, seededRandom } = await import('../../src/terminal/environment.js');
    const card = () => setup.buildCard({ profile: 'visa-cvn18', counters: { atc: 5, lastOnlineAtc: 5 } });
    const host = (c: ReturnType<typeof card>, hostSetup: Parameters<typeof setup.buildHost>[0] = { mode: 'simulator' }) =>
      setup.buildHost(hostSetup, c, DATE, { reuseDatabase: true });
    /** One online purchase (6000 minor units is over eu-pos-pin's floor limit: Book 3 §10.6.1). */
    const transact = async (c: ReturnType<typeof card>, h: ReturnType<typeof host>) => {
      const config = setup.buildTerminal({ profile: 'eu-pos-pin', eachApplication: { randomSelection: { thresholdMinor: 0, targetPercent: 0, maxTargetPercent: 0 } } });
      const outcome = await runTransaction(
        { transport: c, config, cardholder: new ScriptedCardholder({ pins: ['1234'] }), host: h, clock: fixedClock(DATE), random: seededRandom(1), capks: capksForTerminal(config) },
        { amountMinor: 6000, transactionType: 'goods' },
      );
      await c.close();
      return outcome;
    };
    return { card, host, transact };
  }

  it.skipIf(!runs)('a second scenario with a card of the same BIN starts with none of the first one\'s ledger rows or velocity counts', async () => {
    const { card, host, transact } = await load();
    const c1 = card();
    const h1 = host(c1);
    const db = h1.database!;
    expect(db.inTransaction).toBe(true); // borrowed inside the outer transaction
    const before = { authorisations: count(db, 'authorisations'), usage: count(db, 'daily_usage') };
    const first = await transact(c1, h1);
    expect(first.outcome).toBe('approved');
    expect(h1.calls).toBe(1);
    expect(count(db, 'authorisations')).toBe(before.authorisations + 1);
    expect(count(db, 'daily_usage')).toBeGreaterThan(before.usage);
    h1.release();
    expect(db.inTransaction).toBe(false);

    const c2 = card();
    const h2 = host(c2);
    expect(h2.database).toBe(db); // the same database, lent again
    expect(count(db, 'authorisations')).toBe(before.authorisations);
    expect(count(db, 'daily_usage')).toBe(before.usage);
    const second = await transact(c2, h2);
    expect(second.outcome).toBe('approved');
    expect(count(db, 'authorisations')).toBe(before.authorisations + 1);
    h2.release();
    expect(count(db, 'authorisations')).toBe(before.authorisations);
  });

  it.skipIf(!runs)('overlapping scenarios (warm-up and a batch) get databases of their own; the shared one is lent again after', async () => {
    const { card, host, transact } = await load();
    const warmUpCard = card();
    const warmUp = host(warmUpCard);
    const batchCard = card();
    const batch = host(batchCard);
    const shared = warmUp.database!;
    const own = batch.database!;
    expect(own).not.toBe(shared);
    expect(own.inTransaction).toBe(false); // a database of its own: nothing to roll back
    const base = count(shared, 'authorisations');
    const [a, b] = await Promise.all([transact(warmUpCard, warmUp), transact(batchCard, batch)]);
    expect([a.outcome, b.outcome]).toEqual(['approved', 'approved']);
    expect(count(shared, 'authorisations')).toBe(base + 1); // each host wrote only to its own database
    expect(count(own, 'authorisations')).toBe(1);
    batch.release();
    warmUp.release();
    expect(shared.inTransaction).toBe(false);

    const next = host(card());
    expect(next.database).toBe(shared); // `lent` was reset by release
    expect(count(shared, 'authorisations')).toBe(base);
    next.release();
  });

  it.skipIf(!runs)('a host that fails to build (a rules file that does not load) leaves the scratch database free', async () => {
    const { card, host } = await load();
    const first = host(card());
    const shared = first.database!;
    first.release();
    expect(() => host(card(), { mode: 'simulator', rules: 'no-such-rules.yaml' })).toThrow(/no-such-rules/);
    expect(shared.inTransaction).toBe(false);
    const next = host(card());
    expect(next.database).toBe(shared); // not a fresh database: the failed build did not keep it lent
    next.release();
  });
});
