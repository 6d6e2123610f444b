/**
 * The example app (examples/read-card), written against the real `smartcard`
 * API, runs here against emvsim's fake of that module, with no pcscd: once by
 * replacing the module (vi.mock), once by injecting the fake's Devices. The
 * PC/SC integration suite (test/reader/pcsc-fakes-compare.ts) runs the same app through
 * the real binding on pcscd + vpcd and asserts the same output.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDemoCard, createCard } from '../../src/card/index.js';
import { FakePcscd, createSmartcardFake, fakePcscd } from '../../src/testing/index.js';
import { buildPdolData, main, maskPan } from '../../examples/read-card/read-card.js';

vi.mock('smartcard', async () => (await import('../../src/testing/index.js')).smartcardFake);

/**
 * What the app prints for the demo card: visa-cvn18 (PSE with one Visa Credit entry, AIP 3C00,
 * AFL of four records in SFIs 1-3), PAN 4761739001010010, expiry 2912 (profile defaults).
 */
const DEMO_CARD_OUTPUT = [
  'Applications (PSE): A0000000031010 VISA CREDIT',
  'Selected: A0000000031010 Visa Credit',
  'AIP: 3C00  AFL: 080101001001020218010200',
  'PAN: 476173******0010',
  'Expiry: 2029-12',
];

async function run(options: Parameters<typeof main>[0] = {}): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await main({ ...options, log: (l) => lines.push(l), timeoutMs: 5000 });
  return { code, lines };
}

describe('examples/read-card against the smartcard fake', () => {
  afterEach(() => fakePcscd.reset());

  it('reads the demo card through vi.mock("smartcard"): PSE, SELECT, GPO, READ RECORD, masked PAN and expiry', async () => {
    await fakePcscd.insert(createDemoCard());
    const { code, lines } = await run();
    expect(code).toBe(0);
    expect(lines).toEqual(DEMO_CARD_OUTPUT);
    expect(lines.join('\n')).not.toContain('4761739001010010');
  });

  it('gives the same output through dependency injection, over T=0 (61xx answered by GET RESPONSE)', async () => {
    const viaMock = await (async () => { await fakePcscd.insert(createDemoCard()); return run(); })();
    const pcscd = new FakePcscd({ readers: ['Injected Reader'] });
    await pcscd.insert(createDemoCard({ protocol: 'T=0' }));
    const sc = createSmartcardFake(pcscd);
    const injected = await run({ devices: new sc.Devices() });
    expect(injected).toEqual(viaMock);
  });

  it('falls back to the AID list when the card has neither PSE nor PPSE', async () => {
    await fakePcscd.insert(createCard({ profile: 'mastercard-cda', overrides: { pse: false }, seed: 7 }));
    const { code, lines } = await run();
    expect(code).toBe(0);
    expect(lines[0]).toBe('Applications (AID list): A0000000041010');
    expect(lines.find((l) => l.startsWith('PAN: '))).toMatch(/^PAN: \d{6}\*+\d{4}$/);
  });

  it('falls back to PPSE when SELECT PSE fails (a card that answers PPSE, Book B §3.3)', async () => {
    const card = createCard({ profile: 'visa-cvn18', overrides: { pse: false }, seed: 7 });
    // The FCI of the PPSE: 6F { 84 '2PAY.SYS.DDF01', A5 { BF0C { 61 { 4F A0000000031010, 50 'VISA', 87 01 } } } }.
    const entry = '4F07A0000000031010' + '5004' + Buffer.from('VISA').toString('hex') + '870101';
    const bf0c = 'BF0C' + (entry.length / 2 + 2).toString(16).padStart(2, '0') + '61' + (entry.length / 2).toString(16).padStart(2, '0') + entry;
    const a5 = 'A5' + (bf0c.length / 2).toString(16).padStart(2, '0') + bf0c;
    const fci = Buffer.from('6F' + ((a5.length + 32) / 2).toString(16).padStart(2, '0') + '840E' + Buffer.from('2PAY.SYS.DDF01').toString('hex') + a5 + '9000', 'hex');
    const withPpse = Object.create(card, {
      transmit: { value: async (apdu: Uint8Array) => (Buffer.from(apdu).toString('hex').toUpperCase().startsWith('00A404000E32') ? new Uint8Array(fci) : card.transmit(apdu)) },
    }) as typeof card;
    await fakePcscd.insert(withPpse);
    const { code, lines } = await run();
    expect(code).toBe(0);
    expect(lines[0]).toBe('Applications (PPSE): A0000000031010 VISA');
    expect(lines[1]).toBe('Selected: A0000000031010 Visa Credit');
  });

  it('masks the PAN (first six, last four) and fills the PDOL from terminal data, zeros for the unknown', () => {
    expect(maskPan('5413330089010012')).toBe('541333******0012');
    // 9F02 (6) amount, 5F2A (2) currency, 9F7A (1) unknown to the terminal -> zeros.
    expect(buildPdolData(Buffer.from('9F02065F2A029F7A01', 'hex')).toString('hex')).toBe('000000001000' + '0978' + '00');
  });

  it('reports a reader with no card after the time-out', async () => {
    const lines: string[] = [];
    const code = await main({ log: (l) => lines.push(l), timeoutMs: 50 });
    expect(code).toBe(1);
    expect(lines).toEqual(['No card within the time-out']);
  });
});
