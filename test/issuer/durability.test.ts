/**
 * Answers wait for the disk: the host commits with synchronous=NORMAL and
 * fsyncs the WAL off the event loop (src/issuer/db/durability.ts). Every
 * answer must wait for an fdatasync that started AFTER its commit; commits
 * arriving during an fsync share the next one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WalDurability, type FsyncFunction } from '../../src/issuer/db/durability.js';
import { authRequest, testHost } from './fixtures.js';

const dir = mkdtempSync(path.join(tmpdir(), 'emvsim-issuer-durability-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An fsync that completes only when the test says so. */
function gatedFsync(): { sync: FsyncFunction; started: number; finish: () => void } {
  const pending: (() => void)[] = [];
  const gate = {
    started: 0,
    sync: ((_fd, callback) => {
      gate.started++;
      pending.push(() => callback(null));
    }) as FsyncFunction,
    finish: () => pending.shift()?.(),
  };
  return gate;
}

const tick = () => new Promise((r) => setImmediate(r));

describe('WalDurability', () => {
  it('a commit made while an fsync runs waits for the next fsync, which serves every such commit', async () => {
    const { db } = testHost([], {}, path.join(dir, 'barrier.sqlite'));
    db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('x', '1'); // the WAL file exists
    const gate = gatedFsync();
    const durability = new WalDurability(`${db.name}-wal`, gate.sync);
    const done: string[] = [];
    void durability.afterCommit().then(() => done.push('first'));
    await tick();
    void durability.afterCommit().then(() => done.push('second'));
    void durability.afterCommit().then(() => done.push('third'));
    await tick();
    expect(gate.started).toBe(1);
    gate.finish(); // the first fsync may have started before the 2nd and 3rd commits: they must not be released
    await tick();
    expect(done).toEqual(['first']);
    expect(gate.started).toBe(2);
    gate.finish();
    await tick();
    expect(done).toEqual(['first', 'second', 'third']);
    durability.close();
    db.close();
  });

  it('the host switches its file connection to synchronous=NORMAL and answers only after the fsync', async () => {
    const { host, db } = testHost(undefined, {}, path.join(dir, 'host.sqlite'));
    expect(host.durability).toBeDefined();
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL: the host fsyncs the WAL itself
    const gate = gatedFsync();
    Object.assign(host, { durability: new WalDurability(`${db.name}-wal`, gate.sync) });
    let answered = false;
    const answer = host.authorise(authRequest({ atc: 1 })).then((r) => {
      answered = true;
      return r;
    });
    for (let i = 0; i < 5; i++) await tick();
    // Committed (another connection sees it) but not answered: the fsync has not completed.
    expect((db.prepare('SELECT COUNT(*) AS n FROM authorisations').get() as { n: number }).n).toBe(1);
    expect(gate.started).toBe(1);
    expect(answered).toBe(false);
    gate.finish();
    expect((await answer).responseCode).toBe('00');
    db.close();
  });

  it(':memory: databases need no fsync', () => {
    const { host } = testHost();
    expect(host.durability).toBeUndefined();
  });
});
