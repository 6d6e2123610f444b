/**
 * The issuer database has two SQLite bindings behind one interface: better-sqlite3 up to Node 22 and
 * node:sqlite from Node 24 (src/issuer/db/node-sqlite.ts says why). Each binding that can run on this
 * Node gets the same cases, so the node:sqlite adapter is held to what better-sqlite3 does (transactions,
 * savepoints, pragma, error codes, in-memory copies), not to its own echo.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { EnvironmentError } from '../../src/apdu/index.js';
import { openIssuerDatabase, sqliteBackend, type IssuerDatabase, type SqliteBackend } from '../../src/issuer/db/schema.js';

const dir = mkdtempSync(path.join(tmpdir(), 'emvsim-sqlite-backend-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const nodeMajor = Number(process.versions.node.split('.')[0]);

/** Node 22.13+ has node:sqlite without a flag (asked without loading it, which would print its warning). */
const hasNodeSqlite = () => isBuiltin('node:sqlite');
/** The adapter needs DatabaseSync.isTransaction: Node >= 22.16 (NODE_SQLITE_MINIMUM in node-sqlite.ts). */
const nodeMinor = Number(process.versions.node.split('.')[1]);
const nodeSqliteRuns = () => hasNodeSqlite() && (nodeMajor > 22 || (nodeMajor === 22 && nodeMinor >= 16));

describe('which binding', () => {
  it('is better-sqlite3 on Node 20 and 22, node:sqlite from Node 24 on', () => {
    expect(sqliteBackend({}, 20)).toBe('better-sqlite3');
    expect(sqliteBackend({}, 22)).toBe('better-sqlite3');
    expect(sqliteBackend({}, 24)).toBe('node:sqlite');
    expect(sqliteBackend({}, 26)).toBe('node:sqlite');
  });

  it('EMVSIM_SQLITE chooses, and a value that names neither is an environment error naming the variable', () => {
    expect(sqliteBackend({ EMVSIM_SQLITE: 'node:sqlite' }, 22)).toBe('node:sqlite');
    expect(sqliteBackend({ EMVSIM_SQLITE: 'better-sqlite3' }, 24)).toBe('better-sqlite3');
    expect(() => sqliteBackend({ EMVSIM_SQLITE: 'sqlite3' }, 22)).toThrow(EnvironmentError);
    expect(() => sqliteBackend({ EMVSIM_SQLITE: 'sqlite3' }, 22)).toThrow(/EMVSIM_SQLITE: 'sqlite3'/);
  });
});

describe.skipIf(hasNodeSqlite())('EMVSIM_SQLITE=node:sqlite on a Node without it', () => {
  it('is an environment error that says which Node has it', () => {
    process.env.EMVSIM_SQLITE = 'node:sqlite';
    try {
      expect(() => openIssuerDatabase(':memory:')).toThrow(EnvironmentError);
      expect(() => openIssuerDatabase(':memory:')).toThrow(/node:sqlite is not available in Node 20\.\d+\.\d+ \(it needs Node >= 22\.16; unset EMVSIM_SQLITE\)/);
    } finally {
      delete process.env.EMVSIM_SQLITE;
    }
  });
});

describe.skipIf(!nodeSqliteRuns())('node:sqlite without DatabaseSync.isTransaction (Node 22.13-22.15)', () => {
  it('is an environment error naming the Node it needs, not a ledger whose transactions never roll back', async () => {
    type Ctor = new (path: string) => object;
    const sqlite = createRequire(import.meta.url)('node:sqlite') as { DatabaseSync: Ctor };
    const Real = sqlite.DatabaseSync;
    /** A DatabaseSync as Node 22.13-22.15 has it: no isTransaction (it reads undefined). */
    function WithoutIsTransaction(path: string): object {
      const real = new Real(path);
      return new Proxy(real, {
        get: (target, key) => {
          if (key === 'isTransaction') return undefined;
          const value: unknown = Reflect.get(target, key, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    }
    process.env.EMVSIM_SQLITE = 'node:sqlite';
    try {
      sqlite.DatabaseSync = WithoutIsTransaction as unknown as Ctor;
      vi.resetModules(); // node-sqlite.ts keeps DatabaseSync once loaded: load it as on such a Node
      const fresh = await import('../../src/issuer/db/schema.js');
      const apdu = await import('../../src/apdu/index.js');
      expect(() => fresh.openIssuerDatabase(':memory:')).toThrow(apdu.EnvironmentError);
      expect(() => fresh.openIssuerDatabase(':memory:')).toThrow(/node:sqlite in Node \d+\.\d+\.\d+ lacks DatabaseSync\.isTransaction \(it needs Node >= 22\.16; unset EMVSIM_SQLITE\)/);
    } finally {
      sqlite.DatabaseSync = Real;
      delete process.env.EMVSIM_SQLITE;
    }
  });
});

describe.skipIf(!hasNodeSqlite())('node:sqlite in a process of its own', () => {
  it('opens the ledger without printing node:sqlite\'s experimental warning (Node 22, 24.0-24.10), other warnings still show', () => {
    const script = [
      "import { openIssuerDatabase } from './src/issuer/db/schema.ts';",
      "openIssuerDatabase(':memory:').close();",
      "process.emitWarning('a warning of the test', 'ExperimentalWarning');",
      "console.log('opened');",
    ].join('\n');
    const root = path.resolve(import.meta.dirname, '..', '..');
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', env: { ...process.env, EMVSIM_SQLITE: 'node:sqlite' } });
    expect(r.stdout).toBe('opened\n');
    expect(r.stderr).not.toMatch(/SQLite is an experimental feature/);
    expect(r.stderr).toMatch(/ExperimentalWarning: a warning of the test/);
    expect(r.status).toBe(0);
  });
});

/**
 * better-sqlite3 runs where it does not abort (Node < 24); node:sqlite where Node has it with isTransaction
 * (>= 22.16). The Node 22 run of .ci/other-nodes runs both; the system Node (20) better-sqlite3; Node 24 node:sqlite.
 */
const backends: { backend: SqliteBackend; runs: boolean }[] = [
  { backend: 'better-sqlite3', runs: nodeMajor < 24 },
  { backend: 'node:sqlite', runs: nodeSqliteRuns() },
];

describe.each(backends)('the ledger on $backend', ({ backend, runs }) => {
  const saved = process.env.EMVSIM_SQLITE;
  const open = (file: string): IssuerDatabase => {
    process.env.EMVSIM_SQLITE = backend;
    try {
      return openIssuerDatabase(file);
    } finally {
      if (saved === undefined) delete process.env.EMVSIM_SQLITE;
      else process.env.EMVSIM_SQLITE = saved;
    }
  };
  const opened: IssuerDatabase[] = [];
  const db = (file = ':memory:'): IssuerDatabase => {
    const d = open(file);
    opened.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of opened.splice(0)) if (d.open) d.close();
  });
  const meta = (d: IssuerDatabase) => d.prepare('SELECT key, value FROM meta WHERE key LIKE ? ORDER BY key').all('t%').map((r) => ({ ...(r as { key: string; value: string }) }));

  it.skipIf(!runs)('a file database is WAL with synchronous=FULL and says its name; :memory: says memory', () => {
    const file = path.join(dir, `${backend.replace(':', '-')}-names.sqlite`);
    const d = db(file);
    expect(d.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(d.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(d.pragma('foreign_keys', { simple: true })).toBe(1);
    expect((d.pragma('table_info(meta)') as { name: string }[]).map((c) => c.name)).toEqual(['key', 'value']);
    expect([d.name, d.memory, d.open, d.inTransaction]).toEqual([file, false, true, false]);
    const m = db();
    expect([m.name, m.memory]).toEqual([':memory:', true]);
    d.close();
    expect(d.open).toBe(false);
  });

  it.skipIf(!runs)('run() reports changes and the row id; get() and all() return rows', () => {
    const d = db();
    const insert = d.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
    const first = insert.run('t1', 'a');
    expect(first.changes).toBe(1);
    expect(Number(first.lastInsertRowid)).toBeGreaterThan(0);
    insert.run('t2', 'b');
    expect(d.prepare("UPDATE meta SET value = 'z' WHERE key LIKE 't%'").run().changes).toBe(2);
    expect({ ...(d.prepare('SELECT value FROM meta WHERE key = ?').get('t1') as object) }).toEqual({ value: 'z' });
    expect(d.prepare('SELECT value FROM meta WHERE key = ?').get('none')).toBeUndefined();
    expect(meta(d)).toEqual([
      { key: 't1', value: 'z' },
      { key: 't2', value: 'z' },
    ]);
  });

  it.skipIf(!runs)('a transaction commits; a throw rolls it back and is rethrown', () => {
    const d = db();
    const put = (key: string) => d.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(key, 'v');
    expect(d.transaction((key: string) => (put(key), d.inTransaction))('t1')).toBe(true);
    expect(d.inTransaction).toBe(false);
    const failing = d.transaction(() => {
      put('t2');
      throw new Error('declined by the test');
    });
    expect(() => failing()).toThrow('declined by the test');
    expect(d.inTransaction).toBe(false);
    expect(meta(d).map((r) => r.key)).toEqual(['t1']);
  });

  it.skipIf(!runs)('nested: an inner throw rolls back only the inner part (a savepoint), the outer commits', () => {
    const d = db();
    const put = (key: string) => d.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(key, 'v');
    const inner = d.transaction((key: string) => {
      put(key);
      if (key === 't2') throw new Error('inner');
    });
    const outer = d.transaction(() => {
      put('t0');
      inner('t1');
      expect(() => inner('t2')).toThrow('inner');
      inner('t3');
    }).immediate;
    outer();
    expect(meta(d).map((r) => r.key)).toEqual(['t0', 't1', 't3']);
  });

  it.skipIf(!runs)('inside a raw BEGIN (conform\'s scratch database): an .immediate batch nests as a savepoint, an inner throw undoes only itself, ROLLBACK undoes all', () => {
    const d = db();
    const put = (key: string) => d.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(key, 'v');
    d.exec('BEGIN');
    put('t0');
    const inner = d.transaction((key: string) => {
      put(key);
      throw new Error('inner');
    });
    const batch = d.transaction(() => {
      put('t1');
      expect(() => inner('t2')).toThrow('inner');
      put('t3');
    }).immediate;
    batch(); // no "cannot start a transaction within a transaction": it is a savepoint
    expect(d.inTransaction).toBe(true); // the raw BEGIN is still open
    expect(meta(d).map((r) => r.key)).toEqual(['t0', 't1', 't3']);
    d.exec('ROLLBACK');
    expect(d.inTransaction).toBe(false);
    expect(meta(d)).toEqual([]);
  });

  it.skipIf(!runs)('three levels of the same savepoint: a throw at any level undoes that level and those inside it only', () => {
    const d = db();
    const put = (key: string) => d.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(key, 'v');
    const third = d.transaction((key: string, fail: boolean) => {
      put(key);
      if (fail) throw new Error(`third ${key}`);
    });
    const second = d.transaction((key: string, fail: boolean) => {
      put(key);
      third(`${key}.a`, false);
      expect(() => third(`${key}.b`, true)).toThrow(`third ${key}.b`);
      third(`${key}.c`, false);
      if (fail) throw new Error(`second ${key}`);
    });
    d.transaction(() => {
      put('t0');
      second('t1', false);
      expect(() => second('t2', true)).toThrow('second t2'); // takes t2, t2.a and t2.c with it
      second('t3', false);
      expect(d.inTransaction).toBe(true);
    })();
    expect(d.inTransaction).toBe(false);
    expect(meta(d).map((r) => r.key)).toEqual(['t0', 't1', 't1.a', 't1.c', 't3', 't3.a', 't3.c']);
  });

  it.skipIf(!runs || backend !== 'node:sqlite')('a rollback that fails itself does not hide the error that caused it (node:sqlite adapter)', () => {
    const d = db();
    d.exec('BEGIN');
    const original = new Error('the original failure');
    const broken = d.transaction(() => {
      d.exec('RELEASE emvsim_tx'); // the savepoint is gone: ROLLBACK TO emvsim_tx will fail
      throw original;
    });
    let thrown: unknown;
    try {
      broken();
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBe(original);
    expect(String((thrown as { suppressed?: unknown }).suppressed)).toMatch(/no such savepoint: emvsim_tx/);
    d.exec('ROLLBACK');
  });

  it.skipIf(!runs)('.immediate takes the write lock at BEGIN: a second connection waits, then gives SQLITE_BUSY', () => {
    const file = path.join(dir, `${backend.replace(':', '-')}-busy.sqlite`);
    const a = db(file);
    const b = db(file);
    b.exec('PRAGMA busy_timeout = 0');
    let error: unknown;
    a.transaction(() => {
      try {
        b.transaction(() => undefined).immediate();
      } catch (err) {
        error = err;
      }
    }).immediate();
    expect((error as { code?: string }).code).toBe('SQLITE_BUSY');
    expect(b.inTransaction).toBe(false);
  });

  it.skipIf(!runs)('errors carry the SQLite result code as better-sqlite3 names it', () => {
    const d = db();
    d.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('t1', 'a');
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return (err as { code?: string }).code;
      }
      return 'no error';
    };
    expect(codeOf(() => d.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('t1', 'b'))).toBe('SQLITE_CONSTRAINT_PRIMARYKEY');
    expect(codeOf(() => d.prepare('INSERT INTO meta (key, value) VALUES (?, NULL)').run('t9'))).toBe('SQLITE_CONSTRAINT_NOTNULL');
    expect(codeOf(() => d.prepare('INSERT INTO cards (pan, account_id, status, expiry, ac_data) VALUES (?, 999, ?, ?, ?)').run('1', 'active', '2912', ''))).toBe(
      'SQLITE_CONSTRAINT_FOREIGNKEY',
    );
    expect(codeOf(() => d.exec('SELECT * FROM no_such_table'))).toBe('SQLITE_ERROR');
    const notADatabase = path.join(dir, `${backend.replace(':', '-')}-text.sqlite`);
    writeFileSync(notADatabase, 'not a database, just text that is long enough to have a header');
    expect(codeOf(() => db(notADatabase))).toBe('SQLITE_NOTADB');
  });

  it.skipIf(!runs)('every in-memory database starts empty with the schema (the second and later ones from a copy)', () => {
    const first = db();
    first.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('t1', 'a');
    const second = db();
    expect(meta(second)).toEqual([]);
    expect((second.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string }).value).toBe('2');
    second.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('t2', 'b');
    expect(meta(first)).toEqual([{ key: 't1', value: 'a' }]);
  });
});
