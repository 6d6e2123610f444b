import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/apdu/bytes.js';
import { TransportError } from '../../src/apdu/errors.js';
import { pcscErrorFrom } from '../../src/reader/errors.js';
import { openPcscReader, listPcscReaders, resolveReaderName } from '../../src/reader/pcsc-transport.js';
import { diffReaders, presenceOf, snapshotOf, type ReaderEvent, type ReaderSnapshot } from '../../src/reader/reader-events.js';
import { watchReaders } from '../../src/reader/pcsc-watch.js';
import { FAKE_ATR, FakeCard, PSE_FCI, PSE_SELECT } from './fixtures/fake-card.js';
import { FakeDaemon, fakeBinding } from './fixtures/fake-pcsc-binding.js';

describe('reader state words (pcsclite.h)', () => {
  it('the event counter in the upper 16 bits is masked off', () => {
    expect(presenceOf(0x0001_0022)).toBe('present'); // counter 1, PRESENT | CHANGED (seen from vpcd)
    expect(presenceOf(0x0007_0122)).toBe('present'); // INUSE too
    expect(presenceOf(0x0000_0012)).toBe('absent'); // EMPTY | CHANGED
    expect(presenceOf(0x0003_0232)).toBe('mute');
    expect(presenceOf(0x0000_0006)).toBe('unavailable');
  });
  it('diff reports presence changes once, not counter or INUSE changes', () => {
    const m = (entries: Array<[string, number, string?]>) => new Map<string, ReaderSnapshot>(entries.map(([n, s, atr]) => [n, snapshotOf(s, atr ? fromHex(atr) : null)]));
    const a = m([['R0', 0x0001_0022, FAKE_ATR], ['R1', 0x12]]);
    const b = m([['R0', 0x0001_0122, FAKE_ATR], ['R1', 0x0002_0012]]);
    expect(diffReaders(a, b)).toEqual([]);
    // present before and after, but the counter moved by 2: pulled and put back between two polls
    expect(diffReaders(a, m([['R0', 0x0003_0022, FAKE_ATR], ['R1', 0x12]]))).toEqual([
      { type: 'card-removed', reader: 'R0' },
      { type: 'card-inserted', reader: 'R0', atr: FAKE_ATR },
    ]);
    const c = m([['R0', 0x0006_0012], ['R1', 0x0003_0022, '3B00']]);
    expect(diffReaders(b, c)).toEqual<ReaderEvent[]>([
      { type: 'card-removed', reader: 'R0' },
      { type: 'card-inserted', reader: 'R1', atr: '3B00' },
    ]);
    expect(diffReaders(c, m([['R0', 0x12]]))).toEqual([{ type: 'card-removed', reader: 'R1' }, { type: 'reader-detached', reader: 'R1' }]);
    expect(diffReaders(m([['R0', 0x22, '3B00']]), m([['R0', 0x10022, '3B01']]))).toEqual([
      { type: 'card-removed', reader: 'R0' },
      { type: 'card-inserted', reader: 'R0', atr: '3B01' },
    ]);
  });
});

describe('error mapping (pcsc-lite strings from the binding)', () => {
  const cases: Array<[string, string]> = [
    ['PC/SC service not running', 'NO_SERVICE'],
    ['Communication error', 'NO_SERVICE'],
    ['No readers available', 'NO_READER'],
    ['Unknown reader', 'NO_READER'],
    ['No smart card present', 'NO_CARD'],
    ['Card is unresponsive', 'CARD_MUTE'],
    ['Operation timed out', 'CARD_MUTE'],
    ['Sharing violation', 'SHARING_VIOLATION'],
    ['Card was removed', 'CARD_REMOVED'],
    ['Card was reset', 'CARD_RESET'],
    ['Unknown PC/SC error', 'PCSC'],
  ];
  for (const [message, code] of cases) {
    it(`${message} -> ${code}`, () => {
      const e = pcscErrorFrom(new Error(message), 'Virtual PCD 00 00', 'transmit 00A40400');
      expect(e).toBeInstanceOf(TransportError);
      expect(e.code).toBe(code);
    });
  }
  it('names the reader and the operation', () => {
    expect(pcscErrorFrom(new Error('Card was removed'), 'Virtual PCD 00 00', 'transmit 80AE8000').message).toBe(
      "card removed from 'Virtual PCD 00 00' during transmit 80AE8000",
    );
  });
});

describe('reader names', () => {
  const names = ['Virtual PCD 00 00', 'Virtual PCD 00 01', 'Cherry SmartTerminal ST-2xxx [Vendor Interface] 00 00'];
  it('exact, unique substring, ambiguous, unknown', () => {
    expect(resolveReaderName('Virtual PCD 00 01', names)).toBe('Virtual PCD 00 01');
    expect(resolveReaderName('cherry', names)).toBe(names[2]);
    expect(() => resolveReaderName('virtual', names)).toThrow(/ambiguous/);
    expect(() => resolveReaderName('omnikey', names)).toThrow(/no reader matches 'omnikey'/);
  });
});

describe('PcscTransport on a fake binding', () => {
  const setup = async () => {
    const daemon = new FakeDaemon();
    daemon.addReader('Virtual PCD 00 00');
    daemon.addReader('Virtual PCD 00 01');
    const card = new FakeCard();
    await daemon.insert('Virtual PCD 00 00', card);
    return { daemon, card, binding: fakeBinding(daemon) };
  };

  it('lists readers, connects, transmits, resets warm and cold', async () => {
    const { card, binding } = await setup();
    expect(await listPcscReaders(binding)).toEqual([
      { name: 'Virtual PCD 00 00', card: 'present', atr: FAKE_ATR },
      { name: 'Virtual PCD 00 01', card: 'absent' },
    ]);
    const t = await openPcscReader('00 00', { binding });
    expect(t.name).toBe('PC/SC: Virtual PCD 00 00');
    expect(t.protocol).toBe('T=1');
    expect(toHex(await t.transmit(fromHex(PSE_SELECT)))).toBe(PSE_FCI + '9000');
    const before = card.coldResets;
    expect(toHex(await t.coldReset())).toBe(FAKE_ATR);
    expect(card.coldResets).toBe(before + 1);
    await t.warmReset();
    expect(card.warmResets).toBe(1);
    await t.close();
    await t.close();
  });

  it('only T=0 when asked', async () => {
    const { binding } = await setup();
    const t = await openPcscReader('Virtual PCD 00 00', { binding, protocols: ['T=0'] });
    expect(t.protocol).toBe('T=0');
  });

  it('typed errors: no card, sharing violation, card removed mid-transaction', async () => {
    const { daemon, binding } = await setup();
    await expect(openPcscReader('00 01', { binding, waitMs: 0 })).rejects.toMatchObject({ code: 'NO_CARD' });
    const exclusive = await openPcscReader('00 00', { binding, share: 'exclusive' });
    await expect(openPcscReader('00 00', { binding, waitMs: 0 })).rejects.toMatchObject({ code: 'SHARING_VIOLATION' });
    await exclusive.close();
    const t = await openPcscReader('00 00', { binding, waitMs: 50 });
    daemon.remove('Virtual PCD 00 00');
    await expect(t.transmit(fromHex('00B2010C00'))).rejects.toMatchObject({ code: 'CARD_REMOVED', message: "card removed from 'Virtual PCD 00 00' during transmit 00B2010C" });
    await expect(t.transmit(fromHex('00B2010C00'))).rejects.toMatchObject({ code: 'NO_CARD' });
  });

  it('survives a pcscd restart: the failing call throws NO_SERVICE, the next one works on a new context', async () => {
    const { daemon, card, binding } = await setup();
    const t = await openPcscReader('00 00', { binding, waitMs: 1000 });
    daemon.stop();
    await expect(t.transmit(fromHex(PSE_SELECT))).rejects.toMatchObject({ code: 'NO_SERVICE' });
    setTimeout(() => { daemon.start(); void daemon.insert('Virtual PCD 00 00', card); }, 50);
    expect(toHex(await t.transmit(fromHex(PSE_SELECT)))).toBe(PSE_FCI + '9000');
  });

  it('watch: deduplicated events, then service down and up', async () => {
    const { daemon, card, binding } = await setup();
    const events: ReaderEvent[] = [];
    const watch = await watchReaders((e) => events.push(e), { binding, retryMs: 10, pollMs: 200 });
    await watch.waitFor((e) => e.type === 'card-inserted');
    daemon.touch('Virtual PCD 00 00'); // INUSE only: no event
    daemon.remove('Virtual PCD 00 00');
    await watch.waitFor((e) => e.type === 'card-removed');
    await daemon.insert('Virtual PCD 00 01', card);
    await watch.waitFor((e) => e.type === 'card-inserted' && e.reader === 'Virtual PCD 00 01');
    daemon.stop();
    await watch.waitFor((e) => e.type === 'service-down');
    daemon.start();
    await watch.waitFor((e) => e.type === 'service-up');
    await watch.waitFor((e) => e.type === 'card-inserted' && e.reader === 'Virtual PCD 00 01');
    await watch.stop();
    expect(events.map((e) => `${e.type} ${'reader' in e ? e.reader : ''}`.trim())).toEqual([
      'reader-attached Virtual PCD 00 00',
      'card-inserted Virtual PCD 00 00',
      'reader-attached Virtual PCD 00 01',
      'card-removed Virtual PCD 00 00',
      'card-inserted Virtual PCD 00 01',
      'service-down',
      'reader-detached Virtual PCD 00 00',
      'card-removed Virtual PCD 00 01',
      'reader-detached Virtual PCD 00 01',
      'service-up',
      'reader-attached Virtual PCD 00 00',
      'reader-attached Virtual PCD 00 01',
      'card-inserted Virtual PCD 00 01',
    ]);
  });
});
