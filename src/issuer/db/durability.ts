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
import { closeSync, fdatasync, fdatasyncSync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { EmvsimError } from '../../apdu/index.js';
import type { IssuerDatabase } from './schema.js';

/**
 * A failed fsync of the WAL (or of its directory). Fatal, as in PostgreSQL since "fsyncgate" (2018): after
 * an fsync error Linux may have dropped the dirty pages and reports the error only once, so a later fsync
 * that succeeds proves nothing about the commits before it. The host stops answering and closes its
 * database; a restart lets SQLite recover from what the WAL really holds, and terminals retransmit.
 */
export class DurabilityError extends EmvsimError {
  constructor(
    readonly path: string,
    readonly errno: string,
    detail: string,
  ) {
    super('ISSUER_DURABILITY', `fsync of ${path} failed (${errno}): ${detail}; the issuer host stopped answering, restart it to recover from the WAL`);
    this.name = 'DurabilityError';
  }

  static of(path: string, err: unknown): DurabilityError {
    if (err instanceof DurabilityError) return err;
    const errno = (err as NodeJS.ErrnoException | undefined)?.code ?? 'EIO';
    return new DurabilityError(path, errno, err instanceof Error ? err.message : String(err));
  }
}

export type FsyncFunction = (fd: number, callback: (err: NodeJS.ErrnoException | null) => void) => void;

export class WalDurability {
  private fd: number | undefined;
  /** The database directory has been fsynced since the WAL file was opened (its directory entry is durable). */
  private directorySynced = false;
  /** Set by the first failed sync: every later call fails with it (see DurabilityError). */
  failure: DurabilityError | undefined;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  /** Completed fdatasync calls (tests and benchmarks). */
  syncs = 0;

  constructor(
    readonly walPath: string,
    private sync: FsyncFunction = fdatasync,
    /** fsync of the database directory, once (tests inject a failing one). */
    private readonly syncDirectory: (fd: number) => void = fsyncSync,
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
    if (this.fd === undefined) {
      const fd = openSync(this.walPath, 'r');
      try {
        this.syncDirectoryOnce();
      } catch (err) {
        closeSync(fd);
        throw err;
      }
      this.fd = fd;
    }
    return this.fd;
  }

  /**
   * fsync(2) of the database directory once the WAL file exists: a new file's directory entry is durable
   * only once its directory is synced (fsync(2), NOTES), else a power cut could lose the whole -wal file.
   * Once per host, a few ms, on the event loop: simpler than ordering it before the first WAL fsync.
   */
  private syncDirectoryOnce(): void {
    if (this.directorySynced) return;
    const directory = dirname(this.walPath);
    try {
      const fd = openSync(directory, 'r');
      try {
        this.syncDirectory(fd);
      } finally {
        closeSync(fd);
      }
    } catch (err) {
      throw this.fail(directory, err);
    }
    this.directorySynced = true;
  }

  /** Resolves once everything committed before this call is on disk (one fdatasync may serve many callers). */
  afterCommit(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (!this.running) {
      const run = this.syncWal();
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

  private fail(path: string, err: unknown): DurabilityError {
    this.failure ??= DurabilityError.of(path, err);
    return this.failure;
  }

  private syncWal(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let fd: number;
      try {
        fd = this.descriptor();
      } catch (err) {
        reject(this.fail(this.walPath, err));
        return;
      }
      this.sync(fd, (err) => {
        if (err) reject(this.fail(this.walPath, err));
        else {
          this.syncs++;
          resolve();
        }
      });
    });
  }

  /** Replaces the fsync function (tests inject failures, as a failing disk would). */
  injectSync(sync: FsyncFunction): void {
    this.sync = sync;
  }

  private next(): Promise<void> {
    this.queued = undefined;
    return this.afterCommit();
  }

  /** The same guarantee, blocking (authoriseSync, tools). */
  afterCommitSync(): void {
    if (this.failure) throw this.failure;
    try {
      fdatasyncSync(this.descriptor());
    } catch (err) {
      throw this.fail(this.walPath, err);
    }
    this.syncs++;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
