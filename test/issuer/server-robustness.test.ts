/**
 * Server robustness: a client that stalls mid-frame is disconnected after the idle timeout; frames split
 * into many small chunks reassemble; per-connection in-flight frames are capped (the socket pauses).
 */
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { concat } from '../../src/apdu/bytes.js';
import { decodeMessage, encodeMessage } from '../../src/issuer/iso8583/codec.js';
import { frame, FrameReader } from '../../src/issuer/iso8583/framing.js';
import { requestToMessage } from '../../src/issuer/iso8583/mapping.js';
import { Iso8583Server } from '../../src/issuer/server.js';
import { authRequest, testHost } from './fixtures.js';

describe('FrameReader', () => {
  it('reassembles frames pushed one byte at a time and in uneven chunks', () => {
    const bodies = [Uint8Array.of(1, 2, 3), new Uint8Array(0), Uint8Array.from({ length: 300 }, (_, i) => i & 0xff), Uint8Array.of(9)];
    const stream = concat(...bodies.map((b) => frame(b)));
    const byteWise = new FrameReader();
    const out1 = [...stream].flatMap((b) => byteWise.push(Uint8Array.of(b)));
    expect(out1).toEqual(bodies);
    expect(byteWise.pending).toBe(0);
    const uneven = new FrameReader();
    const out2: Uint8Array[] = [];
    for (let i = 0, n = 1; i < stream.length; i += n, n = (n % 7) + 1) out2.push(...uneven.push(stream.subarray(i, i + n)));
    expect(out2).toEqual(bodies);
    // A partial frame stays pending.
    expect(uneven.push(Uint8Array.of(0x00, 0x05, 1, 2))).toEqual([]);
    expect(uneven.pending).toBe(4);
  });
});

describe('Iso8583Server limits', () => {
  it('disconnects a client that sends 2 bytes and stalls, after the idle timeout', async () => {
    const { host } = testHost();
    const server = new Iso8583Server({ host, idleTimeoutMs: 150 });
    const { port } = await server.listen(0);
    const started = Date.now();
    const closed = await new Promise<number>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(Uint8Array.of(0x00, 0x40)));
      socket.on('close', () => resolve(Date.now() - started));
      socket.on('error', () => undefined);
    });
    expect(closed).toBeGreaterThanOrEqual(140);
    expect(closed).toBeLessThan(5_000);
    for (let i = 0; i < 50 && server.connections > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(server.connections).toBe(0);
    await server.close();
  });

  it('answers a request sent in many small chunks, and several pipelined past the in-flight cap, in order', async () => {
    const { host } = testHost();
    const server = new Iso8583Server({ host, maxInFlightPerConnection: 2, maxConnections: 4 });
    const { port } = await server.listen(0);
    const requests = Array.from({ length: 6 }, (_, i) => authRequest({ atc: i + 1, amountMinor: 100, stan: String(500 + i).padStart(6, '0') }));
    const stream = concat(...requests.map((r) => frame(encodeMessage(requestToMessage(r)))));
    const answers = await new Promise<string[]>((resolve, reject) => {
      const reader = new FrameReader();
      const stans: string[] = [];
      const socket = connect(port, '127.0.0.1', async () => {
        for (let i = 0; i < stream.length; i += 3) {
          socket.write(stream.subarray(i, i + 3));
          if (i % 60 === 0) await new Promise((r) => setImmediate(r));
        }
      });
      socket.on('data', (chunk) => {
        for (const body of reader.push(chunk)) {
          const m = decodeMessage(body);
          stans.push(`${m.fields.get(11)}:${m.fields.get(39)}`);
        }
        if (stans.length === requests.length) {
          socket.end();
          resolve(stans);
        }
      });
      socket.on('error', reject);
    });
    expect(answers).toEqual(requests.map((r) => `${r.stan}:00`));
    await server.close();
  });
});
