import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Iso8583HostClient } from '../../src/issuer/client.js';
import { reconcile } from '../../src/issuer/ledger.js';
import { Iso8583Server } from '../../src/issuer/server.js';
import { HostUnavailableError } from '../../src/terminal/host.js';
import { authRequest, loadTestCards, testHost } from './fixtures.js';

const dir = mkdtempSync(path.join(tmpdir(), 'emvsim-issuer-tcp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ISO 8583 over TCP on loopback', () => {
  it('echo (0800/0810), an authorisation, and a retransmission that gets the same answer', async () => {
    const { host, db } = testHost();
    const server = new Iso8583Server({ host });
    const { port } = await server.listen(0);
    const client = new Iso8583HostClient({ port, timeoutMs: 2000 });
    try {
      expect(await client.echo()).toBeGreaterThanOrEqual(0);
      const request = authRequest({ atc: 1, amountMinor: 1_500, stan: '000777' });
      const first = await client.authorise(request);
      expect(first.responseCode).toBe('00');
      expect(first.issuerAuthenticationData).toHaveLength(10);
      expect(await client.authorise(request)).toEqual(first);
      expect(reconcile(db)[0]!.heldMinor).toBe(1_500);
    } finally {
      client.close();
      await server.close();
    }
  });

  it('a host that does not answer: retransmitted as a repeat, then HostUnavailableError; a closed port too', async () => {
    const received: string[] = [];
    const silent = createServer((s) => s.on('data', (d) => received.push(d.subarray(2, 6).toString('latin1'))));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as { port: number }).port;
    const client = new Iso8583HostClient({ port, timeoutMs: 150, retries: 1 });
    await expect(client.authorise(authRequest({ atc: 1 }))).rejects.toBeInstanceOf(HostUnavailableError);
    expect(received).toEqual(['0100', '0101']);
    client.close();
    await new Promise<void>((r) => silent.close(() => r()));
    const refused = new Iso8583HostClient({ port, timeoutMs: 500 });
    await expect(refused.authorise(authRequest({ atc: 1 }))).rejects.toBeInstanceOf(HostUnavailableError);
  });

  it('20 concurrent terminals, 5,000 authorisations: every answer booked once, the ledger balances to the cent', async () => {
    const terminals = 20;
    const perTerminal = 250;
    const cards = loadTestCards(terminals);
    const { host, db } = testHost(cards, {}, path.join(dir, 'load.sqlite'));
    const server = new Iso8583Server({ host });
    const { port } = await server.listen(0);
    const expected = new Map<number, { held: number; debited: number }>();
    const run = async (t: number) => {
      const client = new Iso8583HostClient({ port, timeoutMs: 10_000 });
      const card = cards[t]!;
      const terminalId = `T${String(t).padStart(7, '0')}`;
      const book = { held: 0, debited: 0 };
      const holds = new Map<string, number>();
      for (let i = 1; i <= perTerminal; i++) {
        const stan = String(i).padStart(6, '0');
        const amount = 1 + ((t * 7919 + i * 104_729) % 9_999);
        if (i % 25 === 0 && holds.size > 0) {
          // Every 25th message reverses the previous authorisation.
          const [originalStan, held] = [...holds][holds.size - 1]!;
          const r = await client.authorise({ ...authRequest({ card, atc: i, terminalId, stan, kind: 'reversal', amountMinor: held }), originalStan });
          expect(r.responseCode).toBe('00');
          holds.delete(originalStan);
          book.held -= held;
          continue;
        }
        const kind = i % 3 === 0 ? 'financial' : 'authorisation';
        const answer = await client.authorise(authRequest({ card, atc: i, terminalId, stan, kind, amountMinor: amount }));
        expect(answer.responseCode).toBe('00');
        if (kind === 'financial') book.debited += amount;
        else {
          book.held += amount;
          holds.set(stan, amount);
        }
      }
      expected.set(t, book);
      client.close();
    };
    await Promise.all(Array.from({ length: terminals }, (_, t) => run(t)));
    await server.close();
    const accounts = reconcile(db);
    expect(accounts).toHaveLength(terminals);
    for (const [t, book] of expected) {
      const a = accounts[t]!;
      expect(a.balanced).toBe(true);
      expect(a.balanceMinor).toBe(100_000_000 - book.debited);
      expect(a.heldMinor).toBe(book.held);
    }
    expect((db.prepare('SELECT COUNT(*) AS n FROM authorisations').get() as { n: number }).n).toBe(terminals * perTerminal);
    db.close();
  });
});
