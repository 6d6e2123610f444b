/**
 * Durable commits without blocking the event loop.
 *
 * With `synchronous=FULL`, better-sqlite3 runs the WAL fsync inside the
 * synchronous COMMIT, on the event-loop thread: for those milliseconds the host
 * can neither read the next requests nor write answers, and group commits
 * cannot overlap. The issuer host instead sets `synchronous=NORMAL` on its
 * connection (SQLite: in WAL mode a NORMAL commit writes the WAL frames but
 * does not fsync them; the database stays consistent, checkpoints still sync
 * the WAL before copying it back) and fsyncs the WAL file itself on the libuv
 * thread pool after each group commit. An answer is released only after an
 * fdatasync that STARTED after its commit has completed, so every answered
 * decision is on disk exactly as with FULL, while the next batch is decided and
 * committed during the fsync.
 * (sqlite.org/pragma.html#pragma_synchronous, sqlite.org/wal.html "Durability".)
 */
import { closeSync, fdatasync, fdatasyncSync, openSync } from 'node:fs';
import type { IssuerDatabase } from './schema.js';

export type FsyncFunction = (fd: number, callback: (err: NodeJS.ErrnoException | null) => void) => void;

export class WalDurability {
  private fd: number | undefined;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  /** Completed fdatasync calls (tests and benchmarks). */
  syncs = 0;

  constructor(
    readonly walPath: string,
    private readonly sync: FsyncFunction = fdatasync,
  ) {}

  /** For a file database in WAL mode: switches the connection to synchronous=NORMAL and returns its WAL syncer. */
  static attach(db: IssuerDatabase): WalDurability | undefined {
    if (db.memory || !db.name || db.name === ':memory:') return undefined;
    if (String(db.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal') return undefined;
    db.pragma('synchronous = NORMAL');
    return new WalDurability(`${db.name}-wal`);
  }

  private descriptor(): number {
    // Opened after the first commit: the WAL file exists then, and the host's open connection keeps it
    // (SQLite deletes it only when the last connection closes; a WAL reset rewrites the same file).
    this.fd ??= openSync(this.walPath, 'r');
    return this.fd;
  }

  /** Resolves once everything committed before this call is on disk (one fdatasync may serve many callers). */
  afterCommit(): Promise<void> {
    if (!this.running) {
      const run = new Promise<void>((resolve, reject) => {
        let fd: number;
        try {
          fd = this.descriptor();
        } catch (err) {
          reject(err as Error);
          return;
        }
        this.sync(fd, (err) => {
          if (err) reject(err);
          else {
            this.syncs++;
            resolve();
          }
        });
      });
      this.running = run.finally(() => {
        this.running = undefined;
      });
      return this.running;
    }
    // An fsync is under way but may have started before this commit: wait for the next one, shared by
    // every commit that arrives meanwhile (group commit at the fsync level).
    this.queued ??= this.running.then(
      () => this.next(),
      () => this.next(),
    );
    return this.queued;
  }

  private next(): Promise<void> {
    this.queued = undefined;
    return this.afterCommit();
  }

  /** The same guarantee, blocking (authoriseSync, tools). */
  afterCommitSync(): void {
    fdatasyncSync(this.descriptor());
    this.syncs++;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
