/**
 * The issuer database (SQLite through better-sqlite3): keys, accounts, cards
 * and the ledger. WAL journal with synchronous=FULL: a transaction that has
 * returned is on disk, so an answer sent after the commit survives kill -9
 * (SQLite "WAL mode ... synchronous=FULL ... durable"). Amounts are integers
 * in minor units; nothing is ever a float.
 */
import { createRequire } from 'node:module';
import { EnvironmentError } from '../../apdu/index.js';
import { NodeSqliteDatabase } from './node-sqlite.js';

/** A prepared statement: the part of better-sqlite3's Statement the issuer uses. */
export interface SqlStatement {
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

/**
 * The issuer database: a better-sqlite3 Database, described here by the part the issuer
 * uses, so the package's public types need no @types/better-sqlite3 (a dev-only package).
 */
export interface IssuerDatabase {
  prepare(sql: string): SqlStatement;
  exec(sql: string): unknown;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  /** A function that runs `fn` in a transaction (BEGIN; .immediate: BEGIN IMMEDIATE). */
  transaction<F extends (...args: never[]) => unknown>(fn: F): F & { deferred: F; immediate: F; exclusive: F };
  close(): unknown;
  /** The database as an image (`new Database(image)` opens a copy in memory); see imageOf for node:sqlite. */
  serialize(): Uint8Array;
  readonly open: boolean;
  readonly name: string;
  readonly inTransaction: boolean;
  readonly memory: boolean;
}

/** A SQLite constructor: a file path, ':memory:', or a serialized database image (an in-memory copy). */
type SqliteConstructor = new (source: string | Uint8Array) => IssuerDatabase;

export type SqliteBackend = 'better-sqlite3' | 'node:sqlite';

/**
 * Which SQLite binding holds the issuer database: better-sqlite3 on Node 20 and 22, Node's own node:sqlite
 * from Node 24 on, where better-sqlite3 12 aborts the process (node-sqlite.ts says why; better-sqlite3 13
 * needs Node 22, so no one version serves 20 to 24). EMVSIM_SQLITE=better-sqlite3 or node:sqlite chooses.
 */
export function sqliteBackend(env: NodeJS.ProcessEnv = process.env, nodeMajor = Number(process.versions.node.split('.')[0])): SqliteBackend {
  const chosen = env.EMVSIM_SQLITE;
  if (chosen === 'better-sqlite3' || chosen === 'node:sqlite') return chosen;
  if (chosen) throw new EnvironmentError(`EMVSIM_SQLITE: '${chosen}' is neither better-sqlite3 nor node:sqlite`);
  return nodeMajor >= 24 ? 'node:sqlite' : 'better-sqlite3';
}

/** The SQLite binding, loaded on the first database opened: importing the issuer loads no native addon. */
function sqlite(backend: SqliteBackend): SqliteConstructor {
  if (backend === 'node:sqlite') return NodeSqliteDatabase;
  return createRequire(import.meta.url)('better-sqlite3') as SqliteConstructor;
}

export const SCHEMA_VERSION = 2;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- Issuer master keys per BIN range (EMV Book 2 A1.4): AC, secure-messaging integrity and confidentiality.
CREATE TABLE IF NOT EXISTS issuer_keys (
  id INTEGER PRIMARY KEY,
  label TEXT NOT NULL,
  bin_from TEXT NOT NULL,
  bin_to TEXT NOT NULL,
  algorithm TEXT NOT NULL CHECK (algorithm IN ('tdes', 'aes')),
  imk_ac TEXT NOT NULL,
  imk_smi TEXT NOT NULL,
  imk_smc TEXT NOT NULL,
  CHECK (length(bin_from) = length(bin_to))
);

CREATE TABLE IF NOT EXISTS accounts (
  id INTEGER PRIMARY KEY,
  holder TEXT NOT NULL,
  currency TEXT NOT NULL,
  opening_balance_minor INTEGER NOT NULL,
  balance_minor INTEGER NOT NULL,
  held_minor INTEGER NOT NULL DEFAULT 0,
  daily_amount_limit_minor INTEGER NOT NULL,
  daily_count_limit INTEGER NOT NULL,
  home_country TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS cards (
  pan TEXT NOT NULL,
  psn TEXT NOT NULL DEFAULT '00',
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  label TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('active', 'lost', 'stolen', 'blocked')),
  expiry TEXT NOT NULL,
  last_atc INTEGER,
  pin_offset TEXT,
  pin_tries INTEGER NOT NULL DEFAULT 0,
  pin_try_limit INTEGER NOT NULL DEFAULT 3,
  travel_enabled INTEGER NOT NULL DEFAULT 0,
  key_derivation TEXT NOT NULL DEFAULT 'A',
  session_key TEXT NOT NULL DEFAULT 'common',
  ac_padding INTEGER NOT NULL DEFAULT 2,
  ac_data TEXT NOT NULL,
  arpc_method INTEGER NOT NULL DEFAULT 1,
  arpc_key TEXT NOT NULL DEFAULT 'session',
  arpc_proprietary_data TEXT NOT NULL DEFAULT '',
  script_mac_length INTEGER NOT NULL DEFAULT 8,
  offline_pin_blocked INTEGER NOT NULL DEFAULT 0,
  application_block_sent INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (pan, psn)
);

-- One row per request answered (including declines and reversals); the idempotency key makes a
-- retransmission find the stored answer instead of deciding (and posting) twice.
CREATE TABLE IF NOT EXISTS authorisations (
  id INTEGER PRIMARY KEY,
  idempotency_key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  transaction_type TEXT NOT NULL DEFAULT '00',
  created_at INTEGER NOT NULL,
  pan TEXT NOT NULL,
  psn TEXT,
  account_id INTEGER,
  terminal_id TEXT NOT NULL,
  merchant_id TEXT NOT NULL,
  mcc TEXT,
  country TEXT NOT NULL,
  stan TEXT NOT NULL,
  rrn TEXT,
  amount_minor INTEGER NOT NULL,
  currency TEXT NOT NULL,
  atc INTEGER,
  response_code TEXT NOT NULL,
  approved INTEGER NOT NULL,
  auth_code TEXT,
  decided_by TEXT,
  reason TEXT,
  response_json TEXT NOT NULL,
  original_id INTEGER REFERENCES authorisations(id),
  reversed_by INTEGER REFERENCES authorisations(id),
  -- Version 2 columns (LEDGER_V2_COLUMNS below adds them to a version 1 database).
  request_digest TEXT,
  trace_date TEXT,
  original_stan TEXT,
  original_date TEXT
);
CREATE INDEX IF NOT EXISTS authorisations_by_card ON authorisations (pan, created_at);
CREATE INDEX IF NOT EXISTS authorisations_by_account ON authorisations (account_id, created_at);
CREATE INDEX IF NOT EXISTS authorisations_by_trace ON authorisations (terminal_id, stan);

-- Holds (approved 0100): released at most once, by a reversal.
CREATE TABLE IF NOT EXISTS holds (
  authorisation_id INTEGER PRIMARY KEY REFERENCES authorisations(id),
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  amount_minor INTEGER NOT NULL,
  released_by INTEGER REFERENCES authorisations(id)
);

-- Postings to the account balance (approved 0200 debits, reversal credits): one per (request, kind).
CREATE TABLE IF NOT EXISTS postings (
  id INTEGER PRIMARY KEY,
  authorisation_id INTEGER NOT NULL REFERENCES authorisations(id),
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  amount_minor INTEGER NOT NULL,
  kind TEXT NOT NULL,
  UNIQUE (authorisation_id, kind)
);

-- Running daily totals per account (daily limits), kept with the postings: approved 0100/0200 add, reversals subtract.
CREATE TABLE IF NOT EXISTS daily_usage (
  account_id INTEGER NOT NULL REFERENCES accounts(id),
  day INTEGER NOT NULL,
  count INTEGER NOT NULL,
  amount_minor INTEGER NOT NULL,
  PRIMARY KEY (account_id, day)
);

CREATE TABLE IF NOT EXISTS rule_decisions (
  authorisation_id INTEGER NOT NULL REFERENCES authorisations(id),
  rule TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT NOT NULL
);
`;

/**
 * Columns added in schema version 2: the digest of what a request asks for (a retransmission must
 * carry the same PAN, amount, currency and cryptogram), the transaction date MMDD (field 13) that with
 * terminal and STAN identifies a transaction, and a reversal's original STAN and date (field 90).
 */
const LEDGER_V2_COLUMNS = ['request_digest', 'trace_date', 'original_stan', 'original_date'] as const;

function migrate(db: IssuerDatabase): void {
  const have = new Set((db.prepare('PRAGMA table_info(authorisations)').all() as { name: string }[]).map((c) => c.name));
  for (const column of LEDGER_V2_COLUMNS) if (!have.has(column)) db.exec(`ALTER TABLE authorisations ADD COLUMN ${column} TEXT`);
  db.exec('CREATE INDEX IF NOT EXISTS authorisations_by_original ON authorisations (terminal_id, original_stan) WHERE original_stan IS NOT NULL');
  db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(String(SCHEMA_VERSION));
}

/**
 * A new in-memory database with the schema, as an image: an in-process host (one per conformance
 * scenario) starts from a copy of it instead of running the schema's DDL again (0.1 ms, not 1.6).
 */
const emptyMemoryImages = new Map<SqliteBackend, Uint8Array>();

/** Opens (creating when new) the issuer database; `':memory:'` for an in-process host. */
export function openIssuerDatabase(path: string, memoryImage?: Uint8Array): IssuerDatabase {
  const backend = sqliteBackend();
  const Database = sqlite(backend);
  const memory = path === ':memory:';
  if (memory && memoryImage) {
    // A copy of a database this process built and serialised (schema and migrations included).
    // Private to this connection and never on disk: synchronous and busy_timeout change nothing here.
    const copy = new Database(memoryImage);
    copy.pragma('foreign_keys = ON');
    return copy;
  }
  const image = memory ? emptyMemoryImages.get(backend) : undefined;
  const db = new Database(image ?? path);
  if (!memory) db.pragma('journal_mode = WAL');
  db.exec('PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000'); // one call, not three prepared statements
  if (image) return db;
  db.exec(SCHEMA);
  migrate(db);
  const empty = memory ? imageOf(db) : undefined;
  if (empty) emptyMemoryImages.set(backend, empty);
  return db;
}

/**
 * The database as an image to open copies from (`openIssuerDatabase(':memory:', image)`), or undefined
 * where the binding makes none: node:sqlite on Node 22 and early 24 (measured: 24.10 has no serialize, 24.18.1 has).
 */
export function imageOf(db: IssuerDatabase): Uint8Array | undefined {
  return db instanceof NodeSqliteDatabase && !NodeSqliteDatabase.canSerialize ? undefined : db.serialize();
}

const statements = new WeakMap<IssuerDatabase, Map<string, SqlStatement>>();

/** A prepared statement, cached per database (preparing is the expensive part of a small query). */
export function statement(db: IssuerDatabase, sql: string): SqlStatement {
  let cache = statements.get(db);
  if (!cache) {
    cache = new Map();
    statements.set(db, cache);
  }
  let stmt = cache.get(sql);
  if (!stmt) {
    stmt = db.prepare(sql);
    cache.set(sql, stmt);
  }
  return stmt;
}

/** True when the database holds no card yet (a new database gets the shipped cards). */
export function isEmpty(db: IssuerDatabase): boolean {
  return (statement(db, 'SELECT COUNT(*) AS n FROM cards').get() as { n: number }).n === 0;
}
