/**
 * Connection admission (src/issuer/admission.ts) as pure rules, then on loopback: a flood of idle
 * connections, from another address and from the terminal's own, and connections that trickle bytes,
 * while a canary terminal keeps being answered. Bounded in count and time; 127.0.0.0/8 only.
 */
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { admit, peerKey, type SlotUse } from '../../src/issuer/admission.js';
import { Iso8583HostClient } from '../../src/issuer/client.js';
import { Iso8583Server } from '../../src/issuer/server.js';
import { testHost } from './fixtures.js';

const use = (peer: string, lastMessageAt: number, inFlight = 0): SlotUse => ({ peer, lastMessageAt, inFlight });

describe('admit', () => {
  const limits = { maxConnections: 3, maxPerPeer: 2 };

  it('accepts while there is room', () => {
    expect(admit([use('a', 1)], 'b', limits)).toEqual({ accept: true });
  });

  it('when full, closes the connection whose last message is oldest among those not being answered', () => {
    const open = [use('a', 5), use('b', 1, 1), use('c', 3)];
    expect(admit(open, 'd', limits)).toEqual({ accept: true, evict: open[2] });
  });

  it('refuses only when every slot is answering a request', () => {
    const open = [use('a', 5, 1), use('b', 1, 2), use('c', 3, 1)];
    const decision = admit(open, 'd', limits);
    expect(decision.accept).toBe(false);
    if (!decision.accept) expect(decision.reason).toMatch(/all 3 connections are busy/);
  });

  it('a peer at its own limit makes room among its own connections, never another peer', () => {
    const open = [use('x', 9), use('a', 1), use('a', 2)];
    expect(admit(open, 'a', limits)).toEqual({ accept: true, evict: open[1] });
    const busy = [use('x', 9), use('a', 1, 1), use('a', 2, 1)];
    const decision = admit(busy, 'a', limits);
    expect(decision.accept).toBe(false);
    if (!decision.accept) expect(decision.reason).toMatch(/peer a already has 2 connections/);
  });

  it('folds IPv4-mapped IPv6 addresses into one peer', () => {
    expect(peerKey('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(peerKey('::1')).toBe('::1');
    expect(peerKey(undefined)).toBe('unknown');
  });
});

function open(port: number, localAddress: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1', localAddress }, () => resolve(s));
    s.on('error', () => undefined);
    s.once('error', reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Echoes through a fresh client every `everyMs` for `forMs`; every echo must be answered. */
async function canary(port: number, everyMs: number, forMs: number): Promise<number> {
  const client = new Iso8583HostClient({ port, timeoutMs: 2_000, retries: 0 });
  let answered = 0;
  try {
    for (const end = Date.now() + forMs; Date.now() < end; await sleep(everyMs)) {
      await client.echo();
      answered++;
    }
  } finally {
    client.close();
  }
  return answered;
}

describe('the host under floods (loopback)', () => {
  it('1 peer opening 3x the slots of idle connections: the canary terminal is answered throughout', async () => {
    const { host } = testHost();
    const server = new Iso8583Server({ host, maxConnections: 40, maxConnectionsPerPeer: 30 });
    const { port } = await server.listen(0);
    const flood: Socket[] = [];
    try {
      for (let i = 0; i < 120; i++) flood.push(await open(port, '127.0.0.2'));
      await sleep(50);
      expect(server.connections).toBeLessThanOrEqual(30); // the flooding peer holds at most its share
      const answered = await canary(port, 20, 600);
      expect(answered).toBeGreaterThan(5);
    } finally {
      flood.forEach((s) => s.destroy());
      await server.close();
    }
  });

  it("idle connections from the terminal's own address make room for it (none is refused)", async () => {
    const { host } = testHost();
    const events: string[] = [];
    const server = new Iso8583Server({ host, maxConnections: 20, onAdmission: (e) => events.push(e.action) });
    const { port } = await server.listen(0);
    const flood: Socket[] = [];
    try {
      for (let i = 0; i < 60; i++) flood.push(await open(port, '127.0.0.1'));
      await sleep(50);
      expect(server.connections).toBeLessThanOrEqual(20);
      expect(await canary(port, 20, 400)).toBeGreaterThan(3);
      expect(events).toContain('evicted');
      expect(events).not.toContain('refused');
    } finally {
      flood.forEach((s) => s.destroy());
      await server.close();
    }
  });

  it('a message trickled one byte at a time is cut at its deadline, which the bytes do not restart', async () => {
    const { host } = testHost();
    const server = new Iso8583Server({ host, messageDeadlineMs: 300, idleTimeoutMs: 30_000 });
    const { port } = await server.listen(0);
    const slow = await open(port, '127.0.0.3');
    const started = Date.now();
    const closedAfter = new Promise<number>((resolve) => slow.on('close', () => resolve(Date.now() - started)));
    slow.write(Uint8Array.of(0x00, 0x50)); // announces 80 bytes
    const trickle = setInterval(() => slow.writable && slow.write(Uint8Array.of(0x30)), 50);
    try {
      const ms = await closedAfter;
      expect(ms).toBeGreaterThanOrEqual(250);
      expect(ms).toBeLessThan(5_000);
      expect(await canary(port, 10, 100)).toBeGreaterThan(0);
    } finally {
      clearInterval(trickle);
      slow.destroy();
      await server.close();
    }
  });
});
