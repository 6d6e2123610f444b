/**
 * The PC/SC fakes without pcscd: the transcripts the real `smartcard` and
 * `pcsclite` bindings gave on pcscd + vpcd (recorded by
 * test/reader/pcsc-fakes-compare.ts, in the PC/SC integration suite) are reproduced by the fakes, and the
 * controls a test needs behave as a reader would: tear, mute, slow, reader
 * attach/detach, pcscd's idle power-off, and both ways of plugging the fakes in
 * (vi.mock of the module, dependency injection).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import pcsc from 'pcsclite';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDemoCard } from '../../src/card/index.js';
import { FakePcscd, createPcscliteFake, createSmartcardFake, fakePcscd, type FakeCardReader } from '../../src/testing/index.js';
import { pcscliteScenario, smartcardScenario, SELECT_PSE, type Rig } from './pcsc-scenarios.js';

vi.mock('pcsclite', async () => ({ default: (await import('../../src/testing/index.js')).pcscliteFake }));

const recorded = JSON.parse(readFileSync(new URL('./fixtures/pcsc-transcripts.json', import.meta.url), 'utf8')) as Record<'smartcard' | 'pcsclite', string[]>;
const VPCD_READERS = ['Virtual PCD 00 00', 'Virtual PCD 00 01'];
const READER = 'emvsim Fake Reader 00 00';
const VERIFY_WRONG_PIN = '0020008008249999FFFFFFFFFF';
const SELECT_VISA = '00A4040007A0000000031010';
/** GET PROCESSING OPTIONS with the demo card's PDOL (9F02 amount, 5F2A currency, 9F1A country). */
const GPO = '80A800000C830A00000000100009780276' + '00';

/** A fake pcscd shaped like this machine's (two vpcd readers) with the demo card over T=0 in slot 00. */
function vpcdLike(): { pcscd: FakePcscd; rig: Rig } {
  const pcscd = new FakePcscd({ readers: VPCD_READERS });
  const card = createDemoCard({ protocol: 'T=0' });
  return { pcscd, rig: { reader: VPCD_READERS[0]!, insert: () => pcscd.insert(card, VPCD_READERS[0]), remove: async () => pcscd.remove(VPCD_READERS[0]) } };
}

/** Resolves with the first `event` of `emitter`. */
const next = <T>(emitter: { once(event: string, listener: (value: T) => void): unknown }, event: string) => new Promise<T>((resolve) => emitter.once(event, resolve));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex').toUpperCase();

describe('the fakes reproduce the real bindings on pcscd + vpcd', () => {
  it('smartcard: the recorded transcript (events, 61xx/6Cxx with autoGetResponse, errors, status, reconnect, Context)', async () => {
    const { pcscd, rig } = vpcdLike();
    expect(recorded.smartcard.length).toBeGreaterThan(20);
    expect(await smartcardScenario(createSmartcardFake(pcscd), rig)).toEqual(recorded.smartcard);
  });

  // smartcard's own JavaScript layer (Devices, card wrapper) over our native classes: the fake's
  // Context/ReaderMonitor/Reader/Card stand in for the addon where the library lets users inject them.
  const realSmartcard = (() => {
    try {
      return createRequire(import.meta.url)('smartcard') as ReturnType<typeof createSmartcardFake>;
    } catch {
      return undefined;
    }
  })();
  it.skipIf(!realSmartcard)('smartcard: the real Devices over the fake native classes gives the recorded transcript too', async () => {
    const { pcscd, rig } = vpcdLike();
    const fake = createSmartcardFake(pcscd);
    const RealDevices = realSmartcard!.Devices;
    const hybrid = { ...fake, Devices: class extends RealDevices { constructor() { super({ Context: fake.Context, ReaderMonitor: fake.ReaderMonitor }); } } };
    expect(await smartcardScenario(hybrid, rig)).toEqual(recorded.smartcard);
  });

  it('pcsclite: the recorded transcript (reader/status/end events, callbacks, errors)', async () => {
    const { pcscd, rig } = vpcdLike();
    expect(recorded.pcsclite.length).toBeGreaterThan(15);
    expect(await pcscliteScenario(createPcscliteFake(pcscd), rig)).toEqual(recorded.pcsclite);
  });
});

describe('controls', () => {
  it('tear: the card runs the command, keeps its state, and is pulled before the answer', async () => {
    const pcscd = new FakePcscd();
    const card = createDemoCard();
    await pcscd.insert(card);
    const sc = createSmartcardFake(pcscd);
    const devices = new sc.Devices();
    const events: string[] = [];
    devices.on('card-removed', () => events.push('card-removed'));
    const inserted = next<{ card: ReturnType<typeof sc.wrapCard> }>(devices, 'card-inserted');
    devices.start();
    const { card: c } = await inserted;
    expect(hex(await c.transmit(Buffer.from(SELECT_VISA, 'hex'))).endsWith('9000')).toBe(true);
    expect(hex(await c.transmit(Buffer.from(GPO, 'hex'))).endsWith('9000')).toBe(true);
    const triesBefore = card.state.pinTryCounter;
    pcscd.tear();
    await expect(c.transmit(Buffer.from(VERIFY_WRONG_PIN, 'hex'))).rejects.toThrow('Card was removed');
    expect(card.state.pinTryCounter).toBe(triesBefore - 1); // the wrong PIN counted: written before the answer
    await vi.waitFor(() => expect(events).toEqual(['card-removed']));
    expect(pcscd.cardIn()).toBeUndefined();
    devices.stop();
  });

  it('tear while a slow card is working fails the exchange in flight', async () => {
    const pcscd = new FakePcscd();
    await pcscd.insert(createDemoCard());
    const sc = createSmartcardFake(pcscd);
    const c = await new sc.Context().listReaders()[0]!.connect(sc.SCARD_SHARE_SHARED, sc.SCARD_PROTOCOL_T1);
    pcscd.slow(30);
    const pending = c.transmit(Buffer.from(SELECT_PSE, 'hex'));
    const first = await Promise.race([pending.then(() => 'answer'), new Promise((r) => setTimeout(() => r('still working'), 5))]);
    expect(first).toBe('still working');
    pcscd.tear();
    await expect(pending).rejects.toThrow('Card was removed');
    await expect(c.transmit(Buffer.from(SELECT_PSE, 'hex'))).rejects.toThrow('Card was removed');
  });

  it('mute: a card without ATR reads MUTE and cannot be connected; muted later, exchanges fail', async () => {
    const pcscd = new FakePcscd();
    pcscd.mute();
    await pcscd.insert(createDemoCard());
    const sc = createSmartcardFake(pcscd);
    const [reader] = new sc.Context().listReaders();
    expect(reader!.state & 0xffff).toBe(sc.SCARD_STATE_PRESENT | sc.SCARD_STATE_MUTE | sc.SCARD_STATE_CHANGED);
    expect(reader!.atr).toBeNull();
    await expect(reader!.connect()).rejects.toThrow('Card is unresponsive');
    // Devices tries T=0|T=1, then T=0 alone (smartcard issue #34), then reports the error.
    const devices = new sc.Devices();
    const error = next<Error>(devices, 'error');
    devices.start();
    expect((await error).message).toBe('Card is unresponsive');
    devices.stop();

    pcscd.remove();
    pcscd.mute(undefined, false);
    await pcscd.insert(createDemoCard());
    const c = await new sc.Context().listReaders()[0]!.connect();
    pcscd.mute();
    await expect(c.transmit(Buffer.from(SELECT_PSE, 'hex'))).rejects.toThrow('Transaction failed');
  });

  it('reader attach/detach: Devices reports card-removed before reader-detached; pcsclite ends the reader', async () => {
    const pcscd = new FakePcscd({ readers: [] });
    const sc = createSmartcardFake(pcscd);
    const devices = new sc.Devices();
    const events: string[] = [];
    devices.on('reader-attached', (r) => events.push(`reader-attached ${r.name}`));
    devices.on('reader-detached', (r) => events.push(`reader-detached ${r.name}`));
    devices.on('card-inserted', (e) => events.push(`card-inserted ${e.reader.name} protocol ${e.card.protocol}`));
    devices.on('card-removed', (e) => events.push(`card-removed ${e.reader.name}`));
    const p = createPcscliteFake(pcscd)();
    const lite: string[] = [];
    p.on('reader', (r: FakeCardReader) => {
      lite.push(`reader ${r.name}`);
      r.on('status', (s: { state: number }) => lite.push(`status 0x${(s.state & 0xffff).toString(16)}`));
      r.on('end', () => lite.push('end'));
    });
    devices.start();
    pcscd.attachReader('USB Reader');
    await vi.waitFor(() => expect(events).toEqual(['reader-attached USB Reader']));
    await pcscd.insert(createDemoCard(), 'USB Reader');
    await vi.waitFor(() => expect(events).toHaveLength(2));
    pcscd.detachReader('USB Reader');
    await vi.waitFor(() => expect(events).toHaveLength(4));
    expect(events).toEqual(['reader-attached USB Reader', 'card-inserted USB Reader protocol 2', 'card-removed USB Reader', 'reader-detached USB Reader']);
    await vi.waitFor(() => expect(lite.at(-1)).toBe('end'));
    // The PnP watch closes the reader before its own watch sees it gone: no status for the detach.
    expect(lite).toEqual(['reader USB Reader', 'status 0x12', 'status 0x22', 'end']);
    expect(p.readers).toEqual({});
    devices.stop();
    // pcsclite 1.0 reports close() as an 'error' (the PnP wait cancelled), as the real binding does.
    const closed = next<Error>(p, 'error');
    p.close();
    expect((await closed).message).toMatch(/Command cancelled/);
  });

  it('Context: waitForChange() watches every reader (UNAWARE: answers at once); cancel() ends a wait with null', async () => {
    const pcscd = new FakePcscd({ readers: ['A', 'B'] });
    const sc = createSmartcardFake(pcscd);
    const ctx = new sc.Context();
    const all = await ctx.waitForChange();
    expect(all?.map((s) => [s.name, s.state & 0xffff, s.changed])).toEqual([['A', 0x12, true], ['B', 0x12, true]]);
    const pending = ctx.waitForChange(ctx.listReaders().map((r) => ({ name: r.name, state: r.state })));
    ctx.cancel();
    expect(await pending).toBeNull();
    ctx.close();
    expect(() => ctx.listReaders()).toThrow('Context is not valid');
  });

  it("pcscd's idle power-off: after the grace time without a handle, the next connection starts cold", async () => {
    const pcscd = new FakePcscd({ powerOffGraceMs: 20 });
    await pcscd.insert(createDemoCard());
    const sc = createSmartcardFake(pcscd);
    const reader = () => new sc.Context().listReaders()[0]!;
    let c = await reader().connect();
    await c.transmit(Buffer.from(SELECT_PSE, 'hex'));
    c.disconnect(sc.SCARD_LEAVE_CARD);
    c = await reader().connect(); // at once: still powered, the PSE still selected
    expect(hex(await c.transmit(Buffer.from('00B2010C00', 'hex'))).endsWith('9000')).toBe(true);
    c.disconnect(sc.SCARD_LEAVE_CARD);
    await new Promise((r) => setTimeout(r, 60));
    c = await reader().connect();
    expect(hex(await c.transmit(Buffer.from('00B2010C00', 'hex')))).toBe('6A82'); // powered off: nothing selected
  });
});

describe('plugging the fakes in', () => {
  afterEach(() => fakePcscd.reset());

  it('the 10-line example of docs/testing.md prints what the docs show', async () => {
    const lines: string[] = [];
    // --- as in docs/testing.md, console.log collected ---
    const pcscd = new FakePcscd({ readers: ['My Reader'] });
    const { Devices } = createSmartcardFake(pcscd);
    const devices = new Devices();
    const done = new Promise<void>((resolve) => {
      devices.on('card-inserted', async ({ reader, card }) => {
        const fci = await card.transmit(Buffer.from('00A404000E315041592E5359532E444446303100', 'hex'), { autoGetResponse: true });
        lines.push([reader.name, card.protocol, fci.toString('hex').toUpperCase()].join(' '));
        devices.stop();
        resolve();
      });
    });
    devices.start();
    await pcscd.insert(createDemoCard({ protocol: 'T=0' }));
    await done;
    const docs = readFileSync(new URL('../../docs/testing.md', import.meta.url), 'utf8');
    expect(lines).toEqual(['My Reader 1 6F1A840E315041592E5359532E4444463031A5088801015F2D02656E9000']);
    expect(docs).toContain(lines[0]);
  });

  it("vi.mock('pcsclite') gives the code under test the fake over the shared fakePcscd", async () => {
    await fakePcscd.insert(createDemoCard());
    const p = pcsc();
    const reader = await next<FakeCardReader>(p, 'reader');
    expect(reader.name).toBe(READER);
    const protocol = await new Promise<number>((resolve, reject) => reader.connect({ share_mode: reader.SCARD_SHARE_SHARED }, (err, proto) => (err ? reject(err) : resolve(proto!))));
    const answer = await new Promise<Buffer>((resolve, reject) => reader.transmit(Buffer.from(SELECT_PSE, 'hex'), 258, protocol, (err, data) => (err ? reject(err) : resolve(data!))));
    expect(hex(answer).slice(-4)).toBe('9000');
    expect(hex(answer)).toContain('315041592E5359532E4444463031'); // DF name 1PAY.SYS.DDF01 in the FCI
    reader.close();
    const closed = next<Error>(p, 'error');
    p.close();
    expect((await closed).message).toMatch(/Command cancelled/);
  });
});
