/**
 * The shared CVR bit tables (src/apdu/card-verification-results.ts): the M/Chip encoder and decoder are
 * exact inverses, and known bytes read as the public decoders read them (jPOS CVRMastercard, coolbong
 * node-tlv CardVerificationResultsMaster; expected values written out by hand from those tables).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/apdu/bytes.js';
import { explainIssuerApplicationData } from '../../src/apdu/issuer-application-data.js';
import { createCard } from '../../src/card/index.js';
import { P1, generateAc, startSession, terminalSource } from '../card/helpers.js';
import {
  CVR_FIRST_AC,
  CVR_SECOND_AC,
  decodeMchipCvr,
  encodeMchipCvr,
  MCHIP_CVR_BITS,
  type MchipCvr,
  VISA_CVR_BITS,
} from '../../src/apdu/card-verification-results.js';

const mchipCvr: fc.Arbitrary<MchipCvr> = fc.record({
  firstAc: fc.constantFrom(...CVR_FIRST_AC),
  secondAc: fc.constantFrom(...CVR_SECOND_AC),
  scriptCounter: fc.integer({ min: 0, max: 15 }),
  pinTryCounter: fc.integer({ min: 0, max: 15 }),
  flags: fc.subarray(MCHIP_CVR_BITS.map((b) => b.name)),
});

describe('M/Chip CVR table', () => {
  it('names each of the 40 flag bits once; with the AC types and counters that is all 48 bits', () => {
    const positions = new Set(MCHIP_CVR_BITS.map((b) => `${b.byte}:${b.mask}`));
    expect(positions.size).toBe(MCHIP_CVR_BITS.length);
    expect(new Set(MCHIP_CVR_BITS.map((b) => b.name)).size).toBe(MCHIP_CVR_BITS.length);
    expect(MCHIP_CVR_BITS.filter((b) => b.byte === 1).map((b) => b.mask)).toEqual([0x08, 0x04, 0x02, 0x01]);
    expect(MCHIP_CVR_BITS.map((b): number => b.byte)).not.toContain(3);
    expect(MCHIP_CVR_BITS).toHaveLength(4 + 8 + 8 + 8 + 8);
  });

  it('decode(encode(fields)) gives the fields back', () => {
    fc.assert(
      fc.property(mchipCvr, (cvr) => {
        expect(decodeMchipCvr(encodeMchipCvr(cvr))).toEqual(cvr);
      }),
    );
  });

  it('encode(decode(bytes)) gives any 6 bytes back', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), (bytes) => {
        expect(toHex(encodeMchipCvr(decodeMchipCvr(bytes)))).toBe(toHex(bytes));
      }),
    );
  });

  it('known bytes: A0 00 03 22 00 00 is ARQC, second AC not requested, PIN try counter 3, domestic, no offline PIN', () => {
    expect(decodeMchipCvr(fromHex('A00003220000'))).toEqual({
      firstAc: 'ARQC',
      secondAc: 'not requested',
      scriptCounter: 0,
      pinTryCounter: 3,
      flags: ['offlinePinNotPerformed', 'domestic'],
    });
    expect(toHex(encodeMchipCvr({ firstAc: 'TC', secondAc: 'TC', scriptCounter: 1, pinTryCounter: 2, flags: ['offlinePinPerformed', 'offlinePinSuccessful', 'cdaSecond', 'scriptReceived'] }))).toBe(
      '552012000200',
    );
  });

  it('counters are written as their low-order nibble (17 -> 1)', () => {
    expect(toHex(encodeMchipCvr({ firstAc: 'AAC', secondAc: 'AAC', scriptCounter: 17, pinTryCounter: 18, flags: [] }))).toBe('000012000000');
  });
});

describe('Visa CVR table', () => {
  it('names bytes 2-4 without overlap and leaves the AC types and script counter alone', () => {
    const positions = new Set(VISA_CVR_BITS.map((b) => `${b.byte}:${b.mask}`));
    expect(positions.size).toBe(VISA_CVR_BITS.length);
    expect(VISA_CVR_BITS.filter((b) => b.byte === 2).every((b) => b.mask <= 0x08)).toBe(true);
    expect(VISA_CVR_BITS.filter((b) => b.byte === 4).every((b) => b.mask <= 0x08)).toBe(true);
    expect(VISA_CVR_BITS.find((b) => b.name === 'ptlExceeded')).toMatchObject({ byte: 3, mask: 0x40 });
  });
});

describe("the emulated cards' CVR, read back by the 9F10 explainer (one table each way)", () => {
  async function firstAcIad(profile: string, aid: string): Promise<string[]> {
    const card = createCard({ profile, seed: 'cvr-roundtrip' });
    const session = await startSession(card, aid);
    const ac = await generateAc(card, session.tags.get('8C')!, P1.ARQC, terminalSource());
    expect(ac.sw).toBe(0x9000);
    return explainIssuerApplicationData(ac.iad)!;
  }

  it('VIS (visa-cvn18), a new card: ARQC, second AC not requested, "new card" from byte 3', async () => {
    const lines = await firstAcIad('visa-cvn18', 'A0000000031010');
    expect(lines[0]).toMatch(/^Visa IAD format 1 \(VSDC\)/);
    expect(lines[1]).toMatch(/: first GENERATE AC: ARQC; second GENERATE AC: not requested$/);
    expect(lines).toContain('  new card');
    expect(lines.some((l) => /RFU/.test(l))).toBe(false);
  });

  it('M/Chip (mastercard-cda): ARQC, no offline PIN, PIN try counter 3', async () => {
    const lines = await firstAcIad('mastercard-cda', 'A0000000041010');
    expect(lines[0]).toMatch(/^Mastercard M\/Chip IAD \(18 bytes\)/);
    expect(lines[1]).toMatch(/: first GENERATE AC: ARQC; second GENERATE AC: not requested$/);
    expect(lines).toContain('  offline PIN verification not performed');
    expect(lines).toContain('  script counter 0, PIN try counter 3');
  });
});
