/**
 * The M/Chip CVR of the emulated mastercard-cda card, read back with a bit table transcribed from
 * two public decoders, not from src/: jPOS org.jpos.emv.CVRMastercard (M/Chip 4 Issuer Guide,
 * December 2004, A.19) and coolbong/node-tlv lib/decoder/Gac.js CardVerificationResultsMaster.
 * Both agree on every bit used here. Expected CVRs are written out by hand from that table.
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/apdu/bytes.js';
import { exchange } from '../../src/apdu/exchange.js';
import { decodeTlv, findTag } from '../../src/apdu/tlv.js';
import { createCard } from '../../src/card/index.js';
import { encipherPinForVerify, offlinePlaintextPinBlock } from '../../src/crypto/index.js';

/** [byte index, mask] of each named CVR flag in the public decoders. */
const FLAG: Record<string, [number, number]> = {
  'offline PIN verification performed': [0, 0x04],
  'offline encrypted PIN verification performed': [0, 0x02],
  'offline PIN verification successful': [0, 0x01],
  'DDA returned': [1, 0x80],
  'CDA returned in first GENERATE AC': [1, 0x40],
  'CDA returned in second GENERATE AC': [1, 0x20],
  'issuer authentication performed': [1, 0x10],
  'last online transaction not completed': [3, 0x80],
  'unable to go online': [3, 0x40],
  'offline PIN verification not performed': [3, 0x20],
  'offline PIN verification failed': [3, 0x10],
  'PIN try limit exceeded': [3, 0x08],
  'international transaction': [3, 0x04],
  'domestic transaction': [3, 0x02],
  'lower consecutive offline limit exceeded': [4, 0x80],
  'upper consecutive offline limit exceeded': [4, 0x40],
  'lower cumulative offline limit exceeded': [4, 0x20],
  'issuer authentication failed': [4, 0x04],
  'script received': [4, 0x02],
  'script failed': [4, 0x01],
};
const flags = (cvr: Uint8Array) => Object.keys(FLAG).filter((k) => (cvr[FLAG[k]![0]]! & FLAG[k]![1]) !== 0).sort();
const ac1 = (cvr: Uint8Array) => ({ 0x00: 'AAC', 0x10: 'TC', 0x20: 'ARQC' })[cvr[0]! & 0x30];
const ac2 = (cvr: Uint8Array) => ({ 0x00: 'AAC', 0x40: 'TC', 0x80: 'not requested' })[cvr[0]! & 0xc0];

// CDOL1 of mastercard-cda: 9F02 06, 9F03 06, 9F1A 02, 95 05, 5F2A 02, 9A 03, 9C 01, 9F37 04, 9F35 01, 9F34 03.
const cdol1 = (country: string) => `000000001234000000000000${country}0000000000084025061500123456782241030200`.slice(0, 66);

async function firstAcCvr(options: { country?: string; before?: (send: (hex: string) => Promise<{ sw: number; data: Uint8Array }>, card: ReturnType<typeof createCard>) => Promise<void> } = {}) {
  const card = createCard({ profile: 'mastercard-cda', seed: 'mchip-cvr' });
  const send = async (hex: string) => exchange(card, fromHex(hex));
  expect((await send('00A4040007A000000004101000')).sw).toBe(0x9000);
  expect((await send('80A800000C830A0000000012340840084000')).sw).toBe(0x9000);
  await options.before?.(send, card);
  const r = await send(`80AE800021${cdol1(options.country ?? '0840')}`);
  expect(r.sw).toBe(0x9000);
  const iad = findTag(decodeTlv(r.data)[0]!.children!, '9F10')!.value;
  expect(iad).toHaveLength(18); // DKI | CVN | CVR(6) | DAC(2) | counters(8) (jPOS IssuerApplicationData.unpackMCHIP)
  return iad.subarray(2, 8);
}

describe('M/Chip CVR (9F10 bytes 3-8) against the public decoders', () => {
  it('ARQC, no PIN, terminal in the issuer country: A0 00 03 22 00 00', async () => {
    const cvr = await firstAcCvr();
    expect(toHex(cvr)).toBe('A00003220000');
    expect(ac1(cvr)).toBe('ARQC');
    expect(ac2(cvr)).toBe('not requested');
    expect(cvr[2]! & 0x0f).toBe(3); // low nibble of the PIN try counter (limit 3, untouched)
    expect(flags(cvr)).toEqual(['domestic transaction', 'offline PIN verification not performed']);
  });

  it('a terminal in another country (9F1A 0276 against issuer 0840) sets "international", not "domestic"', async () => {
    const cvr = await firstAcCvr({ country: '0276' });
    expect(toHex(cvr)).toBe('A00003240000');
    expect(flags(cvr)).toEqual(['international transaction', 'offline PIN verification not performed']);
  });

  it('enciphered offline PIN verified: byte 1 b3, b2 and b1 (A7)', async () => {
    const cvr = await firstAcCvr({
      before: async (send, card) => {
        const challenge = await send('0084000000');
        expect(challenge.sw).toBe(0x9000);
        const key = card.engine.pinKey ?? card.engine.iccKey!;
        const block = encipherPinForVerify({ publicKey: key, pinBlock: offlinePlaintextPinBlock('1234'), iccUnpredictableNumber: challenge.data, random: (n) => new Uint8Array(n).fill(0x5a) });
        expect((await send(`00200088${block.length.toString(16).padStart(2, '0')}${toHex(block)}`)).sw).toBe(0x9000);
      },
    });
    expect(toHex(cvr)).toBe('A70003020000');
    expect(flags(cvr)).toEqual(['domestic transaction', 'offline PIN verification performed', 'offline PIN verification successful', 'offline encrypted PIN verification performed']);
  });

  it('plaintext offline PIN verified: b3 and b1 only (A5)', async () => {
    const cvr = await firstAcCvr({
      before: async (send) => {
        expect((await send(`0020008008${toHex(offlinePlaintextPinBlock('1234'))}`)).sw).toBe(0x9000);
      },
    });
    expect(toHex(cvr)).toBe('A50003020000');
  });

  it('a wrong plaintext PIN: performed, failed, PIN try counter nibble 2', async () => {
    const cvr = await firstAcCvr({
      before: async (send) => {
        expect((await send(`0020008008${toHex(offlinePlaintextPinBlock('9999'))}`)).sw).toBe(0x63c2);
      },
    });
    expect(toHex(cvr)).toBe('A40002120000');
    expect(flags(cvr)).toEqual(['domestic transaction', 'offline PIN verification failed', 'offline PIN verification performed']);
  });

  it('INTERNAL AUTHENTICATE in the transaction (DDA by a terminal without CDA): byte 2 b8 "DDA returned"', async () => {
    const cvr = await firstAcCvr({
      before: async (send) => {
        expect((await send('0088000004CAFEBABE00')).sw).toBe(0x9000);
      },
    });
    expect(toHex(cvr)).toBe('A08003220000');
    expect(flags(cvr)).toEqual(['DDA returned', 'domestic transaction', 'offline PIN verification not performed']);
  });

  it('scripts of the previous transaction: byte 3 high nibble = script counter, byte 5 b2 "script received"', async () => {
    const cvr = await firstAcCvr({
      before: async (_send, card) => {
        card.engine.nv.scriptCommandsLastTransaction = 2; // as left by a previous transaction's two script commands
      },
    });
    expect(toHex(cvr)).toBe('A00023220200');
    expect(flags(cvr)).toEqual(['domestic transaction', 'offline PIN verification not performed', 'script received']);
  });
});
