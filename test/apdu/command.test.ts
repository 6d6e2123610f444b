/**
 * Command and response APDUs against ISO/IEC 7816-4 §5.1 (the seven cases)
 * with byte strings written from the standard's layouts, not from the codec.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromHex, toHex } from '../../src/apdu/bytes.js';
import {
  type CommandApdu,
  apduCase,
  decodeCommand,
  decodeResponse,
  encodeCommand,
  encodeResponse,
  isSuccess,
  swHex,
} from '../../src/apdu/command.js';
import { ApduError, EmvsimError } from '../../src/apdu/errors.js';

const SELECT_PSE = '00A404000E315041592E5359532E444446303100';

describe('the seven cases of ISO/IEC 7816-4 §5.1', () => {
  const table: Array<[string, string, Partial<ReturnType<typeof decodeCommand>>, string]> = [
    ['1', '00700000', { le: undefined, data: new Uint8Array(0) }, 'MANAGE CHANNEL without body'],
    ['2S', '0084000008', { le: 8 }, 'GET CHALLENGE, Le 8'],
    ['2S', '00B2010C00', { le: 256 }, 'Le 00 means 256'],
    ['3S', '0020008008241234FFFFFFFFFF', { le: undefined, data: fromHex('241234FFFFFFFFFF') }, 'VERIFY'],
    ['4S', SELECT_PSE, { le: 256, data: fromHex('315041592E5359532E4444463031') }, 'SELECT PSE'],
    ['4S', '80A8000002830000', { le: 256, data: fromHex('8300') }, 'GPO with empty PDOL'],
    ['2E', '00B0000000FFFF', { le: 65535 }, 'extended Le FFFF'],
    ['2E', '00B00000000000', { le: 65536 }, 'extended Le 0000 means 65536'],
    ['3E', '00D600000000020102', { le: undefined, data: fromHex('0102') }, 'extended Lc 0002'],
    ['4E', '00D6000000000201020100', { le: 256, data: fromHex('0102') }, 'extended Lc + Le 0100'],
    ['4E', '00D6000000000201020000', { le: 65536, data: fromHex('0102') }, 'extended Le 0000 means 65536'],
  ];
  for (const [expectedCase, hex, fields, label] of table) {
    it(`case ${expectedCase}: ${label}`, () => {
      const d = decodeCommand(hex);
      expect(d.case).toBe(expectedCase);
      expect(d.extended).toBe(expectedCase.endsWith('E'));
      if ('le' in fields) expect(d.le).toBe(fields.le);
      if (fields.data) expect(toHex(d.data)).toBe(toHex(fields.data));
      // Encoding the decoded fields gives back the same bytes (shortest form, extended kept).
      expect(toHex(encodeCommand(d))).toBe(hex.toUpperCase());
    });
  }

  it('decodes CLA INS P1 P2 of SELECT PSE', () => {
    const d = decodeCommand(SELECT_PSE);
    expect([d.cla, d.ins, d.p1, d.p2]).toEqual([0x00, 0xa4, 0x04, 0x00]);
    expect(new TextDecoder().decode(d.data)).toBe('1PAY.SYS.DDF01');
  });

  it('encodes each case from fields, shortest form unless extended is asked', () => {
    const base = { cla: 0x00, ins: 0xb0, p1: 0, p2: 0 };
    expect(toHex(encodeCommand({ ...base, data: new Uint8Array(0) }))).toBe('00B00000');
    expect(toHex(encodeCommand({ ...base, data: new Uint8Array(0), le: 256 }))).toBe('00B0000000');
    expect(toHex(encodeCommand({ ...base, data: new Uint8Array(0), le: 257 }))).toBe('00B00000000101');
    expect(toHex(encodeCommand({ ...base, data: new Uint8Array(0), le: 65536 }))).toBe('00B00000000000');
    expect(toHex(encodeCommand({ ...base, data: new Uint8Array(0), le: 5, extended: true }))).toBe('00B00000000005');
    const big = new Uint8Array(256).fill(0xaa);
    const e = encodeCommand({ ...base, data: big });
    expect(toHex(e.subarray(0, 7))).toBe('00B00000000100');
    expect(e.length).toBe(7 + 256);
    expect(apduCase({ ...base, data: big, le: 1 })).toBe('4E');
    expect(apduCase({ ...base, data: new Uint8Array(3), le: 256 })).toBe('4S');
  });
});

describe('validation with typed errors naming the byte offset', () => {
  const rejects = (hex: string, offset: number, pattern: RegExp, options?: { allowExtended?: boolean }) => {
    let caught: unknown;
    try {
      decodeCommand(hex, options);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ApduError);
    expect((caught as ApduError).offset).toBe(offset);
    expect((caught as Error).message).toMatch(pattern);
  };
  it('fewer than 4 header bytes', () => rejects('00A404', 3, /at least 4 header bytes/));
  it('short Lc larger than the data', () => rejects('00A4040005AABB', 4, /Lc 5 does not match/));
  it('short Lc smaller than the data (two bytes too many)', () => rejects('00A4040001AABBCC', 4, /Lc 1/));
  it('extended length field truncated', () => rejects('00B000000001', 4, /truncated extended length/));
  it('extended Lc 0000 is not a length', () => rejects('00D60000000000AA', 5, /0000 is not allowed/));
  it('extended Lc mismatch', () => rejects('00D600000000050102', 5, /extended Lc 5/));
  it('extended where only short APDUs are allowed', () =>
    rejects('00B0000000FFFF', 4, /extended length where only short/, { allowExtended: false }));
  it('CLA FF is PPS, not a command', () => rejects('FFA40400', 0, /CLA FF/));
  it('bad hex is a typed error', () => expect(() => decodeCommand('00A4ZZ00')).toThrow(EmvsimError));
  it('encode refuses Le 0, Le above 65536, a P1 above FF and more than 65535 data bytes', () => {
    const base: CommandApdu = { cla: 0, ins: 0xb0, p1: 0, p2: 0, data: new Uint8Array(0) };
    expect(() => encodeCommand({ ...base, le: 0 })).toThrow(ApduError);
    expect(() => encodeCommand({ ...base, le: 65537 })).toThrow(ApduError);
    expect(() => encodeCommand({ ...base, p1: 256 })).toThrow(/P1 must be a byte/);
    expect(() => encodeCommand({ ...base, data: new Uint8Array(65536) })).toThrow(/exceeds 65535/);
  });
});

describe('response APDUs (ISO/IEC 7816-4 §5.2)', () => {
  it('splits data and SW1 SW2', () => {
    const r = decodeResponse('6F088407A00000000310109000');
    expect(toHex(r.data)).toBe('6F088407A0000000031010');
    expect([r.sw1, r.sw2, r.sw]).toEqual([0x90, 0x00, 0x9000]);
    expect(swHex(r.sw)).toBe('9000');
    expect(toHex(encodeResponse(r.data, r.sw))).toBe('6F088407A00000000310109000');
  });
  it('needs at least SW1 SW2', () => expect(() => decodeResponse('90')).toThrow(ApduError));
  it('success is 9000 and 61xx only', () => {
    expect(isSuccess(0x9000)).toBe(true);
    expect(isSuccess(0x6110)).toBe(true);
    expect(isSuccess(0x6283)).toBe(false);
    expect(isSuccess(0x6a82)).toBe(false);
    expect(swHex(0x61)).toBe('0061');
  });
});

describe('round trip (fast-check)', () => {
  const command = fc.record({
    cla: fc.integer({ min: 0, max: 0xfe }),
    ins: fc.integer({ min: 0, max: 255 }),
    p1: fc.integer({ min: 0, max: 255 }),
    p2: fc.integer({ min: 0, max: 255 }),
    data: fc.uint8Array({ minLength: 0, maxLength: 300 }),
    le: fc.option(fc.integer({ min: 1, max: 65536 }), { nil: undefined }),
    extended: fc.boolean(),
  });
  it('decode(encode(c)) gives c back, for every case', () => {
    fc.assert(
      fc.property(command, (c) => {
        const d = decodeCommand(encodeCommand(c));
        expect([d.cla, d.ins, d.p1, d.p2]).toEqual([c.cla, c.ins, c.p1, c.p2]);
        expect(toHex(d.data)).toBe(toHex(c.data));
        expect(d.le).toBe(c.le);
        expect(d.case).toBe(apduCase(c));
      }),
      { numRuns: 500 },
    );
  });
  it('encode(decode(bytes)) gives the bytes back for every APDU that decodes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 12 }), (bytes) => {
        let d;
        try {
          d = decodeCommand(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(ApduError);
          return;
        }
        expect(toHex(encodeCommand(d))).toBe(toHex(bytes));
      }),
      { numRuns: 2000 },
    );
  });
});
