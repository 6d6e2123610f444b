/**
 * Decoders for 9F10 (Visa VSDC format 0/1/3 and 2/4, Mastercard M/Chip), 9F66 TTQ, 9F6C CTQ, 9F6E,
 * 9F7C, and the dictionary length warning, against the public layouts (docs/sources.md).
 */
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../src/apdu/bytes.js';
import { explainIssuerApplicationData } from '../../src/apdu/issuer-application-data.js';
import { explain9F6E, explainCtq, explainTtq } from '../../src/apdu/bitmaps-contactless.js';
import { decodeValue, formatTlvTree, tlvToJson } from '../../src/apdu/pretty.js';
import { decodeTlv } from '../../src/apdu/tlv.js';
import { recordExchange } from '../../src/apdu/trace.js';
import { formatTrace } from '../../src/apdu/trace-format.js';

const iad = (hex: string) => explainIssuerApplicationData(fromHex(hex));

describe('9F10 Issuer Application Data', () => {
  it('Visa format 0 (CVN 10 = 0A): DKI, CVN, CVR with the AC types and bits', () => {
    // CVR byte 2 = 0x24: first AC ARQC (b6-b5 = 10), offline PIN performed (b3); byte 3 = 0x10 new card.
    const lines = iad('06010A03241000')!;
    expect(lines[0]).toBe('Visa IAD format 0 (VSDC): length 06, derivation key index 01, cryptogram version number 0A hex (CVN 10)');
    expect(lines[1]).toBe('CVR 03241000: first GENERATE AC: ARQC; second GENERATE AC: AAC');
    expect(lines).toContain('  offline PIN verification performed (format 0/1/3; CDCVM performed in format 2/4)');
    expect(lines).toContain('  new card');
    expect(lines.some((l) => /RFU/.test(l))).toBe(false);
  });
  it('Visa format 1 (CVN 18 = 12) with issuer discretionary data and the script counter', () => {
    const lines = iad('0601120390A0200F' + '00'.repeat(15))!;
    expect(lines[0]).toMatch(/format 1 .*12 hex \(CVN 18\)/);
    expect(lines[1]).toMatch(/first GENERATE AC: TC; second GENERATE AC: not requested/);
    expect(lines).toContain('  last online transaction not completed');
    expect(lines).toContain('  velocity checking counters exceeded');
    expect(lines).toContain('  2 issuer script command(s) processed');
    expect(lines.at(-1)).toBe(`issuer discretionary data (15 bytes): ${'00'.repeat(15)}`);
  });
  it('Visa format 2 (32 bytes, byte 1 = 1F): CVN, DKI, CDCVM byte, CVR, IDD option', () => {
    const v = '1F' + '22' + '01' + '12' + '20' + '00' + '00' + '00' + '01' + 'AB'.repeat(23);
    const lines = iad(v)!;
    expect(lines[0]).toBe('Visa IAD format 2 (VSDC): length 1F, cryptogram version number 22 hex (CVN 34), derivation key index 01');
    expect(lines[1]).toBe('CDCVM: entity 1, type 2');
    expect(lines[2]).toMatch(/first GENERATE AC: ARQC/);
    expect(lines.at(-1)).toMatch(/^issuer discretionary data option 1: (AB){23}$/);
  });
  it('Mastercard M/Chip (18 bytes, CVN 10/14): CVR bits, script and PIN try counters', () => {
    // CVR: byte 1 0x25 = first AC ARQC, offline PIN performed + successful; byte 2 0x80 DDA; byte 3 0x13
    // = script counter 1, PIN try counter 3; byte 4 0x02 domestic; byte 5 0x08 go online on next.
    const lines = iad('0114' + '258013020800' + '1234' + '0000000000000000')!;
    expect(lines[0]).toMatch(/^Mastercard M\/Chip IAD \(18 bytes\): key derivation index 01, cryptogram version number 14 hex \(CVN 20\) \(EMV common session key\)/);
    expect(lines).toEqual(
      expect.arrayContaining([
        'CVR 258013020800: first GENERATE AC: ARQC; second GENERATE AC: AAC',
        '  offline PIN verification performed',
        '  offline PIN verification successful',
        '  DDA returned',
        '  domestic transaction',
        '  go online on next transaction was set',
        '  script counter 1, PIN try counter 3',
        'DAC / ICC dynamic number: 1234',
      ]),
    );
  });
  it('an unknown layout is not guessed', () => {
    expect(iad('0102030405')).toBeUndefined();
    expect(decodeValue('9F10', fromHex('0102030405')).summary).toMatch(/layout not recognised/);
  });
});

describe('9F66 TTQ and 9F6C CTQ', () => {
  it('TTQ 36 20 40 00: EMV mode, contact chip, online PIN, signature, contact offline PIN, CDCVM', () => {
    expect(explainTtq(fromHex('36204000'))).toEqual([
      'EMV mode supported',
      'EMV contact chip supported',
      'Online PIN supported',
      'Signature supported',
      '(Contact chip) offline PIN supported',
      'Consumer Device CVM supported',
    ]);
    expect(explainTtq(fromHex('B6C08000'))).toEqual(expect.arrayContaining(['Mag-stripe mode supported', 'Online cryptogram required', 'CVM required', 'Issuer Update Processing supported']));
  });
  it('CTQ 80 80: online PIN required, consumer device CVM performed; Mastercard reads 9F6C as a version', () => {
    expect(explainCtq(fromHex('8080'))).toEqual(['Online PIN required', 'Consumer Device CVM performed']);
    const tree = formatTlvTree(decodeTlv('4F07A0000000041010 9F6C020001'));
    expect(tree).toContain('mag-stripe application version 0001');
  });
  it('9F6C by the selected AID (records carry no 4F): CTQ for Visa and UnionPay, version for Mastercard, ambiguous without one', () => {
    const record = decodeTlv('70 05 9F6C 02 8080');
    expect(formatTlvTree(record, '  ', { aid: 'A0000000031010' })).toMatch(/: 8080\n\s+Online PIN required\n\s+Consumer Device CVM performed$/);
    expect(formatTlvTree(record, '  ', { aid: 'A000000333010101' })).toContain('Online PIN required');
    expect(formatTlvTree(record, '  ', { aid: 'A0000000041010' })).toMatch(/: 8080 {2}-> mag-stripe application version 8080 \(Mastercard Mag-stripe Application Version Number \(Card\)\)$/);
    const ambiguous = decodeValue('9F6C', fromHex('8080'));
    expect(ambiguous.summary).toMatch(/^ambiguous without the AID/);
    expect(ambiguous.details).toEqual(['if CTQ: Online PIN required', 'if CTQ: Consumer Device CVM performed']);
    // The selected AID wins over a 4F of another scheme elsewhere in the data (e.g. a PPSE entry).
    expect(tlvToJson(decodeTlv('4F07A0000000041010 9F6C028080'), { aid: 'A0000000031010' })[1]!.details).toEqual(['Online PIN required', 'Consumer Device CVM performed']);
  });
  it('a trace reads a record by the application SELECTed before it', () => {
    const at = new Date(0);
    const records = [
      recordExchange(1, at, 0, fromHex('00A4040007A000000004101000'), fromHex('6F098407A00000000410109000')),
      recordExchange(2, at, 0, fromHex('00B2010C00'), fromHex('70059F6C0200019000')),
      recordExchange(3, at, 0, fromHex('00A4040007A000000003101000'), fromHex('6F098407A00000000310109000')),
      recordExchange(4, at, 0, fromHex('00B2010C00'), fromHex('70059F6C0280809000')),
    ];
    const text = formatTrace(records);
    expect(text).toContain('(2): 0001  -> mag-stripe application version 0001');
    expect(text).toMatch(/\(2\): 8080\n\s+Online PIN required/);
    expect(text).not.toContain('ambiguous');
  });
  it('9F66: the TTQ (4 bytes), or a Mastercard record\'s PUNATC(Track2) (2 bytes, Book C-2)', () => {
    expect(decodeValue('9F66', fromHex('27000000'), { aid: 'A0000000041010' }).details).toContain('EMV mode supported');
    expect(decodeValue('9F66', fromHex('00FE'), { aid: 'A0000000041010' }).summary).toMatch(/^PUNATC\(Track2\) 00FE/);
    expect(decodeValue('9F66', fromHex('00FE')).summary).toMatch(/^PUNATC\(Track2\)/);
    expect(decodeValue('9F66', fromHex('00FE'), { aid: 'A0000000031010' }).summary).toBe('a TTQ has 4 bytes; not decoded');
  });
});

describe('9F6E and 9F7C', () => {
  it('Visa form factor indicator and Mastercard third party data by AID; nothing guessed without one', () => {
    expect(explain9F6E(fromHex('23000000'), 'visa')).toEqual(['Visa form factor indicator, version 1: consumer mobile phone', 'features 000000']);
    expect(explain9F6E(fromHex('0826 0001 3031 AABB'), 'mastercard')).toEqual(['Mastercard third party data: country 826, unique identifier 0001', 'device type 01', 'proprietary data AABB']);
    expect(explain9F6E(fromHex('23000000'), undefined)).toBeUndefined();
    expect(formatTlvTree(decodeTlv('84 07 A0000000031010 9F7C 02 0102'))).toContain('Visa customer exclusive data (issuer proprietary, not decoded)');
  });
});

describe('length warning', () => {
  it('flags a value outside the dictionary length (9F02 is n12 in 6 bytes)', () => {
    expect(formatTlvTree(decodeTlv('9F020100'))).toContain('warning: length 1 is outside the 6 byte(s) the dictionary gives for 9F02');
    expect(formatTlvTree(decodeTlv('9F0206000000001234'))).not.toContain('warning');
  });
});
