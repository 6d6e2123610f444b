import net from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { concat, fromHex, toHex, type Bytes } from '../../src/apdu/bytes.js';
import { ParseError } from '../../src/apdu/errors.js';
import { VpcdBridge } from '../../src/reader/vpcd-bridge.js';
import { decodeVpcdPayload, encodeVpcdFrame, VpcdFrameDecoder } from '../../src/reader/vpcd-protocol.js';
import { FAKE_ATR, FakeCard, PSE_FCI, PSE_SELECT } from './fixtures/fake-card.js';

describe('vpcd framing', () => {
  it('2-byte big-endian length + payload', () => {
    expect(toHex(encodeVpcdFrame(fromHex('9000')))).toBe('00029000');
    expect(toHex(encodeVpcdFrame(new Uint8Array(300))).slice(0, 4)).toBe('012C');
  });
  it('1-byte payloads are controls 00 off, 01 on, 02 reset, 04 get ATR', () => {
    expect(['00', '01', '02', '04'].map((h) => decodeVpcdPayload(fromHex(h)).kind)).toEqual(['power-off', 'power-on', 'reset', 'get-atr']);
    expect(() => decodeVpcdPayload(fromHex('03'), 17)).toThrow(/unknown control code 0x03 at byte offset 17/);
    expect(decodeVpcdPayload(fromHex('00B2010C00'))).toEqual({ kind: 'apdu', apdu: fromHex('00B2010C00') });
    expect(() => decodeVpcdPayload(fromHex('00B2'))).toThrow(ParseError);
  });
  it('reassembles frames from any split or merge of the stream', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 300 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 20 }),
        (payloads, cuts) => {
          const stream = concat(...payloads.map(encodeVpcdFrame));
          const decoder = new VpcdFrameDecoder();
          const out: Bytes[] = [];
          let at = 0;
          for (let i = 0; at < stream.length; i++) {
            const n = cuts[i % cuts.length]!;
            out.push(...decoder.push(stream.subarray(at, at + n)));
            at += n;
          }
          expect(out.map((b) => toHex(b))).toEqual(payloads.map((b) => toHex(b)));
          expect(decoder.buffered).toBe(0);
        },
      ),
    );
  });
});

/** A stand-in for vpcd's listening side: records what the card says, lets the test send frames. */
class FakeVpcd {
  server = net.createServer();
  socket: net.Socket | undefined;
  private received = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  connections = 0;
  async listen(port = 0): Promise<number> {
    this.server.on('connection', (s) => {
      this.connections++;
      this.socket = s;
      s.on('data', (d) => { this.received = Buffer.concat([this.received, d]); this.waiters.splice(0).forEach((w) => w()); });
      this.waiters.splice(0).forEach((w) => w());
    });
    await new Promise<void>((r) => this.server.listen(port, '127.0.0.1', r));
    return (this.server.address() as net.AddressInfo).port;
  }
  async connected(): Promise<net.Socket> {
    while (!this.socket || this.socket.destroyed) await new Promise<void>((r) => this.waiters.push(r));
    return this.socket;
  }
  /** Sends payloads as frames, optionally in awkward chunks. */
  async send(payloads: string[], chunk = 0): Promise<void> {
    const s = await this.connected();
    const bytes = Buffer.from(concat(...payloads.map((p) => encodeVpcdFrame(fromHex(p)))));
    if (!chunk) s.write(bytes);
    else for (let i = 0; i < bytes.length; i += chunk) { s.write(bytes.subarray(i, i + chunk)); await new Promise((r) => setTimeout(r, 2)); }
  }
  /** Reads n reply frames. */
  async replies(n: number): Promise<string[]> {
    const out: string[] = [];
    const decoder = new VpcdFrameDecoder();
    for (;;) {
      const frames = decoder.push(this.received);
      this.received = Buffer.alloc(0);
      out.push(...frames.map((f) => toHex(f)));
      if (out.length >= n) return out;
      await new Promise<void>((r) => this.waiters.push(r));
      // re-feed only new data: decoder keeps partials
    }
  }
  async close(): Promise<void> {
    this.socket?.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

describe('VpcdBridge against a fake vpcd', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => { for (const c of cleanup.splice(0).reverse()) await c(); });

  it('answers get-ATR, powers on cold, answers APDUs in order, even from split and merged chunks', async () => {
    const vpcd = new FakeVpcd();
    const port = await vpcd.listen();
    const card = new FakeCard();
    const bridge = new VpcdBridge(card, { port, quickAck: true });
    cleanup.push(() => vpcd.close(), () => bridge.stop());
    bridge.start();
    await bridge.insert();
    await vpcd.send(['04', '01', PSE_SELECT, '00B2010C00', '00B2020C00'], 3);
    expect(await vpcd.replies(4)).toEqual([FAKE_ATR, PSE_FCI + '9000', expect.stringMatching(/^701A.*9000$/), '6A83']);
    expect(card.coldResets).toBe(2); // get-ATR before any power-on + the power-on itself
    await vpcd.send(['02', '00']);
    await new Promise((r) => setTimeout(r, 20));
    expect(card.warmResets).toBe(1);
    expect(bridge.stats.apdus).toBe(3);
  });

  it('remove closes the connection and insert reconnects', async () => {
    const vpcd = new FakeVpcd();
    const port = await vpcd.listen();
    const bridge = new VpcdBridge(new FakeCard(), { port });
    cleanup.push(() => vpcd.close(), () => bridge.stop());
    bridge.start();
    await bridge.insert();
    const first = await vpcd.connected();
    await bridge.remove();
    await new Promise((r) => first.once('close', r).destroyed && r(undefined));
    expect(bridge.state).toBe('removed');
    await bridge.insert();
    expect(vpcd.connections).toBe(2);
    expect(bridge.state).toBe('inserted');
  });

  it('reconnects with back-off when vpcd goes away and comes back (pcscd restart)', async () => {
    const vpcd = new FakeVpcd();
    const port = await vpcd.listen();
    const bridge = new VpcdBridge(new FakeCard(), { port, backoff: { initialMs: 20, maxMs: 80 } });
    cleanup.push(() => bridge.stop());
    const states: string[] = [];
    bridge.on('state', (s) => states.push(s));
    bridge.start();
    await bridge.insert();
    await vpcd.close();
    await new Promise((r) => setTimeout(r, 150)); // several refused attempts
    const again = new FakeVpcd();
    await again.listen(port);
    cleanup.push(() => again.close());
    await bridge.insert(2000);
    expect(states).toEqual(['connecting', 'inserted', 'connecting', 'inserted']);
    await again.send([PSE_SELECT]);
    expect(await again.replies(1)).toEqual([PSE_FCI + '9000']);
  });

  it('a card that throws answers 6F00 (ISO 7816-4: no precise diagnosis)', async () => {
    const vpcd = new FakeVpcd();
    const port = await vpcd.listen();
    const card = new FakeCard();
    card.transmit = async () => { throw new Error('card OS crashed'); };
    const lines: string[] = [];
    const bridge = new VpcdBridge(card, { port, log: (l) => lines.push(l) });
    cleanup.push(() => vpcd.close(), () => bridge.stop());
    bridge.start();
    await bridge.insert();
    await vpcd.send(['00A4040000']);
    expect(await vpcd.replies(1)).toEqual(['6F00']);
    expect(lines.join('\n')).toMatch(/card failed on 00A40400: card OS crashed/);
  });

  it('a payload shorter than an APDU header or an unknown 1-byte code is answered 6700, in order, and logged: vpcd never waits in vain', async () => {
    // vpcd.c: 00/01/02 go out with sendToVICC (no answer read), 04 and every APDU with
    // vicc_transmit, which blocks in recvFromVICC: anything else 1-byte is an application's APDU.
    const vpcd = new FakeVpcd();
    const port = await vpcd.listen();
    const card = new FakeCard();
    const lines: string[] = [];
    const bridge = new VpcdBridge(card, { port, log: (l) => lines.push(l) });
    cleanup.push(() => vpcd.close(), () => bridge.stop());
    bridge.start();
    await bridge.insert();
    await vpcd.send(['01', '00A4', '03', PSE_SELECT, '00B201', '', '7F', '04']);
    // The ATR answer (04) still comes after them, in order.
    expect(await vpcd.replies(7)).toEqual(['6700', '6700', PSE_FCI + '9000', '6700', '6700', '6700', FAKE_ATR]);
    expect(lines.filter((l) => /answered 6700/.test(l))).toHaveLength(5);
    expect(lines.join('\n')).toMatch(/unknown control code 0x03/);
    expect(lines.join('\n')).toMatch(/2-byte command is shorter than a header/);
    expect(bridge.state).toBe('inserted');
  });

  it('insert() times out with a clear message when nothing listens', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const bridge = new VpcdBridge(new FakeCard(), { port, backoff: { initialMs: 10, maxMs: 20 } });
    cleanup.push(() => bridge.stop());
    await expect(bridge.insert(150)).rejects.toThrow(/did not accept the card within 150 ms \(is pcscd running with vpcd\?\)/);
  });
});
