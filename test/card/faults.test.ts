/** Fault injection: status words, mute card, delay, truncated/corrupted data, tearing. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TransportError } from '../../src/apdu/errors.js';
import { toHex } from '../../src/apdu/bytes.js';
import { createCard, loadCard, loadProfile, newCardFile } from '../../src/card/index.js';
import { P1, generateAc, selectCommand, startSession, swHex, terminalSource } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'emvsim-faults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function transportError(p: Promise<unknown>): Promise<TransportError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TransportError) return e;
    throw e;
  }
  throw new Error('expected a TransportError');
}

describe('fault injection', () => {
  it('answers a configured status word on the Nth matching command only', async () => {
    const card = createCard({ seed: 'f1' });
    card.faults.add({ action: 'status', ins: 0xa4, occurrence: 2, sw: 0x6f00 });
    const sel = selectCommand('A0000000031010');
    expect(toHex(await card.transmit(Buffer.from(sel, 'hex'))).slice(-4)).toBe('9000');
    expect(toHex(await card.transmit(Buffer.from(sel, 'hex')))).toBe('6F00');
    expect(toHex(await card.transmit(Buffer.from(sel, 'hex'))).slice(-4)).toBe('9000');
  });

  it('a mute card makes the transport throw a MUTE time-out', async () => {
    const card = createCard({ seed: 'f2' });
    card.faults.add({ action: 'mute', ins: 0xa4 });
    expect((await transportError(card.transmit(Buffer.from(selectCommand('A0000000031010'), 'hex')))).code).toBe('MUTE');
  });

  it('delays the answer', async () => {
    const card = createCard({ seed: 'f3' });
    card.faults.add({ action: 'delay', delayMs: 60 });
    const t = performance.now();
    await card.transmit(Buffer.from(selectCommand('A0000000031010'), 'hex'));
    expect(performance.now() - t).toBeGreaterThanOrEqual(55);
  });

  it('closing the card ends a delayed exchange with CLOSED, and the delayed command never runs', async () => {
    const card = createCard({ seed: 'f3b' });
    card.faults.add({ action: 'delay', delayMs: 60_000 });
    const pending = card.transmit(Buffer.from(selectCommand('A0000000031010'), 'hex'));
    await card.close();
    expect((await transportError(pending)).code).toBe('CLOSED');
    expect(card.engine.selectedApplication).toBeUndefined();
  });

  it('truncates and corrupts response data, keeping the status word', async () => {
    const card = createCard({ seed: 'f4' });
    card.faults.add({ action: 'truncate', ins: 0xa4, keepBytes: 3 });
    card.faults.add({ action: 'corrupt', ins: 0xa4, occurrence: 2, offset: 0 });
    const sel = Buffer.from(selectCommand('A0000000031010'), 'hex');
    expect(toHex(await card.transmit(sel))).toBe('6F4684' + '9000');
    const corrupted = await card.transmit(sel);
    expect(corrupted[0]).toBe(0x6f ^ 0xff);
    expect(toHex(corrupted.subarray(-2))).toBe('9000');
  });

  it('tearing: the state is written, the answer is lost, the card needs a reset', async () => {
    const file = join(dir, 'tear.json');
    newCardFile(loadProfile('visa-cvn18'), file, { seed: 'tear' });
    const card = loadCard(file);
    const s = await startSession(card, 'A0000000031010');
    card.faults.add({ action: 'tear', ins: 0xae });
    expect((await transportError(generateAc(card, s.tags.get('8C')!, P1.ARQC, terminalSource()))).code).toBe('TEAR');
    expect((await transportError(card.transmit(Buffer.from('80CA9F3600', 'hex')))).code).toBe('NO_POWER');
    expect(loadCard(file).state.atc).toBe(1); // counted at GPO, persisted before the power went
    await card.coldReset();
    await startSession(card, 'A0000000031010'); // a new transaction: GPO counts ATC 2
    expect(toHex(await card.transmit(Buffer.from('80CA9F3600', 'hex')))).toBe('9F3602000290' + '00');
  });

  it('faults can come from the profile', async () => {
    const card = createCard({ seed: 'f6', overrides: { faults: [{ command: 'GENERATE AC', action: 'status', sw: '6581' }] } });
    const s = await startSession(card, 'A0000000031010');
    expect(swHex((await generateAc(card, s.tags.get('8C')!, P1.ARQC, terminalSource())).sw)).toBe('6581');
    expect(swHex((await generateAc(card, s.tags.get('8C')!, P1.ARQC, terminalSource())).sw)).toBe('9000');
  });
});
