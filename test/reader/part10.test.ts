import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/apdu/bytes.js';
import { ParseError } from '../../src/apdu/errors.js';
import {
  buildEmvVerifyPinStructure,
  buildModifyPinStructure,
  classifyPinAnswer,
  CM_IOCTL_GET_FEATURE_REQUEST,
  discoverSecurePinPad,
  FEATURE,
  parseFeatureList,
  scardCtlCode,
} from '../../src/reader/part10.js';
import { FakeCard } from './fixtures/fake-card.js';
import { FakePinPadReader, MODIFY_CODE, VERIFY_CODE } from './fixtures/fake-pinpad-reader.js';

describe('PC/SC Part 10 feature discovery', () => {
  it('CM_IOCTL_GET_FEATURE_REQUEST is SCARD_CTL_CODE(3400) = 0x42000D48 on pcsc-lite', () => {
    expect(CM_IOCTL_GET_FEATURE_REQUEST).toBe(0x42000d48);
    expect(scardCtlCode(3400, 'win32')).toBe(0x00313520);
  });
  it('parses the TLV feature list (big-endian control codes)', () => {
    const f = parseFeatureList(fromHex('06 04 42 33 00 06  07 04 42 33 00 07  12 04 42 33 00 12'));
    expect([...f]).toEqual([[6, 0x42330006], [7, 0x42330007], [0x12, 0x42330012]]);
  });
  it('a bad TLV names its offset', () => {
    expect(() => parseFeatureList(fromHex('06 04 42 33 00 06 07 02 42 33'))).toThrow(/length 2, expected 4 at byte offset 7/);
    expect(() => parseFeatureList(fromHex('06 04 42 33'))).toThrow(ParseError);
  });
  it('a reader without SCardControl (vpcd) has no secure PIN pad', async () => {
    const vpcdLike = { readerName: 'Virtual PCD 00 00', control: async () => { throw new Error('Unknown PC/SC error'); } };
    expect(await discoverSecurePinPad(vpcdLike)).toBeUndefined();
  });
});

describe('PIN_VERIFY_STRUCTURE for an EMV plaintext offline PIN (Part 10 §2.5.2, Book 3 §6.5.12)', () => {
  it('matches the structure field by field', () => {
    // bTimerOut 1E, bTimerOut2 00, bmFormatString 89, bmPINBlockString 48, bmPINLengthFormat 04,
    // wPINMaxExtraDigit 0C 04 (min 4, max 12), bEntryValidationCondition 02, bNumberMessage 01,
    // wLangId 09 04, bMsgIndex 00, bTeoPrologue 00 00 00, ulDataLength 0D 00 00 00,
    // abData 00 20 00 80 08 20 FF FF FF FF FF FF FF
    expect(toHex(buildEmvVerifyPinStructure())).toBe('1E00894804' + '0C04' + '0201' + '0904' + '00' + '000000' + '0D000000' + '0020008008' + '20FFFFFFFFFFFFFF');
  });
  it('carries min/max digits and the time-out', () => {
    const s = buildEmvVerifyPinStructure({ minDigits: 6, maxDigits: 6, timeoutSeconds: 60 });
    expect([s[0], s[5], s[6]]).toEqual([60, 6, 6]);
    expect(() => buildEmvVerifyPinStructure({ minDigits: 3 })).toThrow(RangeError);
  });
  it('PIN_MODIFY_STRUCTURE: offsets 0 and 8, confirm and old PIN, 24-byte header', () => {
    const s = buildModifyPinStructure();
    expect(toHex(s.subarray(0, 24))).toBe('1E00894804' + '0008' + '0C04' + '03' + '02' + '03' + '0904' + '000102' + '000000' + '15000000');
    expect(toHex(s.subarray(24))).toBe('0024008010' + '20FFFFFFFFFFFFFF' + '20FFFFFFFFFFFFFF');
  });
});

describe('secure PIN entry through a PIN-pad reader', () => {
  it('the reader builds VERIFY 00 20 00 80 08 24 12 34 FF.. and the card accepts it', async () => {
    const card = new FakeCard();
    const reader = new FakePinPadReader(card);
    const pad = await discoverSecurePinPad(reader);
    expect(pad).toBeDefined();
    expect(pad!.features.get(FEATURE.VERIFY_PIN_DIRECT)).toBe(VERIFY_CODE);
    expect(pad!.features.get(FEATURE.MODIFY_PIN_DIRECT)).toBe(MODIFY_CODE);
    reader.keypad.push('1234');
    expect(await pad!.verifyOfflinePlaintextPin()).toEqual({ result: 'verified', sw: 0x9000 });
    expect(toHex(reader.sentApdus[0]!)).toBe('0020008008241234FFFFFFFFFF');
  });
  it('wrong PINs count down to blocked; cancel and time-out come from the reader', async () => {
    const card = new FakeCard();
    const reader = new FakePinPadReader(card);
    const pad = (await discoverSecurePinPad(reader))!;
    reader.keypad.push('9999', '123456', 'cancel', 'timeout', '12', '0000');
    expect(await pad.verifyOfflinePlaintextPin()).toEqual({ result: 'wrong-pin', sw: 0x63c2, triesLeft: 2 });
    expect(await pad.verifyOfflinePlaintextPin()).toEqual({ result: 'wrong-pin', sw: 0x63c1, triesLeft: 1 });
    expect(toHex(reader.sentApdus[1]!)).toBe('002000800826123456FFFFFFFF');
    expect(await pad.verifyOfflinePlaintextPin()).toEqual({ result: 'cancelled', sw: 0x6401 });
    expect(await pad.verifyOfflinePlaintextPin()).toEqual({ result: 'timeout', sw: 0x6400 });
    expect(await pad.verifyOfflinePlaintextPin()).toEqual({ result: 'bad-length', sw: 0x6403 });
    expect(await pad.verifyOfflinePlaintextPin()).toEqual({ result: 'blocked', sw: 0x63c0 });
    expect(card.pinTries).toBe(0);
  });
  it('classifies card status words (Book 3 §6.5.12, ISO 7816-4)', () => {
    expect(classifyPinAnswer(fromHex('6983'))).toEqual({ result: 'blocked', sw: 0x6983 });
    expect(classifyPinAnswer(fromHex('6984'))).toEqual({ result: 'blocked', sw: 0x6984 });
    expect(classifyPinAnswer(fromHex('6A81')).result).toBe('card-error');
    expect(() => classifyPinAnswer(fromHex('90'))).toThrow(ParseError);
  });
});
