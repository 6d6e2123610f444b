/**
 * `emvsim transact --reader`: the transaction runs on our PC/SC driver
 * (PcscTransport) over a fake smartcard binding holding the emulated demo
 * card, once with a plain reader and once with a Part 10 PIN-pad reader whose
 * keypad sends VERIFY itself. The run through real pcscd + vpcd is in
 * test/reader/pcsc-integration.test.ts (one pcscd per suite, no contention
 * with its restart test).
 */
import { describe, expect, it } from 'vitest';
import type { Bytes } from '../../src/apdu/bytes.js';
import type { CardTransport } from '../../src/apdu/transport.js';
import { createDemoCard } from '../../src/card/index.js';
import { runTransact, type TransactOptions } from '../../src/cli/commands/transact.js';
import { openPcscReader, PcscTransport } from '../../src/reader/pcsc-transport.js';
import { FakeDaemon, fakeBinding } from '../reader/fixtures/fake-pcsc-binding.js';
import { FakePinPadReader } from '../reader/fixtures/fake-pinpad-reader.js';

const READER = 'Fake Reader 00 00';
const base: TransactOptions = { reader: 'fake reader', terminal: 'eu-pos-pin', amount: '12.34', type: 'goods', pin: [], json: false, seed: 1, trace: false, forceOnline: false };

/** A daemon with one reader holding the demo card (PIN 1234). */
async function daemonWithDemoCard(): Promise<{ daemon: FakeDaemon; card: CardTransport }> {
  const daemon = new FakeDaemon();
  daemon.addReader(READER);
  const card = createDemoCard();
  await daemon.insert(READER, card);
  return { daemon, card };
}

/** A PC/SC reader with a keypad: its control channel is a Part 10 PIN pad in front of the same card. */
class PinPadPcscTransport extends PcscTransport {
  pad: FakePinPadReader | undefined;
  override async control(code: number, data?: Bytes): Promise<Bytes> {
    return this.pad!.control(code, data);
  }
}

async function run(o: Partial<TransactOptions>, open: () => Promise<CardTransport>) {
  const lines: string[] = [];
  const outcome = await runTransact({ ...base, ...o }, (l) => lines.push(l), { openTransport: open });
  return { outcome, lines };
}

describe('emvsim transact --reader (PC/SC driver over a fake binding)', () => {
  it('a reader without a PIN pad: PIN from --pin, offline PIN verified, approved, issuer liable', async () => {
    const { daemon } = await daemonWithDemoCard();
    let opened: CardTransport | undefined;
    const { outcome, lines } = await run({ pin: ['1234'] }, async () => (opened = await openPcscReader('fake reader', { binding: fakeBinding(daemon) })));
    expect(opened).toBeInstanceOf(PcscTransport);
    expect(lines.slice(0, 2)).toEqual([`Card: PC/SC: ${READER}`, 'PIN entry: --pin / prompt']);
    expect(outcome.outcome).toBe('approved');
    expect(outcome.cvmResults).toBe('410302'); // offline plaintext PIN, successful (Book 3 Annex C3)
    expect(outcome.liability.party).toBe('issuer');
    // The kernel sent the VERIFY itself (PIN masked in the trace).
    expect(outcome.trace.filter((r) => r.type === 'apdu' && r.command.startsWith('00200080'))).toHaveLength(1);
    expect(daemon.readers.get(READER)!.exclusive).toBeFalsy();
  });

  it("a PIN-pad reader: the PIN is typed on the reader, VERIFY never passes through the host", async () => {
    const { daemon, card } = await daemonWithDemoCard();
    const transport = new PinPadPcscTransport(fakeBinding(daemon), READER);
    transport.pad = new FakePinPadReader(card);
    transport.pad.keypad = ['4321', '1234'];
    const { outcome, lines } = await run({}, async () => {
      await transport.connect();
      return transport;
    });
    expect(lines[1]).toBe("PIN entry: reader's PIN pad");
    expect(lines).toContain('    [PIN pad] ENTER PIN ON THE READER (3 tries left)');
    expect(lines).toContain('    [PIN pad] INCORRECT PIN');
    expect(lines).toContain('    [PIN pad] ENTER PIN ON THE READER (2 tries left)');
    expect(outcome.outcome).toBe('approved');
    expect(outcome.cvmResults).toBe('410302');
    expect(outcome.pinTryCounter).toBe(3);
    expect(outcome.liability.party).toBe('issuer');
    expect(outcome.trace.some((r) => r.type === 'apdu' && r.command.startsWith('0020'))).toBe(false);
    expect(transport.pad.seenStructures).toHaveLength(2);
  });

  it('--online needs the card secrets: refused with --reader, before any reader is opened', async () => {
    let opened = false;
    const open = async () => { opened = true; throw new Error('not reached'); };
    await expect(run({ online: 'approve' }, open)).rejects.toThrow(/--online: --online approve scripts the issuer with the card's own master keys, which only an emulated card/);
    expect(opened).toBe(false);
  });

  it('--reader with --card or --profile is refused', async () => {
    const open = async (): Promise<CardTransport> => { throw new Error('not reached'); };
    await expect(run({ card: 'x.card' }, open)).rejects.toThrow(/--reader: .*give --reader or --card, not both/);
    await expect(run({ profile: 'visa-cvn18' }, open)).rejects.toThrow(/give --reader or --profile, not both/);
  });
});
