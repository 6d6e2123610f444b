/**
 * A failed fsync is fatal (as PostgreSQL after "fsyncgate"): the host answers nothing more, closes the
 * database, and reports a DurabilityError; the server stops and closes its sockets. After a restart, SQLite
 * recovers from the WAL, and the terminal's retransmission finds whatever was committed, exactly once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Iso8583HostClient } from '../../src/issuer/client.js';
import { DurabilityError, WalDurability, type FsyncFunction } from '../../src/issuer/db/durability.js';
import { openIssuerDatabase } from '../../src/issuer/db/schema.js';
import { IssuerHost } from '../../src/issuer/issuer-host.js';
import { reconcile } from '../../src/issuer/ledger.js';
import { Iso8583Server } from '../../src/issuer/server.js';
import { HostUnavailableError } from '../../src/terminal/host.js';
import { authRequest, NOW, testCard, testHost } from './fixtures.js';

const dir = mkdtempSync(path.join(tmpdir(), 'emvsim-issuer-fatal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** fdatasync failing with EIO, as a failing disk reports it (once). */
const failingOnce = (): FsyncFunction => {
  let failed = false;
  return (_fd, callback) =>
    setImmediate(() => {
      if (failed) return callback(null);
      failed = true;
      callback(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    });
};

describe('fsync failure', () => {
  it('is fatal: no answer, later requests and the retransmission are refused, the database is closed', async () => {
    const file = path.join(dir, 'eio.sqlite');
    const fatal: DurabilityError[] = [];
    const { host, db } = testHost([testCard()], { onFatal: (e) => fatal.push(e) }, file);
    host.durability!.injectSync(failingOnce());
    const request = authRequest({ atc: 3, amountMinor: 700, stan: '000700' });
    const error = await host.authorise(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DurabilityError);
    expect(error).toMatchObject({ errno: 'EIO', path: `${file}-wal` });
    expect(fatal).toHaveLength(1);
    await expect(host.authorise(authRequest({ atc: 4, stan: '000701' }))).rejects.toBeInstanceOf(DurabilityError);
    await expect(host.authorise(request)).rejects.toBeInstanceOf(DurabilityError);
    expect(db.open).toBe(false);
    // Restart: SQLite recovers the WAL; the retransmission gets the stored answer, booked exactly once.
    const restarted = new IssuerHost({ db: openIssuerDatabase(file), clock: () => NOW });
    const again = await restarted.authorise(request);
    expect(again.responseCode).toBe('00');
    expect(reconcile(restarted.db)[0]!).toMatchObject({ heldMinor: 700, balanced: true });
    restarted.db.close();
  });

  it('a failing directory fsync (after the WAL is created) is fatal too', async () => {
    const file = path.join(dir, 'dir.sqlite');
    const { db } = testHost([testCard()], {}, file);
    const durability = new WalDurability(`${file}-wal`, (_fd, cb) => cb(null), () => {
      throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
    });
    await expect(durability.afterCommit()).rejects.toMatchObject({ path: dir, errno: 'EIO' });
    await expect(durability.afterCommit()).rejects.toBeInstanceOf(DurabilityError);
    db.close();
  });

  it('stops the ISO 8583 server: onFatal, sockets closed, new connections refused', async () => {
    const file = path.join(dir, 'server.sqlite');
    const { host } = testHost([testCard()], {}, file);
    host.durability!.injectSync(failingOnce());
    const stopped: DurabilityError[] = [];
    const server = new Iso8583Server({ host, onFatal: (e) => stopped.push(e) });
    const { port } = await server.listen(0);
    const client = new Iso8583HostClient({ port, timeoutMs: 1000, retries: 0 });
    await expect(client.authorise(authRequest({ atc: 3, stan: '000710' }))).rejects.toBeInstanceOf(HostUnavailableError);
    client.close();
    expect(stopped).toHaveLength(1);
    expect(server.connections).toBe(0);
    const late = new Iso8583HostClient({ port, timeoutMs: 500, retries: 0 });
    await expect(late.authorise(authRequest({ atc: 4, stan: '000711' }))).rejects.toBeInstanceOf(HostUnavailableError);
    late.close();
  });
});
