import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../src/apdu/bytes.js';
import { ParseError } from '../../src/apdu/errors.js';
import { classifyHidDevice, ReplayHidDevice } from '../../src/reader/hid/hid-device.js';
import { isChipCard, isExpired, luhnValid, parseTrack1, parseTrack2, readSwipe, serviceRestriction, TrackError } from '../../src/reader/hid/iso7813.js';
import { HidPinPad, KeypadDecoder } from '../../src/reader/hid/keypad.js';
import { HidMagstripeReader, parseMagtekReport } from '../../src/reader/hid/magstripe.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
const vectors = JSON.parse(readFileSync(path.resolve(repoRoot, 'test', 'vectors', 'emv-known-answers.json'), 'utf8'));
const swipes = JSON.parse(readFileSync(path.join(here, 'fixtures', 'magtek-swipes.json'), 'utf8')).swipes as Array<{ id: string; report: string }>;
const keypad = JSON.parse(readFileSync(path.join(here, 'fixtures', 'keypad-reports.json'), 'utf8')).sequences as Record<string, string[]>;
const swipe = (id: string) => fromHex(swipes.find((s) => s.id === id)!.report);

describe('Luhn (ISO/IEC 7812-1 Annex B) against the shared known answers', () => {
  for (const v of vectors.luhn.vectors as Array<{ id: string; inputs: Record<string, string>; expected?: Record<string, unknown>; recomputed?: Record<string, unknown> }>) {
    it(v.id, () => {
      if (v.inputs.pan) expect(luhnValid(v.inputs.pan)).toBe(v.recomputed?.luhn_valid ?? v.expected?.luhn_valid);
      if (v.inputs.partial && v.expected?.check_digit !== undefined) {
        expect(luhnValid(v.inputs.partial + String(v.expected.check_digit))).toBe(true);
        // The vector's own statements about the partial number, each asserted only where stated.
        const partialValid = v.expected[`valid_${v.inputs.partial}`];
        if (partialValid !== undefined) expect(luhnValid(v.inputs.partial)).toBe(partialValid);
        if (v.expected[`invalid_${v.inputs.partial}0_to_19_except_${String(v.expected.check_digit)}`] === true) {
          for (let d = 0; d <= 9; d++) expect(luhnValid(v.inputs.partial + String(d))).toBe(String(d) === String(v.expected.check_digit));
        }
        expect(partialValid !== undefined || `invalid_${v.inputs.partial}0_to_19_except_${String(v.expected.check_digit)}` in v.expected).toBe(true);
      }
    });
  }
  it('every other check digit fails (79927398710..19 except 3)', () => {
    for (let d = 0; d <= 9; d++) expect(luhnValid(`799273987${1}${d}`)).toBe(d === 3);
  });
});

describe('ISO/IEC 7813 tracks', () => {
  it('parses track 2 and track 1 format B', () => {
    expect(parseTrack2(';4761739001010119=22122011143804400000?')).toEqual({ pan: '4761739001010119', expiry: '2212', serviceCode: '201', discretionary: '1143804400000' });
    const t1 = parseTrack1('%B4111111111111111^DOE/JOHN^3012101000000000000?');
    expect(t1).toMatchObject({ pan: '4111111111111111', name: 'DOE/JOHN', expiry: '3012', serviceCode: '101' });
  });
  it('service code 2xx and 6xx are chip cards, 1xx and 5xx are not', () => {
    expect(['201', '221', '601', '620'].map(isChipCard)).toEqual([true, true, true, true]);
    expect(['101', '120', '501', '702'].map(isChipCard)).toEqual([false, false, false, false]);
    expect(serviceRestriction('201')).toBe('no restrictions');
    expect(serviceRestriction('220')).toBe('no restrictions, PIN required');
  });
  it('names the character offset of an error', () => {
    const bad = (f: () => unknown) => { try { f(); } catch (e) { return e as TrackError; } throw new Error('no error'); };
    expect(bad(() => parseTrack2('4111111111111111=3012101?')).offset).toBe(0); // missing start sentinel
    expect(bad(() => parseTrack2(';4111111111111111=3013101?')).message).toMatch(/month 13 .* at byte offset 20/);
    expect(bad(() => parseTrack2(';41111=3012101?')).message).toMatch(/PAN '41111' is not 12..19 digits/);
    expect(bad(() => parseTrack1('%A4111111111111111^DOE/JOHN^3012101?')).offset).toBe(1);
  });
  it('expiry is end of month', () => {
    expect(isExpired('2212', new Date(Date.UTC(2022, 11, 31)))).toBe(false);
    expect(isExpired('2212', new Date(Date.UTC(2023, 0, 1)))).toBe(true);
  });
});

describe('MagTek HID swipe reports', () => {
  it('a chip card (service code 201) swipe: tracks agree, flagged as chip card', () => {
    const r = parseMagtekReport(swipe('visa-chip-201'));
    expect(r.decodeStatus).toEqual([0, 0, 0]);
    const card = readSwipe(r.tracks[0], r.tracks[1]);
    expect(card).toMatchObject({ pan: '4761739001010119', expiry: '2212', serviceCode: '201', chipCard: true, luhnValid: true, problems: [], name: 'UAT USA/TEST CARD 04' });
  });
  it('a magstripe-only card is not a chip card', () => {
    const r = parseMagtekReport(swipe('visa-stripe-101'));
    expect(readSwipe(r.tracks[0], r.tracks[1])).toMatchObject({ chipCard: false, luhnValid: true, serviceCode: '101' });
  });
  it('a track with a decode error is ignored; a Luhn failure is reported', () => {
    const r = parseMagtekReport(swipe('luhn-fail'));
    expect(r.tracks[0]).toBeUndefined();
    const card = readSwipe(r.tracks[0], r.tracks[1]);
    expect(card.luhnValid).toBe(false);
    expect(card.problems.join()).toMatch(/Luhn/);
  });
  it('a bad report length is a ParseError with its offset', () => {
    expect(() => parseMagtekReport(new Uint8Array(64))).toThrow(ParseError);
  });
  it('HidMagstripeReader reads swipes from a replayed device', async () => {
    const device = new ReplayHidDevice([swipe('girocard-chip-601'), swipe('bad-month')]);
    const reader = new HidMagstripeReader(device);
    const first = reader.readSwipe(1000);
    device.start(5);
    await expect(first).resolves.toMatchObject({ pan: '5411118888888882', chipCard: true });
    await expect(reader.readSwipe(1000)).rejects.toThrow(/month 13/);
    await reader.close();
  });
});

describe('HID keypad PIN entry', () => {
  const replay = async (name: string, opts = {}) => {
    const device = new ReplayHidDevice(keypad[name]!.map(fromHex));
    const pad = new HidPinPad(device);
    const result = pad.readPin({ timeoutMs: 500, ...opts });
    device.start();
    return result;
  };
  it('keypad digits then Enter', async () => expect(await replay('pin1234')).toEqual({ kind: 'entered', pin: '1234' }));
  it('Clear erases the digits; overlapping presses count once each', async () => expect(await replay('clear-then-1234')).toEqual({ kind: 'entered', pin: '1234' }));
  it('Cancel', async () => expect(await replay('cancel')).toEqual({ kind: 'cancelled' }));
  it('Enter alone is a PIN bypass', async () => expect(await replay('bypass')).toEqual({ kind: 'bypassed' }));
  it('Enter with fewer than 4 digits is ignored', async () => expect(await replay('short-then-1234')).toEqual({ kind: 'entered', pin: '1234' }));
  it('an ErrorRollOver report carries no keys', async () => expect(await replay('rollover-error')).toEqual({ kind: 'entered', pin: '1234' }));
  it('times out', async () => {
    const pad = new HidPinPad(new ReplayHidDevice([]));
    expect(await pad.readPin({ timeoutMs: 20 })).toEqual({ kind: 'timeout' });
  });
  it('decoder skips a report-ID prefix', () => {
    expect(new KeypadDecoder({ reportIdPrefix: true }).push(fromHex('01 00 00 62 58 00 00 00 00'))).toEqual(['0', 'enter']);
  });
  it('classifies devices', () => {
    expect(classifyHidDevice({ vendorId: 0x0801, product: 'USB Swipe Reader' })).toBe('magstripe');
    expect(classifyHidDevice({ vendorId: 0x1234, usagePage: 1, usage: 6, product: 'USB Keypad' })).toBe('keypad');
    expect(classifyHidDevice({ vendorId: 0x046d, usagePage: 1, usage: 2, product: 'Mouse' })).toBe('other');
  });
});
