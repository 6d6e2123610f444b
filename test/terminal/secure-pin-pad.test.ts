/**
 * Offline plaintext PIN on a PIN-pad reader (PC/SC Part 10
 * FEATURE_VERIFY_PIN_DIRECT), through the kernel against the emulated card.
 * The fake pad does what a reader's firmware does: it builds the ISO 9564
 * format 2 block from the digits "typed" on its keypad and sends VERIFY
 * (00 20 00 80 08, Book 3 §6.5.12) to the card through the same transport,
 * then reports the card's SW as Part 10 §2.5.2 results. Expectations are the
 * TVR / CVM Results bits of Book 3 Annex C3/C5 and the card's own try counter.
 */
import { describe, expect, it } from 'vitest';
import { concat, fromHex, toHex } from '../../src/apdu/bytes.js';
import type { CardTransport } from '../../src/apdu/transport.js';
import { discoverSecurePinPad } from '../../src/reader/part10.js';
import type { SecurePinEntry, SecurePinEntryResult } from '../../src/terminal/environment.js';
import { runTransaction } from '../../src/terminal/kernel.js';
import { capksForTerminal } from '../../src/terminal/capk-lookup.js';
import { ScriptedCardholder } from '../../src/terminal/cardholder.js';
import { fixedClock, memoryTransactionLog, seededRandom } from '../../src/terminal/environment.js';
import { FakePinPadReader } from '../reader/fixtures/fake-pinpad-reader.js';
import { NOW, card, hostFor, liabilityRules, terminal, tvrHas } from './harness.js';

// TVR byte 3 (Book 3 Annex C5, Table 46)
const CV_NOT_SUCCESSFUL = 0x80;
const PIN_TRY_LIMIT_EXCEEDED = 0x20;
const PIN_PAD_NOT_PRESENT_OR_NOT_WORKING = 0x10;
const PIN_NOT_ENTERED = 0x08;
const ONLINE_PIN_ENTERED = 0x04;

type Keypress = string | 'cancel' | 'timeout';

/** A PIN-pad reader: digits from its keypad go into a plaintext VERIFY it sends itself. */
class FakeSecurePinPad implements SecurePinEntry {
  readonly readerName = 'Fake PIN pad reader';
  readonly calls: Array<{ minDigits: number; maxDigits: number; timeoutSeconds: number }> = [];
  readonly sentToCard: string[] = [];
  constructor(private readonly transport: CardTransport, private readonly keypad: Keypress[]) {}

  async verifyOfflinePlaintextPin(params: { minDigits: number; maxDigits: number; timeoutSeconds: number }): Promise<SecurePinEntryResult> {
    this.calls.push(params);
    const typed = this.keypad.shift() ?? 'timeout';
    if (typed === 'timeout') return { result: 'timeout', sw: 0x6400 };
    if (typed === 'cancel') return { result: 'cancelled', sw: 0x6401 };
    if (typed.length < params.minDigits || typed.length > params.maxDigits) return { result: 'bad-length', sw: 0x6403 };
    // ISO 9564 format 2: control nibble 2, length nibble, BCD digits, F padding to 8 bytes.
    const block = fromHex(`2${typed.length.toString(16)}${typed}`.padEnd(16, 'F'));
    const command = concat(fromHex('0020008008'), block);
    this.sentToCard.push(toHex(command));
    const r = await this.transport.transmit(command);
    const sw = (r[r.length - 2]! << 8) | r[r.length - 1]!;
    if (sw === 0x9000) return { result: 'verified', sw };
    if (sw === 0x63c0 || sw === 0x6983 || sw === 0x6984) return { result: 'blocked', sw };
    if ((sw & 0xfff0) === 0x63c0) return { result: 'wrong-pin', triesLeft: sw & 0x0f, sw };
    return { result: 'card-error', sw };
  }
}

interface PadRun {
  profile?: string;
  cardDelta?: Record<string, unknown>;
  /** PINs for the terminal's own keypad (cardholder.enterPin): online PIN, enciphered PIN. */
  pins?: string[];
}

/** Like the harness's run(), with env.securePinPad set. */
async function runWithPad(makePad: (c: CardTransport) => SecurePinEntry | Promise<SecurePinEntry>, o: PadRun = {}) {
  const c = card(o.profile ?? 'visa-cvn18', o.cardDelta);
  const pad = await makePad(c);
  const config = terminal();
  const cardholder = new ScriptedCardholder({ pins: o.pins ?? [] });
  const outcome = await runTransaction(
    {
      transport: c,
      config,
      cardholder,
      host: hostFor(c),
      clock: fixedClock(NOW),
      random: seededRandom(99),
      capks: capksForTerminal(config),
      transactionLog: memoryTransactionLog(),
      liabilityRules,
      securePinPad: pad,
    },
    { amountMinor: 1234, transactionType: 'goods' },
  );
  const decisions = outcome.steps.flatMap((s) => s.decisions.map((d) => d.text));
  return { outcome, cardholder, decisions };
}

const fakePad = (keypad: Keypress[]) => {
  let made: FakeSecurePinPad | undefined;
  return {
    make: (c: CardTransport) => (made = new FakeSecurePinPad(c, keypad)),
    get pad() { return made!; },
  };
};

describe('secure PIN entry on the reader: offline plaintext PIN (visa-cvn18 CVM List 4103 4203 1E03 1F03)', () => {
  it('correct PIN: the reader verifies it, CVM Results 41 03 02, the host keypad is never asked', async () => {
    const f = fakePad(['1234']);
    const { outcome, cardholder, decisions } = await runWithPad(f.make);
    expect(outcome.outcome).toBe('approved');
    expect(outcome.cvmResults).toBe('410302'); // plaintext PIN by ICC, if terminal supports, successful (Annex C3)
    expect(cardholder.prompts).toHaveLength(0);
    expect(f.pad.calls).toEqual([{ minDigits: 4, maxDigits: 12, timeoutSeconds: 30 }]);
    expect(f.pad.sentToCard).toEqual(['002000800824' + '1234FFFFFFFFFF']);
    // The kernel's own trace has no VERIFY: the PIN went card-ward through the reader only.
    expect(outcome.trace.some((r) => r.type === 'apdu' && r.command.startsWith('0020'))).toBe(false);
    for (const mask of [CV_NOT_SUCCESSFUL, PIN_TRY_LIMIT_EXCEEDED, PIN_NOT_ENTERED, PIN_PAD_NOT_PRESENT_OR_NOT_WORKING]) expect(tvrHas(outcome.tvr, 3, mask)).toBe(false);
    expect(outcome.pinTryCounter).toBe(3);
    expect(outcome.liability).toMatchObject({ party: 'issuer', rule: 'chip-and-pin' });
    expect(decisions.some((d) => /PIN verified by the card, entered on 'Fake PIN pad reader'/.test(d))).toBe(true);
  });

  it('wrong, wrong, then right: INCORRECT PIN twice, LAST PIN TRY before the third, counter reset by the card', async () => {
    const f = fakePad(['1111', '2222', '1234']);
    const { outcome, cardholder, decisions } = await runWithPad(f.make);
    expect(outcome.outcome).toBe('approved');
    expect(outcome.cvmResults).toBe('410302');
    expect(f.pad.calls).toHaveLength(3);
    expect(cardholder.messages.slice(0, 6)).toEqual([
      'ENTER PIN ON THE READER (3 tries left)',
      'INCORRECT PIN',
      'ENTER PIN ON THE READER (2 tries left)',
      'INCORRECT PIN',
      'LAST PIN TRY',
      'ENTER PIN ON THE READER (1 try left)',
    ]);
    expect(decisions).toContain("wrong PIN on 'Fake PIN pad reader', 2 tries left (63C2)");
    expect(outcome.pinTryCounter).toBe(3);
    expect(tvrHas(outcome.tvr, 3, PIN_TRY_LIMIT_EXCEEDED)).toBe(false);
  });

  it('three wrong PINs: the card blocks the PIN (63C0), TVR PIN try limit exceeded, next rule online PIN', async () => {
    const f = fakePad(['1111', '2222', '3333']);
    const { outcome, cardholder } = await runWithPad(f.make, { pins: ['1234'] });
    expect(f.pad.calls).toHaveLength(3);
    expect(tvrHas(outcome.tvr, 3, PIN_TRY_LIMIT_EXCEEDED)).toBe(true);
    expect(outcome.pinTryCounter).toBe(0);
    // 41: b7 set, so the next rule (42 03, online PIN) is applied (Book 3 §10.5) on the terminal keypad.
    expect(cardholder.prompts.map((p) => p.kind)).toEqual(['online']);
    expect(tvrHas(outcome.tvr, 3, ONLINE_PIN_ENTERED)).toBe(true);
    expect(outcome.cvmResults).toBe('420300');
    expect(outcome.outcome).toBe('approved');
  });

  it('a card whose PIN is already blocked: try counter 0 before entry, the reader is not asked', async () => {
    const f = fakePad(['1234']);
    const { outcome } = await runWithPad(f.make, { profile: 'pin-blocked', pins: ['1234'] });
    expect(f.pad.calls).toHaveLength(0);
    expect(tvrHas(outcome.tvr, 3, PIN_TRY_LIMIT_EXCEEDED)).toBe(true);
    expect(outcome.cvmResults).toBe('420300');
  });

  it('the reader reports "blocked" (6983): try limit exceeded, CVM failed for this rule', async () => {
    const blocked: SecurePinEntry = { verifyOfflinePlaintextPin: async () => ({ result: 'blocked', sw: 0x6983 }) };
    const { outcome } = await runWithPad(() => blocked, { cardDelta: { cvmList: '00000000 00000000 0103 1F03' } });
    expect(tvrHas(outcome.tvr, 3, PIN_TRY_LIMIT_EXCEEDED)).toBe(true);
    expect(tvrHas(outcome.tvr, 3, CV_NOT_SUCCESSFUL)).toBe(true);
    expect(outcome.cvmResults).toBe('010301'); // b7 clear: cardholder verification fails, result 01 failed
    expect(outcome.pinTryCounter).toBe(0);
  });

  it.each(['cancel', 'timeout'] as const)('%s on the reader: TVR "PIN pad present, but PIN was not entered", later PIN CVMs bypassed, signature', async (key) => {
    const f = fakePad([key]);
    const { outcome, cardholder, decisions } = await runWithPad(f.make, { pins: ['1234'] });
    expect(tvrHas(outcome.tvr, 3, PIN_NOT_ENTERED)).toBe(true);
    expect(tvrHas(outcome.tvr, 3, PIN_TRY_LIMIT_EXCEEDED)).toBe(false);
    expect(tvrHas(outcome.tvr, 3, ONLINE_PIN_ENTERED)).toBe(false);
    expect(cardholder.prompts).toHaveLength(0); // online PIN (42 03) counts as bypassed too (Book 4 §6.3.4.1)
    expect(outcome.cvmResults).toBe('1E0300');
    expect(outcome.pinTryCounter).toBe(3);
    expect(decisions.some((d) => d.includes(key === 'cancel' ? 'was cancelled (6401)' : 'timed out (6400)'))).toBe(true);
  });

  it('the reader rejects the PIN length (6403): this CVM fails with the reason, no TVR PIN bits', async () => {
    const f = fakePad(['123']);
    const { outcome, decisions } = await runWithPad(f.make, { cardDelta: { cvmList: '00000000 00000000 0103 1F03' } });
    expect(decisions.some((d) => /rejected the PIN length \(outside 4\.\.12 digits\) \(6403\)/.test(d))).toBe(true);
    expect(outcome.cvmResults).toBe('010301');
    expect(tvrHas(outcome.tvr, 3, CV_NOT_SUCCESSFUL)).toBe(true);
    expect(tvrHas(outcome.tvr, 3, PIN_NOT_ENTERED | PIN_TRY_LIMIT_EXCEEDED)).toBe(false);
  });

  it('offline enciphered PIN stays on the terminal keypad: the reader cannot encipher (Book 3 §10.5.1)', async () => {
    const f = fakePad(['1234']);
    const { outcome, cardholder, decisions } = await runWithPad(f.make, { cardDelta: { cvmList: '00000000 00000000 4403 1F03' }, pins: ['1234'] });
    expect(f.pad.calls).toHaveLength(0);
    expect(cardholder.prompts.map((p) => p.kind)).toEqual(['offline-enciphered']);
    expect(outcome.cvmResults).toBe('440302');
    expect(decisions.some((d) => d.startsWith('offline enciphered PIN: the reader'))).toBe(true);
  });

  it("src/reader's SecurePinPad plugs in as is: a Part 10 reader types the PIN into VERIFY", async () => {
    let reader: FakePinPadReader | undefined;
    const sent: string[] = [];
    const { outcome, cardholder } = await runWithPad(async (c) => {
      // Record each command as it leaves the reader (the card may reuse the buffer afterwards).
      const recording: CardTransport = Object.assign(Object.create(c) as CardTransport, {
        transmit: (command: Uint8Array) => {
          sent.push(toHex(command));
          return c.transmit(command);
        },
      });
      reader = new FakePinPadReader(recording);
      reader.keypad = ['9999', '1234'];
      const pad = await discoverSecurePinPad(reader);
      if (!pad) throw new Error('the fake reader announces FEATURE_VERIFY_PIN_DIRECT');
      return pad;
    });
    expect(outcome.outcome).toBe('approved');
    expect(outcome.cvmResults).toBe('410302');
    expect(cardholder.prompts).toHaveLength(0);
    expect(cardholder.messages).toContain('INCORRECT PIN');
    expect(reader!.seenStructures).toHaveLength(2);
    expect(sent).toEqual(['0020008008249999FFFFFFFFFF', '0020008008241234FFFFFFFFFF']);
  });
});
