/**
 * Bitmap explainers and named-bit tables against the EMV tables (expected
 * wording typed from Book 3 Annex C and Book 4 Annex A by hand), and the
 * CVM List / CVM Results / CID decoders.
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/apdu/bytes.js';
import {
  AIP,
  TERMINAL_CAPABILITIES,
  TSI,
  TSI_BITS,
  TVR,
  TVR_BITS,
  bitmapOf,
  clearBit,
  explainAdditionalTerminalCapabilities,
  explainAip,
  explainAuc,
  explainCid,
  explainCvmList,
  explainCvmResults,
  explainTerminalCapabilities,
  explainTerminalType,
  explainTsi,
  explainTvr,
  isBitSet,
  parseCvmList,
  setBit,
} from '../../src/apdu/bitmaps.js';
import { TlvError } from '../../src/apdu/errors.js';

describe('TVR (Book 3 Annex C5)', () => {
  it('0000008000 is byte 4 b8: transaction exceeds floor limit', () => {
    expect(explainTvr(fromHex('0000008000'))).toEqual(['Transaction exceeds floor limit']);
  });

  it('0000800000 is byte 3 b8: cardholder verification was not successful', () => {
    expect(explainTvr(fromHex('0000800000'))).toEqual(['Cardholder verification was not successful']);
  });

  it('explains several bytes in order', () => {
    const lines = explainTvr(fromHex('8040200840'));
    expect(lines).toEqual([
      'Offline data authentication was not performed',
      'Expired application',
      'PIN Try Limit exceeded',
      'Merchant forced transaction online',
      'Issuer authentication failed',
    ]);
  });

  it('reports bits the table leaves RFU', () => {
    expect(explainTvr(fromHex('0004000000'))).toEqual(['byte 2 b3: RFU bit set']);
  });

  it('sets and tests bits by name (as the kernel does)', () => {
    const tvr = new Uint8Array(5);
    setBit(tvr, TVR.pinTryLimitExceeded);
    setBit(tvr, TVR.floorLimitExceeded);
    expect(toHex(tvr)).toBe('0000208000');
    expect(isBitSet(tvr, TVR.pinTryLimitExceeded)).toBe(true);
    clearBit(tvr, TVR.pinTryLimitExceeded);
    expect(toHex(tvr)).toBe('0000008000');
    expect(toHex(bitmapOf(5, [TVR.iccDataMissing, TVR.defaultTdolUsed]))).toBe('2000000080');
  });

  it('has unique camelCase names and one definition per bit', () => {
    for (const table of [TVR_BITS, TSI_BITS]) {
      const names = table.map((b) => b.name);
      expect(new Set(names).size).toBe(names.length);
      for (const n of names) expect(n).toMatch(/^[a-z][A-Za-z0-9]*$/);
      const positions = table.map((b) => `${b.byte}:${b.mask}`);
      expect(new Set(positions).size).toBe(positions.length);
    }
  });
});

describe('TSI, AIP, AUC (Book 3 Annex C6, C1, C2)', () => {
  it('TSI E800', () => {
    expect(explainTsi(fromHex('E800'))).toEqual([
      'Offline data authentication was performed',
      'Cardholder verification was performed',
      'Card risk management was performed',
      'Terminal risk management was performed',
    ]);
    const tsi = new Uint8Array(2);
    setBit(tsi, TSI.scriptProcessingPerformed);
    expect(toHex(tsi)).toBe('0400');
  });

  it('AIP 5C00: SDA, cardholder verification, terminal risk management, issuer authentication', () => {
    expect(explainAip(fromHex('5C00'))).toEqual([
      'SDA supported',
      'Cardholder verification is supported',
      'Terminal risk management is to be performed',
      'Issuer authentication is supported',
    ]);
    expect(isBitSet(fromHex('3900'), AIP.cdaSupported)).toBe(true);
  });

  it('AUC FF80', () => {
    const lines = explainAuc(fromHex('FF80'));
    expect(lines).toHaveLength(9);
    expect(lines[0]).toBe('Valid for domestic cash transactions');
    expect(lines[7]).toBe('Valid at terminals other than ATMs');
    expect(lines[8]).toBe('Domestic cashback allowed');
  });
});

describe('terminal capabilities and type (Book 4 Annex A)', () => {
  it('9F33 E0F0C8', () => {
    expect(explainTerminalCapabilities(fromHex('E0F0C8'))).toEqual([
      'Card data input: manual key entry',
      'Card data input: magnetic stripe',
      'Card data input: IC with contacts',
      'CVM: plaintext PIN for ICC verification',
      'CVM: enciphered PIN for online verification',
      'CVM: signature (paper)',
      'CVM: enciphered PIN for offline verification',
      'Security: SDA',
      'Security: DDA',
      'Security: CDA',
    ]);
    expect(isBitSet(fromHex('E0F0C8'), TERMINAL_CAPABILITIES.noCvmRequired)).toBe(false);
  });

  it('9F40 F000F0A001', () => {
    const lines = explainAdditionalTerminalCapabilities(fromHex('F000F0A001'));
    expect(lines).toContain('Transaction type: cashback');
    expect(lines).toContain('Data input: function keys');
    expect(lines).toContain('Data output: print, attendant');
    expect(lines).toContain('Data output: display, attendant');
    expect(lines).toContain('Data output: code table 1');
    expect(lines).toHaveLength(11);
  });

  it('9F35 terminal types', () => {
    expect(explainTerminalType(fromHex('22'))).toBe('attended, offline with online capability, operated by merchant');
    expect(explainTerminalType(fromHex('14'))).toBe('unattended, online only, operated by financial institution');
    expect(explainTerminalType(fromHex('34'))).toBe('unattended, online only, operated by cardholder');
    expect(explainTerminalType(fromHex('31'))).toMatch(/undefined/);
  });
});

describe('CVM List, CVM Results, CID', () => {
  it('parses amounts and rules of a CVM List (Book 3 §10.5, Annex C3)', () => {
    // X = 0x000001F4 (500), Y = 0; 42 03 enciphered PIN online if supported (next on failure);
    // 1E 03 signature if supported; 1F 00 no CVM always.
    const list = parseCvmList(fromHex('000001F400000000 4203 1E03 1F00'));
    expect(list.amountX).toBe(500);
    expect(list.amountY).toBe(0);
    expect(list.rules.map((r) => [r.methodCode, r.conditionCode, r.applySucceedingIfUnsuccessful])).toEqual([
      [0x02, 0x03, true],
      [0x1e, 0x03, false],
      [0x1f, 0x00, false],
    ]);
    const lines = explainCvmList(fromHex('000001F400000000 4203 1E03 1F00'));
    expect(lines[1]).toBe('rule 1: Enciphered PIN verified online; If terminal supports the CVM; apply succeeding rule if unsuccessful');
    expect(lines[3]).toMatch(/^rule 3: No CVM required; Always;/);
  });

  it('rejects CVM Lists that are too short or end inside a rule', () => {
    expect(() => parseCvmList(fromHex('00000000000000'))).toThrow(TlvError);
    expect(() => parseCvmList(fromHex('0000000000000000 42'))).toThrow(TlvError);
  });

  it('CVM Results 1F0302 and 3F0000', () => {
    expect(explainCvmResults(fromHex('1F0302'))).toEqual([
      'CVM performed: No CVM required',
      'CVM condition: If terminal supports the CVM',
      'CVM result: Successful',
    ]);
    expect(explainCvmResults(fromHex('3F0000'))[0]).toBe('CVM performed: No CVM performed');
  });

  it('CID 80 is an ARQC; 0A is an AAC with advice for PIN Try Limit exceeded', () => {
    expect(explainCid(fromHex('80'))[0]).toMatch(/ARQC/);
    expect(explainCid(fromHex('40'))[0]).toMatch(/TC/);
    const aac = explainCid(fromHex('0A'));
    expect(aac[0]).toMatch(/AAC/);
    expect(aac).toContain('advice required');
    expect(aac).toContain('reason/advice code: PIN Try Limit exceeded');
  });
});
