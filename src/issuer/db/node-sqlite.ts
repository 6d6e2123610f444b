/**
 * The issuer database on Node's built-in `node:sqlite`, behind the same IssuerDatabase interface as
 * better-sqlite3. Chosen on Node >= 24 (see `sqliteBackend` in schema.ts): there better-sqlite3 12 aborts
 * the process ("Assertion failed: (env) != nullptr" in node::RemoveEnvironmentCleanupHook) when V8
 * collects one of its Statement or Database objects outside a JavaScript context. Node 24.19 put
 * environment cleanup hooks into the header-only node::ObjectWrap (nodejs/node#63642, #65446), so every
 * addon deriving from it and built against those headers does this; better-sqlite3 13, which does not,
 * needs Node >= 22. `node:sqlite` is part of Node itself, so it has no such addon.
 *
 * What better-sqlite3 does that node:sqlite does not, done here the same way: `transaction()` (BEGIN /
 * COMMIT, a SAVEPOINT when nested, ROLLBACK on a throw), `pragma()`, and errors whose `code` names the
 * SQLite result code ('SQLITE_NOTADB', 'SQLITE_CONSTRAINT_UNIQUE', ...; node:sqlite says
 * 'ERR_SQLITE_ERROR' and keeps the number in `errcode`).
 */
import { createRequire } from 'node:module';
import { EnvironmentError } from '../../apdu/index.js';

/** The part of node:sqlite's StatementSync used here (@types/node 20 has no node:sqlite). */
interface NodeStatement {
  run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/** The part of node:sqlite's DatabaseSync used here. */
interface NodeDatabase {
  prepare(sql: string): NodeStatement;
  exec(sql: string): void;
  close(): void;
  serialize?(): Uint8Array;
  deserialize?(image: Uint8Array): void;
  readonly isOpen: boolean;
  readonly isTransaction: boolean;
}

type NodeDatabaseConstructor = new (path: string) => NodeDatabase;

let DatabaseSync: NodeDatabaseConstructor | undefined;

/** The first Node whose node:sqlite has everything used here: DatabaseSync.isOpen (22.15) and isTransaction (22.16, 24.0). */
export const NODE_SQLITE_MINIMUM = '22.16';

/** node:sqlite, loaded on the first database opened (Node 20 has none; Node 22 warns that it is experimental). */
function databaseSync(): NodeDatabaseConstructor {
  if (!DatabaseSync) {
    let loaded: NodeDatabaseConstructor;
    // Node 22 and 24.0-24.10 (measured; none on 24.18) warn "SQLite is an experimental feature" on the
    // first load: the ledger's binding is ours to choose, so the user is not told, the rest passes on.
    const emitWarning = process.emitWarning;
    process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
      if (!String(warning instanceof Error ? warning.message : warning).startsWith('SQLite is an experimental feature')) {
        (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
      }
    }) as typeof process.emitWarning;
    try {
      loaded = (createRequire(import.meta.url)('node:sqlite') as { DatabaseSync: NodeDatabaseConstructor }).DatabaseSync;
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      throw new EnvironmentError(`node:sqlite is not available in Node ${process.versions.node} (it needs Node >= ${NODE_SQLITE_MINIMUM}; unset EMVSIM_SQLITE): ${detail}`);
    } finally {
      process.emitWarning = emitWarning;
    }
    DatabaseSync = loaded;
  }
  return DatabaseSync;
}

/** SQLite's primary result codes (sqlite.org/rescode.html), by number. */
const PRIMARY_CODES = [
  'OK', 'ERROR', 'INTERNAL', 'PERM', 'ABORT', 'BUSY', 'LOCKED', 'NOMEM', 'READONLY', 'INTERRUPT', 'IOERR', 'CORRUPT', 'NOTFOUND', 'FULL',
  'CANTOPEN', 'PROTOCOL', 'EMPTY', 'SCHEMA', 'TOOBIG', 'CONSTRAINT', 'MISMATCH', 'MISUSE', 'NOLFS', 'AUTH', 'FORMAT', 'RANGE', 'NOTADB',
];

/** The extended result codes a ledger meets (sqlite.org/rescode.html#extrc); others are named by their primary code. */
const EXTENDED_CODES: Readonly<Record<number, string>> = {
  275: 'CONSTRAINT_CHECK',
  517: 'BUSY_SNAPSHOT',
  787: 'CONSTRAINT_FOREIGNKEY',
  1299: 'CONSTRAINT_NOTNULL',
  1555: 'CONSTRAINT_PRIMARYKEY',
  2067: 'CONSTRAINT_UNIQUE',
};

/** Gives a node:sqlite error better-sqlite3's `code` ('SQLITE_' + the result code's name); other errors pass as they are. */
function sqliteError(err: unknown): unknown {
  const errcode = (err as { errcode?: unknown } | undefined)?.errcode;
  if (!(err instanceof Error) || typeof errcode !== 'number') return err;
  const name = EXTENDED_CODES[errcode] ?? PRIMARY_CODES[errcode & 0xff] ?? String(errcode);
  return Object.assign(err, { code: `SQLITE_${name}` });
}

function call<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw sqliteError(err);
  }
}

/** A prepared statement: schema.ts's SqlStatement (structurally: schema.ts imports this module). */
class Statement {
  constructor(private readonly stmt: NodeStatement) {}

  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint } {
    const result = call(() => this.stmt.run(...params));
    return { changes: Number(result.changes), lastInsertRowid: result.lastInsertRowid };
  }

  get(...params: unknown[]): unknown {
    return call(() => this.stmt.get(...params));
  }

  all(...params: unknown[]): unknown[] {
    return call(() => this.stmt.all(...params));
  }
}

type Begin = 'BEGIN' | 'BEGIN IMMEDIATE' | 'BEGIN EXCLUSIVE';

/** An issuer database (schema.ts's IssuerDatabase) on node:sqlite: a file path, ':memory:', or a serialized image. */
export class NodeSqliteDatabase {
  private readonly db: NodeDatabase;
  readonly name: string;
  readonly memory: boolean;

  constructor(source: string | Uint8Array) {
    const Database = databaseSync();
    const image = typeof source === 'string' ? undefined : source;
    this.name = image ? ':memory:' : (source as string);
    this.memory = this.name === ':memory:' || this.name === '';
    this.db = call(() => new Database(this.name));
    // transaction(), close() and conform's scratch databases ask SQLite itself whether a transaction is
    // open (a raw exec('BEGIN') counts too): without isTransaction (Node 22.13-22.15) that reads undefined,
    // a nested transaction() would BEGIN inside BEGIN and a throw would never roll back. (Asked of the
    // object: Node 24 defines both on each database, not on DatabaseSync.prototype.)
    if (typeof this.db.isTransaction !== 'boolean' || typeof this.db.isOpen !== 'boolean') {
      this.db.close();
      throw new EnvironmentError(`node:sqlite in Node ${process.versions.node} lacks DatabaseSync.isTransaction (it needs Node >= ${NODE_SQLITE_MINIMUM}; unset EMVSIM_SQLITE)`);
    }
    if (image) call(() => this.db.deserialize!(image));
  }

  /** True when this Node's node:sqlite can copy an in-memory database (serialize/deserialize). */
  static get canSerialize(): boolean {
    return typeof (databaseSync().prototype as Partial<NodeDatabase>).serialize === 'function';
  }

  get open(): boolean {
    return this.db.isOpen;
  }

  get inTransaction(): boolean {
    return this.db.isOpen && this.db.isTransaction;
  }

  prepare(sql: string): Statement {
    return new Statement(call(() => this.db.prepare(sql)));
  }

  exec(sql: string): this {
    call(() => this.db.exec(sql));
    return this;
  }

  /** As better-sqlite3's: the rows of `PRAGMA <source>`, or with `simple` the first column of the first row. */
  pragma(source: string, options?: { simple?: boolean }): unknown {
    const stmt = this.prepare(`PRAGMA ${source}`);
    if (!options?.simple) return stmt.all();
    const row = stmt.get() as Record<string, unknown> | undefined;
    return row ? Object.values(row)[0] : undefined;
  }

  serialize(): Uint8Array {
    return call(() => this.db.serialize!());
  }

  close(): this {
    if (this.db.isOpen) call(() => this.db.close());
    return this;
  }

  /**
   * better-sqlite3's transaction(): the returned function runs `fn` between BEGIN and COMMIT, or inside a
   * SAVEPOINT when a transaction is already open; a throw rolls back what `fn` did and is rethrown.
   */
  transaction<F extends (...args: never[]) => unknown>(fn: F): F & { deferred: F; immediate: F; exclusive: F } {
    const variant = (begin: Begin) =>
      ((...args: Parameters<F>) => this.runInTransaction(begin, () => fn(...args))) as F;
    return Object.assign(variant('BEGIN'), { deferred: variant('BEGIN'), immediate: variant('BEGIN IMMEDIATE'), exclusive: variant('BEGIN EXCLUSIVE') });
  }

  /** BEGIN, COMMIT, SAVEPOINT...: prepared once each and run, as better-sqlite3 does, not parsed again by exec. */
  private readonly control = new Map<string, NodeStatement>();

  private runControl(sql: string): void {
    let stmt = this.control.get(sql);
    if (!stmt) {
      const prepared = call(() => this.db.prepare(sql));
      this.control.set(sql, prepared);
      stmt = prepared;
    }
    call(() => stmt.run());
  }

  private runInTransaction<T>(begin: Begin, body: () => T): T {
    const nested = this.inTransaction;
    this.runControl(nested ? 'SAVEPOINT emvsim_tx' : begin);
    try {
      const result = body();
      this.runControl(nested ? 'RELEASE emvsim_tx' : 'COMMIT');
      return result;
    } catch (err) {
      // A failed COMMIT (SQLITE_BUSY, a disk error) leaves the transaction open: undo it too.
      try {
        if (this.inTransaction) {
          if (!nested) this.runControl('ROLLBACK');
          else {
            this.runControl('ROLLBACK TO emvsim_tx');
            this.runControl('RELEASE emvsim_tx');
          }
        }
      } catch (rollbackError) {
        // The caller needs what went wrong first, not the failed clean-up: it rides along, as in SuppressedError.
        if (err instanceof Error) Object.defineProperty(err, 'suppressed', { value: rollbackError, configurable: true, writable: true });
      }
      throw err;
    }
  }
}
