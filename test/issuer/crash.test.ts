/**
 * Durability: a host child process (WAL, synchronous=FULL, answer only after
 * commit) is killed with SIGKILL in the middle of a load run and restarted on
 * the same database. Every approval a terminal received is in the ledger
 * exactly once, retransmissions after the restart get the stored answers, and
 * the books balance.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { Iso8583HostClient } from '../../src/issuer/client.js';
import { openIssuerDatabase } from '../../src/issuer/db/schema.js';
import { reconcile } from '../../src/issuer/ledger.js';
import type { AuthorisationRequest, AuthorisationResponse } from '../../src/terminal/host.js';
import { authRequest, loadTestCards, repoRoot } from './fixtures.js';

const dir = mkdtempSync(path.join(tmpdir(), 'emvsim-issuer-crash-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function startHost(file: string, cards: number): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'test', 'issuer', 'host-child.ts'), file, String(cards)], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`host exited with ${code}`)));
  });
  return { child, port: (JSON.parse(line) as { port: number }).port };
}

describe('kill -9 during a load run', () => {
  it('loses nothing that was answered and books nothing twice', async () => {
    const file = path.join(dir, 'crash.sqlite');
    const terminals = 10;
    const cards = loadTestCards(terminals);
    let { child, port } = await startHost(file, terminals);
    const answered = new Map<string, { request: AuthorisationRequest; response: AuthorisationResponse }>();
    const sent: AuthorisationRequest[] = [];
    let killed = false;
    const run = async (t: number) => {
      // Generous time-out: on a loaded 2-core machine a slow answer must not end the terminal's run early.
      const client = new Iso8583HostClient({ port, timeoutMs: 15_000, retries: 0 });
      for (let i = 1; i <= 400 && !killed; i++) {
        const request = authRequest({
          card: cards[t]!, atc: i, terminalId: `K${String(t).padStart(7, '0')}`, stan: String(i).padStart(6, '0'),
          kind: i % 2 ? 'authorisation' : 'financial', amountMinor: 100 + i,
        });
        sent.push(request);
        try {
          answered.set(`${request.terminalId}|${request.stan}`, { request, response: await client.authorise(request) });
        } catch {
          break; // the host died: this terminal stops (its last request may or may not be booked)
        }
      }
      client.close();
    };
    let loadDone = false;
    const load = Promise.all(Array.from({ length: terminals }, (_, t) => run(t))).finally(() => {
      loadDone = true;
    });
    // Kill in mid-run; stop waiting if every terminal gave up early (a time-out on a loaded machine).
    while (answered.size < 600 && !loadDone) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    killed = true;
    await load;
    if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
    expect(answered.size).toBeGreaterThanOrEqual(600);
    expect(sent.length).toBeLessThan(terminals * 400); // the kill really came in mid-run

    // Restart on the same file; retransmit everything that was sent.
    ({ child, port } = await startHost(file, terminals));
    const client = new Iso8583HostClient({ port, timeoutMs: 10_000 });
    for (const request of sent) {
      const again = await client.authorise(request);
      const before = answered.get(`${request.terminalId}|${request.stan}`);
      if (before) expect(again).toEqual(before.response); // the stored answer, not a new decision
    }
    client.close();
    child.kill('SIGKILL');

    const db = openIssuerDatabase(file);
    const count = db.prepare('SELECT COUNT(*) AS n FROM authorisations WHERE terminal_id = ? AND stan = ? AND approved = 1');
    for (const { request, response } of answered.values()) {
      expect(response.responseCode).toBe('00');
      expect((count.get(request.terminalId, request.stan) as { n: number }).n).toBe(1);
    }
    const postings = db.prepare('SELECT COUNT(*) AS n FROM postings').get() as { n: number };
    const holds = db.prepare('SELECT COUNT(*) AS n FROM holds').get() as { n: number };
    expect(postings.n + holds.n).toBe((db.prepare('SELECT COUNT(*) AS n FROM authorisations WHERE approved = 1').get() as { n: number }).n);
    for (const account of reconcile(db)) expect(account.balanced).toBe(true);
    db.close();
  });
});
