import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ascii, concat, fromHex, toHex } from '../../src/apdu/bytes.js';
import { decodeMessage, encodeMessage, Iso8583Error, type Iso8583Message } from '../../src/issuer/iso8583/codec.js';
import { frame, FrameReader } from '../../src/issuer/iso8583/framing.js';
import { messageToRequest, messageToResponse, requestToMessage, responseToMessage } from '../../src/issuer/iso8583/mapping.js';
import { Iso8583Server } from '../../src/issuer/server.js';
import { authRequest, testHost } from './fixtures.js';

function decodeError(bytes: Uint8Array): Iso8583Error {
  try {
    decodeMessage(bytes);
  } catch (e) {
    if (e instanceof Iso8583Error) return e;
    throw e;
  }
  throw new Error('decoded');
}

describe('ISO 8583:1987 codec (ASCII numerics, binary bitmap)', () => {
  it('encodes a hand-checked 0800 byte for byte', () => {
    const message: Iso8583Message = { mti: '0800', fields: new Map([[7, '0615120000'], [11, '000001']]) };
    // Bitmap: fields 7 and 11 -> byte 1 = 0x02 (bit 7), byte 2 = 0x20 (bit 11); a secondary bitmap for 70 is absent.
    const expected = concat(ascii('0800'), fromHex('0220000000000000'), ascii('0615120000'), ascii('000001'));
    expect(toHex(encodeMessage(message))).toBe(toHex(expected));
    expect(decodeMessage(expected)).toEqual(message);
  });

  it('sets bit 1 and a secondary bitmap for fields above 64 (field 70, 90)', () => {
    const bytes = encodeMessage({ mti: '0800', fields: new Map([[11, '000002'], [70, '301']]) });
    expect(toHex(bytes.subarray(4, 20))).toBe('80200000000000000400000000000000');
    expect(decodeMessage(bytes).fields.get(70)).toBe('301');
  });

  it('LLVAR and LLLVAR prefixes count characters (n) and bytes (b)', () => {
    const bytes = encodeMessage({ mti: '0100', fields: new Map<number, string | Uint8Array>([[2, '4761739001010010'], [55, fromHex('9F360200FF')]]) });
    expect(toAscii(bytes.subarray(12, 30))).toBe('164761739001010010');
    expect(toAscii(bytes.subarray(30, 33))).toBe('005');
  });

  it.each([
    ['a letter in numeric field 4', () => concat(ascii('0100'), fromHex('1000000000000000'), ascii('00000000100A')), 4],
    ['LLVAR field 2 longer than 19', () => concat(ascii('0100'), fromHex('4000000000000000'), ascii('20'), ascii('1'.repeat(20))), 2],
    ['truncated fixed field 11', () => concat(ascii('0100'), fromHex('0020000000000000'), ascii('0001')), 11],
    ['a bit without a field definition (5)', () => concat(ascii('0100'), fromHex('0800000000000000'), ascii('1')), 5],
    ['an MTI that is not digits', () => concat(ascii('01X0'), fromHex('0000000000000000')), 0],
    ['trailing bytes after the last field', () => concat(ascii('0800'), fromHex('0020000000000000'), ascii('000001'), ascii('zz')), 1],
  ])('rejects %s naming the field', (_what, build, field) => {
    const e = decodeError(build());
    expect(e.field).toBe(field);
  });

  it('property: encode then decode is the identity; any byte string decodes or throws Iso8583Error', () => {
    const digits = (n: number) => fc.stringMatching(new RegExp(`^[0-9]{${n}}$`));
    fc.assert(
      fc.property(digits(6), digits(12), fc.stringMatching(/^[0-9]{12,19}$/), fc.uint8Array({ maxLength: 255 }), (stan, amount, pan, icc) => {
        const m: Iso8583Message = { mti: '0200', fields: new Map<number, string | Uint8Array>([[2, pan], [4, amount], [11, stan], [55, icc]]) };
        expect(decodeMessage(encodeMessage(m))).toEqual(m);
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        try {
          decodeMessage(concat(ascii('0100'), bytes));
        } catch (e) {
          expect(e).toBeInstanceOf(Iso8583Error);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('frames with a 2-byte big-endian length and reassembles split streams', () => {
    const a = frame(ascii('0800A'));
    expect(toHex(a.subarray(0, 2))).toBe('0005');
    const reader = new FrameReader();
    const stream = concat(a, frame(ascii('0810')));
    expect(reader.push(stream.subarray(0, 3))).toEqual([]);
    expect(reader.push(stream.subarray(3)).map((b) => toAscii(b))).toEqual(['0800A', '0810']);
  });
});

function toAscii(b: Uint8Array): string {
  return Buffer.from(b).toString('latin1');
}

describe('request and response mapping', () => {
  it('round-trips an AuthorisationRequest through 0100 (PAN, amounts, ICC data, PIN block, reversal data)', () => {
    const request = { ...authRequest({ atc: 7, amountMinor: 4_321, pin: '1234', mcc: '5411' }), otherAmountMinor: 500, rrn: '000000000042' };
    const message = decodeMessage(encodeMessage(requestToMessage(request)));
    expect(message.mti).toBe('0100');
    const back = messageToRequest(message, '250615');
    expect(back).toMatchObject({
      kind: 'authorisation', pan: request.pan, panSequenceNumber: '01', amountMinor: 4_321, otherAmountMinor: 500, currency: '978',
      date: '250615', time: '120000', transactionType: '00', posEntryMode: '051', terminalId: 'TERM0001', merchantId: 'MERCHANT0000001',
      merchantCategoryCode: '5411', terminalCountry: '826', stan: request.stan, rrn: '000000000042', expiry: '291231',
    });
    expect(back.pinBlock).toEqual(request.pinBlock);
    expect([...back.iccData.keys()].sort()).toEqual([...request.iccData.keys()].sort());
    const reversal = messageToRequest(requestToMessage({ ...request, kind: 'reversal', stan: '000999', originalStan: '000123' }, true), '250615');
    expect(reversal).toMatchObject({ kind: 'reversal', originalStan: '000123' });
  });

  it('a missing mandatory field or bad ICC TLV is an Iso8583Error naming it', () => {
    const message = requestToMessage(authRequest({ atc: 1 }));
    message.fields.delete(41);
    expect(() => messageToRequest(message, '250615')).toThrow(expect.objectContaining({ field: 41 }));
    const bad = requestToMessage(authRequest({ atc: 1 }));
    bad.fields.set(55, fromHex('9F2608AABB'));
    expect(() => messageToRequest(bad, '250615')).toThrow(expect.objectContaining({ field: 55 }));
  });

  it('the 0110 answer echoes the request and carries 38, 39, 44 and 55 (91 + scripts)', () => {
    const request = requestToMessage(authRequest({ atc: 1 }));
    const script = fromHex('7112' + '9F180400000001' + '8609841E000004AABBCCDD');
    const response = { responseCode: '00', authorisationCode: '000042', issuerAuthenticationData: fromHex('11223344556677883030'), issuerScripts: [script], decidedBy: 'rule-x' };
    const message = decodeMessage(encodeMessage(responseToMessage(request, response)));
    expect(message.mti).toBe('0110');
    expect(message.fields.get(11)).toBe(request.fields.get(11));
    expect(messageToResponse(message)).toEqual(response);
  });

  it('the server answers a malformed message 30 naming the field, and decides nothing', async () => {
    const { host, db } = testHost();
    const server = new Iso8583Server({ host });
    const message = requestToMessage(authRequest({ atc: 1 }));
    message.fields.set(13, '1399');
    const answer = decodeMessage(await server.answer(encodeMessage(message)));
    expect(answer.mti).toBe('0110');
    expect(answer.fields.get(39)).toBe('30');
    expect(answer.fields.get(44)).toBe('field 13');
    expect(answer.fields.get(11)).toBe(message.fields.get(11));
    const garbage = decodeMessage(await server.answer(concat(ascii('0200'), fromHex('4000000000000000'), ascii('99'))));
    expect(garbage.fields.get(39)).toBe('30');
    expect(garbage.fields.get(44)).toBe('field 2');
    expect((db.prepare('SELECT COUNT(*) AS n FROM authorisations').get() as { n: number }).n).toBe(0);
  });
});
