/**
 * Decoding purse records as real cards answer them. Expected values come from
 * the public examples in docs/sources.md §1 (devnied GeldKarteParser
 * test, gnupg app-geldkarte.c) and the record layouts of libchipcard.
 */
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../src/apdu/bytes.js';
import { ParseError } from '../../src/apdu/errors.js';
import {
  decodeDebitLog,
  decodeEfBetrag,
  decodeEfId,
  decodeLoadLog,
  formatAmount,
  logStatusText,
  parseAmount,
} from '../../src/terminal/geldkarte/records.js';

describe('EF_BETRAG (SFI 18)', () => {
  it('decodes the real example 000683 020000 020000 000000: 6.83 EUR balance, 200.00 maximum', () => {
    const b = decodeEfBetrag(fromHex('000683 020000 020000 000000'));
    expect(b).toEqual({ balance: 683, maxBalance: 20000, maxTransaction: 20000, maxWithoutMac: 0 });
    expect(formatAmount(b.balance)).toBe('6.83 EUR');
    expect(formatAmount(b.maxBalance)).toBe('200.00 EUR');
  });

  it('reads the 9-byte EF_BETRAG of old cards (no maximum without MAC)', () => {
    expect(decodeEfBetrag(fromHex('000683 020000 020000')).maxWithoutMac).toBeUndefined();
  });

  it('names the byte offset of a non-BCD amount', () => {
    expect(() => decodeEfBetrag(fromHex('0006A3 020000 020000'))).toThrow(ParseError);
    expect(() => decodeEfBetrag(fromHex('0006A3 020000 020000'))).toThrow(/offset 0/);
  });
});

describe('EF_ID (SFI 17)', () => {
  it('decodes the anonymised real trace 67 259044 1500001111 3D 1712 130117 0280 455552 01 51 00 06', () => {
    const id = decodeEfId(fromHex('67 259044 1500001111 3D 1712 130117 0280 455552 01 51 00 06'));
    expect(id).toEqual({
      branchKey: 0x67,
      bankCode: '259044',
      cardNumber: '1500001111',
      checkDigit: 3,
      expiry: '2017-12',
      activation: '2013-01-17',
      country: '0280',
      currency: 'EUR',
      amountExponent: -2,
      chipType: 0x51,
      osVersion: 0x06,
    });
  });

  it('refuses an unknown currency factor, naming byte 20', () => {
    expect(() => decodeEfId(fromHex('67 259044 1500001111 3D 1712 130117 0280 455552 03 51 00 06'))).toThrow(/offset 20/);
  });
});

describe('log records', () => {
  it('EF_LLOG (33 bytes): status lseq retries value balance centre terminal trace date time bseq', () => {
    const hex = '10 0001 00 002000 002683 000001 454D5653494D3031 000007 20241130 142501 0003';
    const r = decodeLoadLog(fromHex(hex));
    expect(fromHex(hex).length).toBe(33);
    expect(r).toMatchObject({ status: 0x10, lseq: 1, retries: 0, amount: 2000, balance: 2683, centreId: '000001', terminalId: '454D5653494D3031', traceId: '000007', date: '2024-11-30', time: '14:25:01', bseq: 3 });
    expect(r.statusText).toBe('load (Laden)');
  });

  it('EF_BLOG (37 bytes): status bseq lseq value merchant hseq sseq balance date time KID', () => {
    const hex = '50 0004 0002 000250 6725050190000000423D 0000000B 00000002 000433 20241130 142733 01';
    expect(fromHex(hex).length).toBe(37);
    expect(decodeDebitLog(fromHex(hex))).toEqual({
      status: 0x50,
      statusText: 'debit (Abbuchen)',
      bseq: 4,
      lseq: 2,
      amount: 250,
      merchantId: '6725050190000000423D',
      hseq: 11,
      sseq: 2,
      balance: 433,
      date: '2024-11-30',
      time: '14:27:33',
      keyId: 1,
    });
  });

  it('status byte bits 8-6 name the command (000 load, 001 unload, 010 debit, 011 refund)', () => {
    expect(logStatusText(0x10)).toMatch(/^load/);
    expect(logStatusText(0x30)).toMatch(/^unload/);
    expect(logStatusText(0x51)).toMatch(/^debit/);
    expect(logStatusText(0x71)).toMatch(/^refund/);
  });

  it('decodes the command as (b & 0x60) >> 5 (devnied getType): 50/51 Abbuchen, 70/71 Rueckbuchen, also with bit 8 set', () => {
    // facts §1: "status: 50/51 Abbuchen, 70/71 Rueckbuchen"; bits 7-5 = command 010 / 011.
    expect(logStatusText(0x50)).toBe('debit (Abbuchen)');
    expect(logStatusText(0x51)).toBe('debit (Abbuchen)');
    expect(logStatusText(0x70)).toBe('refund (Rueckbuchen)');
    expect(logStatusText(0x71)).toBe('refund (Rueckbuchen)');
    // Bit 8 (0x80) is outside the two bits that tell the four commands apart: 0xD1 is still Abbuchen.
    expect(logStatusText(0xd1)).toBe('debit (Abbuchen)');
    expect(logStatusText(0xf0)).toBe('refund (Rueckbuchen)');
    expect(logStatusText(0x90)).toBe('load (Laden)');
  });
});

describe('amounts', () => {
  it('parses EUR amounts into cents and refuses the rest', () => {
    expect(parseAmount('2.50')).toBe(250);
    expect(parseAmount('20')).toBe(2000);
    expect(parseAmount('0,5')).toBe(50);
    expect(() => parseAmount('2.505')).toThrow(RangeError);
    expect(() => parseAmount('-1')).toThrow(RangeError);
  });
});
