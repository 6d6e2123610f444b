/**
 * T=0 transport rules, EMV Book 1 §9.3 and the exchanges of Book 1 Annex A,
 * played against a scripted card that checks every command it receives.
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/apdu/bytes.js';
import { ApduError, TransportError } from '../../src/apdu/errors.js';
import { exchange, exchangeBytes, getResponseCommand, mapCommandForProtocol } from '../../src/apdu/exchange.js';
import { decodeCommand } from '../../src/apdu/command.js';
import type { CardTransport, Protocol } from '../../src/apdu/transport.js';

/** A card that expects exactly `script` (command hex -> response hex), in order. */
class ScriptedCard implements CardTransport {
  readonly name = 'scripted card';
  readonly sent: string[] = [];
  #step = 0;
  constructor(
    readonly protocol: Protocol,
    private readonly script: Array<[string, string]>,
  ) {}
  async transmit(command: Uint8Array): Promise<Uint8Array> {
    const hex = toHex(command);
    this.sent.push(hex);
    const step = this.script[this.#step++];
    if (!step) throw new Error(`unexpected command ${hex}`);
    expect(hex).toBe(step[0]);
    return fromHex(step[1]);
  }
  get done(): boolean {
    return this.#step === this.script.length;
  }
  async coldReset() {
    return fromHex('3B00');
  }
  async warmReset() {
    return fromHex('3B00');
  }
  async close() {}
}

/** A card answering the same response for ever (to test the loop guard). */
class StuckCard implements CardTransport {
  readonly name = 'stuck card';
  readonly protocol = 'T=0' as const;
  count = 0;
  constructor(private readonly answer: string) {}
  async transmit(): Promise<Uint8Array> {
    this.count++;
    return fromHex(this.answer);
  }
  async coldReset() {
    return fromHex('3B00');
  }
  async warmReset() {
    return fromHex('3B00');
  }
  async close() {}
}

const SELECT_PSE = '00A404000E315041592E5359532E444446303100';
const SELECT_PSE_T0 = '00A404000E315041592E5359532E4444463031'; // case 4 on T=0: no Le (Book 1 §9.3.1.1)
const FCI = '6F1A840E315041592E5359532E4444463031A5088801025F2D02656E';

describe('case 1 and case 3 (Book 1 Annex A1, A3)', () => {
  it('case 1: the status comes back as is', async () => {
    const card = new ScriptedCard('T=0', [['80160000', '9000']]);
    const r = await exchange(card, '80160000');
    expect(r.sw).toBe(0x9000);
    expect(card.done).toBe(true);
  });
  it('case 3 VERIFY answered 63C2: no GET RESPONSE, the retry counter reaches the caller', async () => {
    const card = new ScriptedCard('T=0', [['0020008008241234FFFFFFFFFF', '63C2']]);
    const r = await exchange(card, '0020008008241234FFFFFFFFFF');
    expect(r.sw).toBe(0x63c2);
    expect(card.sent).toHaveLength(1);
  });
  it('VERIFY sent with a Le (case 4) answered 63C1 is still not followed by GET RESPONSE', async () => {
    const card = new ScriptedCard('T=0', [['0020008008241234FFFFFFFFFF', '63C1']]);
    const r = await exchange(card, '0020008008241234FFFFFFFFFF00');
    expect(r.sw).toBe(0x63c1);
    expect(card.done).toBe(true);
  });
});

describe('case 2 (Book 1 Annex A2)', () => {
  it('6Cxx: the same command again with Le = xx', async () => {
    const record = '701A5A0847617390010100105F24032512315F25030101015F340101'; // 28 bytes
    const card = new ScriptedCard('T=0', [
      ['00B2010C00', '6C1C'],
      ['00B2010C1C', record + '9000'],
    ]);
    const r = await exchange(card, '00B2010C00');
    expect(toHex(r.data)).toBe(record);
    expect(r.sw).toBe(0x9000);
    expect(card.done).toBe(true);
  });
  it('61xx: GET RESPONSE 00 C0 00 00 xx', async () => {
    const card = new ScriptedCard('T=0', [
      ['00B2010C00', '6110'],
      ['00C0000010', '700E5A0847617390010100105F340101' + '9000'],
    ]);
    const r = await exchange(card, '00B2010C00');
    expect(r.sw).toBe(0x9000);
    expect(r.data.length).toBe(16);
  });
});

describe('case 4 on T=0 (Book 1 §9.3.1.1, Annex A4 to A6)', () => {
  it('is sent without Le and its data is fetched with GET RESPONSE', async () => {
    const card = new ScriptedCard('T=0', [
      [SELECT_PSE_T0, '611C'],
      ['00C000001C', FCI + '9000'],
    ]);
    const r = await exchange(card, SELECT_PSE);
    expect(toHex(r.data)).toBe(FCI);
    expect(r.sw).toBe(0x9000);
    expect(card.done).toBe(true);
  });
  it('a 9000 without data ends the command', async () => {
    const card = new ScriptedCard('T=0', [['80AE8000020000', '9000']]);
    const r = await exchange(card, '80AE800002000000');
    expect(r.sw).toBe(0x9000);
    expect(r.data.length).toBe(0);
  });
  it('a warning without data: GET RESPONSE Le 00, 6Cxx, then the data with the warning SW (Annex A5)', async () => {
    const card = new ScriptedCard('T=0', [
      [SELECT_PSE_T0, '6283'],
      ['00C0000000', '6C1C'],
      ['00C000001C', FCI + '9000'],
    ]);
    const r = await exchange(card, SELECT_PSE);
    expect(toHex(r.data)).toBe(FCI);
    expect(r.sw).toBe(0x6283);
    expect([r.sw1, r.sw2]).toEqual([0x62, 0x83]);
    expect(card.done).toBe(true);
  });
  it('a warning whose GET RESPONSE has nothing: the warning alone', async () => {
    const card = new ScriptedCard('T=0', [
      [SELECT_PSE_T0, '6283'],
      ['00C0000000', '6A88'],
    ]);
    const r = await exchange(card, SELECT_PSE);
    expect(r.sw).toBe(0x6283);
    expect(r.data.length).toBe(0);
  });
  it('an error on case 4 is returned at once', async () => {
    const card = new ScriptedCard('T=0', [[SELECT_PSE_T0, '6A82']]);
    expect((await exchange(card, SELECT_PSE)).sw).toBe(0x6a82);
    expect(card.done).toBe(true);
  });
  it('61xx chains are concatenated until the final status', async () => {
    const card = new ScriptedCard('T=0', [
      [SELECT_PSE_T0, '6110'],
      ['00C0000010', FCI.slice(0, 32) + '610C'],
      ['00C000000C', FCI.slice(32) + '9000'],
    ]);
    const r = await exchange(card, SELECT_PSE);
    expect(toHex(r.data)).toBe(FCI);
    expect(r.sw).toBe(0x9000);
  });
});

describe('T=1', () => {
  it('case 4 goes with its Le and no warning follow-up', async () => {
    const card = new ScriptedCard('T=1', [[SELECT_PSE, '6283']]);
    const r = await exchange(card, SELECT_PSE);
    expect(r.sw).toBe(0x6283);
    expect(card.done).toBe(true);
  });
  it('61xx is still followed by GET RESPONSE (ISO/IEC 7816-4 §5.1.3)', async () => {
    const card = new ScriptedCard('T=1', [
      [SELECT_PSE, '611C'],
      ['00C000001C', FCI + '9000'],
    ]);
    expect(toHex(await exchangeBytes(card, SELECT_PSE))).toBe(FCI + '9000');
  });
  it('extended APDUs are allowed on T=1 but not on T=0', () => {
    const ext = decodeCommand('00B00000000100');
    expect(toHex(mapCommandForProtocol(ext, 'T=1'))).toBe('00B00000000100');
    expect(() => mapCommandForProtocol(ext, 'T=0')).toThrow(ApduError);
  });
});

describe('guards', () => {
  it('a card answering 61xx for ever ends in a TransportError', async () => {
    const card = new StuckCard('6110');
    await expect(exchange(card, '00B2010C00', { maxRounds: 20 })).rejects.toMatchObject({
      code: 'EXCHANGE_LOOP',
    });
    expect(card.count).toBe(20);
  });
  it('a card answering 6Cxx for ever ends in a TransportError', async () => {
    const card = new StuckCard('6C10');
    await expect(exchange(card, '00B2010C00')).rejects.toBeInstanceOf(TransportError);
    expect(card.count).toBe(300);
  });
  it('a response without SW1 SW2 is a TransportError', async () => {
    await expect(exchange(new StuckCard('90'), '00B2010C00')).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
  });
  it('a malformed command never reaches the card', async () => {
    const card = new StuckCard('9000');
    await expect(exchange(card, '00A4040005AABB')).rejects.toBeInstanceOf(ApduError);
    expect(card.count).toBe(0);
  });
  it('accepts a CommandApdu object', async () => {
    const card = new ScriptedCard('T=0', [['0084000008', '01020304050607089000']]);
    const r = await exchange(card, { cla: 0, ins: 0x84, p1: 0, p2: 0, data: new Uint8Array(0), le: 8 });
    expect(toHex(r.data)).toBe('0102030405060708');
  });
  it('GET RESPONSE is 00 C0 00 00 Le', () => {
    expect(toHex(getResponseCommand(0x1c))).toBe('00C000001C');
    expect(toHex(getResponseCommand(256))).toBe('00C0000000');
  });
});
