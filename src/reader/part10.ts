/**
 * Secure PIN entry on PIN-pad readers, PC/SC Part 10 (Interoperability
 * Specification for ICCs and Personal Computer Systems, Part 10 v2.02.09):
 * feature discovery with CM_IOCTL_GET_FEATURE_REQUEST, then
 * FEATURE_VERIFY_PIN_DIRECT / FEATURE_MODIFY_PIN_DIRECT with a PIN_VERIFY /
 * PIN_MODIFY structure. The reader's own keypad collects the PIN and inserts
 * it into the APDU template: the PIN never passes through the host.
 *
 * For EMV the template is an offline plaintext VERIFY (Book 3 §6.5.12):
 * 00 20 00 80 08 | 2N PP PP .. FF, the PIN block of ISO 9564 format 2
 * (control nibble 2, length nibble N, BCD digits, F padding).
 */
import { bytesOf, concat, type Bytes } from '../apdu/index.js';
import { ParseError } from '../apdu/index.js';

/** The control channel of a reader (SCardControl). vpcd has none; tests use a fake. */
export interface ReaderControl {
  readonly readerName: string;
  control(code: number, data?: Bytes): Promise<Bytes>;
}

/** Part 10 §2.3 feature tags (the values smartcard's FEATURE_* constants carry). */
export const FEATURE = {
  VERIFY_PIN_START: 0x01,
  VERIFY_PIN_FINISH: 0x02,
  MODIFY_PIN_START: 0x03,
  MODIFY_PIN_FINISH: 0x04,
  GET_KEY_PRESSED: 0x05,
  VERIFY_PIN_DIRECT: 0x06,
  MODIFY_PIN_DIRECT: 0x07,
  IFD_PIN_PROPERTIES: 0x0a,
  ABORT: 0x0b,
  GET_TLV_PROPERTIES: 0x12,
} as const;

/**
 * SCARD_CTL_CODE: pcsc-lite (and macOS) use 0x42000000 + code (reader.h);
 * WinSCard uses CTL_CODE(FILE_DEVICE_SMARTCARD, code, METHOD_BUFFERED, FILE_ANY_ACCESS).
 */
export function scardCtlCode(code: number, platform: string = process.platform): number {
  return platform === 'win32' ? ((0x31 << 16) | (code << 2)) >>> 0 : 0x42000000 + code;
}

/** CM_IOCTL_GET_FEATURE_REQUEST = SCARD_CTL_CODE(3400) (Part 10 §2.2). */
export const CM_IOCTL_GET_FEATURE_REQUEST = scardCtlCode(3400);

/**
 * Parses the GET_FEATURE_REQUEST answer: a list of TLV, tag 1 byte, length 1
 * byte (always 4), value the control code as a big-endian 32-bit integer
 * (Part 10 §2.2). Returns feature tag -> control code.
 */
export function parseFeatureList(answer: Bytes): Map<number, number> {
  const features = new Map<number, number>();
  let i = 0;
  while (i < answer.length) {
    if (i + 2 > answer.length) throw new ParseError('PC/SC feature list', 'truncated TLV header', i);
    const tag = answer[i]!;
    const len = answer[i + 1]!;
    if (len !== 4) throw new ParseError('PC/SC feature list', `feature 0x${tag.toString(16)} has length ${len}, expected 4`, i + 1);
    if (i + 2 + len > answer.length) throw new ParseError('PC/SC feature list', 'truncated control code', i + 2);
    const code = ((answer[i + 2]! << 24) | (answer[i + 3]! << 16) | (answer[i + 4]! << 8) | answer[i + 5]!) >>> 0;
    features.set(tag, code);
    i += 2 + len;
  }
  return features;
}

export interface PinEntryParameters {
  /** Seconds the reader waits for the first key (bTimerOut; 0 = reader default). */
  timeoutSeconds?: number;
  /** Minimum and maximum PIN digits (wPINMaxExtraDigit; EMV: 4..12, Book 3 §6.5.12). */
  minDigits?: number;
  maxDigits?: number;
  /** wLangId for the reader's prompts (default 0x0409, English). */
  languageId?: number;
}

const le16 = (v: number) => Uint8Array.of(v & 0xff, (v >> 8) & 0xff);
const le32 = (v: number) => Uint8Array.of(v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff);

/** The EMV offline plaintext VERIFY template: P2 80, PIN block format 2 with no digits yet (Book 3 §6.5.12). */
export const EMV_PLAINTEXT_VERIFY_TEMPLATE: Bytes = bytesOf('0020008008 20FFFFFFFFFFFFFF');

/**
 * Formatting bytes for an ISO 9564 format 2 block (Part 10 §2.5.2 field
 * definitions, as OpenSC builds them for its "GLP" encoding):
 * bmFormatString 0x89 = byte units (bit 7) | PIN at byte 1 of the block, after
 * the control byte (bits 6-3) | left justified (bit 2 = 0) | BCD (bits 1-0 = 01);
 * bmPINBlockString 0x48 = 4-bit length field | 8-byte block;
 * bmPINLengthFormat 0x04 = bit units | the length sits at bit 4 (the low nibble of '2N').
 */
function format2Bytes(): { formatString: number; pinBlockString: number; pinLengthFormat: number } {
  return { formatString: 0x80 | (1 << 3) | 0x01, pinBlockString: 0x48, pinLengthFormat: 0x04 };
}

/**
 * PIN_VERIFY_STRUCTURE (Part 10 §2.5.2, multi-byte fields little-endian) for
 * an EMV plaintext offline PIN VERIFY.
 */
export function buildEmvVerifyPinStructure(params: PinEntryParameters = {}, apdu: Bytes = EMV_PLAINTEXT_VERIFY_TEMPLATE): Bytes {
  const min = params.minDigits ?? 4;
  const max = params.maxDigits ?? 12;
  if (min < 4 || max > 12 || min > max) throw new RangeError(`EMV PIN length must be 4..12 digits (Book 3 §6.5.12), got ${min}..${max}`);
  const f = format2Bytes();
  const header = Uint8Array.of(
    params.timeoutSeconds ?? 30, // bTimerOut
    0, // bTimerOut2: reader default after the first key
    f.formatString,
    f.pinBlockString,
    f.pinLengthFormat,
    ...le16((min << 8) | max), // wPINMaxExtraDigit: XXYY = min, max digits
    0x02, // bEntryValidationCondition: validation key pressed
    0x01, // bNumberMessage: one message ("Enter PIN")
    ...le16(params.languageId ?? 0x0409), // wLangId
    0x00, // bMsgIndex
    0, 0, 0, // bTeoPrologue: T=1 only, filled by the reader
    ...le32(apdu.length), // ulDataLength
  );
  return concat(header, apdu);
}

/**
 * PIN_MODIFY_STRUCTURE (Part 10 §2.5.3) for ISO 7816-4 CHANGE REFERENCE DATA
 * with two format 2 blocks: 00 24 00 80 10 | old block | new block.
 */
export function buildModifyPinStructure(params: PinEntryParameters & { confirmNewPin?: boolean } = {}): Bytes {
  const min = params.minDigits ?? 4;
  const max = params.maxDigits ?? 12;
  if (min < 4 || max > 12 || min > max) throw new RangeError(`PIN length must be 4..12 digits, got ${min}..${max}`);
  const apdu = bytesOf('0024008010 20FFFFFFFFFFFFFF 20FFFFFFFFFFFFFF');
  const f = format2Bytes();
  const header = Uint8Array.of(
    params.timeoutSeconds ?? 30,
    0,
    f.formatString,
    f.pinBlockString,
    f.pinLengthFormat,
    0x00, // bInsertionOffsetOld: old PIN block at data byte 0
    0x08, // bInsertionOffsetNew: new PIN block at data byte 8
    ...le16((min << 8) | max),
    params.confirmNewPin === false ? 0x01 : 0x03, // bConfirmPIN: bit0 confirm new, bit1 enter old
    0x02,
    params.confirmNewPin === false ? 0x02 : 0x03, // bNumberMessage
    ...le16(params.languageId ?? 0x0409),
    0x00, 0x01, 0x02, // bMsgIndex1..3: old, new, confirm
    0, 0, 0,
    ...le32(apdu.length),
  );
  return concat(header, apdu);
}

export type SecurePinResult =
  | { result: 'verified'; sw: number }
  | { result: 'wrong-pin'; sw: number; triesLeft: number }
  | { result: 'blocked'; sw: number }
  | { result: 'timeout' | 'cancelled' | 'bad-length' | 'mismatch'; sw: number }
  | { result: 'card-error'; sw: number };

/**
 * Classifies the answer to VERIFY/MODIFY_PIN_DIRECT: the card's SW1 SW2 or a
 * reader-generated status (Part 10 §2.5.2: 6400 time-out, 6401 cancelled,
 * 6402 new PINs differ, 6403 PIN length out of range). Card SWs per Book 3
 * §6.5.12 and ISO 7816-4: 63Cx wrong PIN with x tries left, 6983/6984 blocked.
 */
export function classifyPinAnswer(answer: Bytes): SecurePinResult {
  if (answer.length < 2) throw new ParseError('secure PIN answer', `expected SW1 SW2, got ${answer.length} bytes`, answer.length);
  const sw = (answer[answer.length - 2]! << 8) | answer[answer.length - 1]!;
  if (sw === 0x9000) return { result: 'verified', sw };
  if ((sw & 0xfff0) === 0x63c0) return sw === 0x63c0 ? { result: 'blocked', sw } : { result: 'wrong-pin', sw, triesLeft: sw & 0x0f };
  if (sw === 0x6983 || sw === 0x6984) return { result: 'blocked', sw };
  if (sw === 0x6400) return { result: 'timeout', sw };
  if (sw === 0x6401) return { result: 'cancelled', sw };
  if (sw === 0x6402) return { result: 'mismatch', sw };
  if (sw === 0x6403) return { result: 'bad-length', sw };
  return { result: 'card-error', sw };
}

/**
 * A reader that verifies the EMV offline PIN on its own keypad. This is what
 * the terminal uses as its PIN entry path for CVM "plaintext PIN verified by
 * ICC" (Book 3 §10.5, CVM code 01/03) when the reader offers it: instead of
 * reading digits and sending VERIFY itself, it calls verifyOfflinePlaintextPin
 * and acts on the result (63Cx, blocked, time-out = PIN not entered).
 */
export class SecurePinPad {
  readonly readerName: string;
  readonly features: ReadonlyMap<number, number>;
  private readonly channel: ReaderControl;

  constructor(channel: ReaderControl, features: ReadonlyMap<number, number>) {
    this.channel = channel;
    this.readerName = channel.readerName;
    this.features = features;
  }

  get canModify(): boolean {
    return this.features.has(FEATURE.MODIFY_PIN_DIRECT);
  }

  async verifyOfflinePlaintextPin(params: PinEntryParameters = {}): Promise<SecurePinResult> {
    const code = this.features.get(FEATURE.VERIFY_PIN_DIRECT);
    if (code === undefined) throw new RangeError(`reader '${this.readerName}' has no FEATURE_VERIFY_PIN_DIRECT`);
    return classifyPinAnswer(await this.channel.control(code, buildEmvVerifyPinStructure(params)));
  }

  async modifyPin(params: PinEntryParameters & { confirmNewPin?: boolean } = {}): Promise<SecurePinResult> {
    const code = this.features.get(FEATURE.MODIFY_PIN_DIRECT);
    if (code === undefined) throw new RangeError(`reader '${this.readerName}' has no FEATURE_MODIFY_PIN_DIRECT`);
    return classifyPinAnswer(await this.channel.control(code, buildModifyPinStructure(params)));
  }
}

/**
 * Asks the reader for its Part 10 features; returns a SecurePinPad when it
 * offers FEATURE_VERIFY_PIN_DIRECT, else undefined (no PIN pad, or a reader
 * such as vpcd that has no SCardControl at all).
 */
export async function discoverSecurePinPad(channel: ReaderControl): Promise<SecurePinPad | undefined> {
  let answer: Bytes;
  try {
    answer = await channel.control(CM_IOCTL_GET_FEATURE_REQUEST);
  } catch {
    return undefined;
  }
  const features = parseFeatureList(answer);
  return features.has(FEATURE.VERIFY_PIN_DIRECT) ? new SecurePinPad(channel, features) : undefined;
}

/** One line per feature, for `emvsim readers --features`. */
export function describeFeatures(features: ReadonlyMap<number, number>): string[] {
  const names = new Map<number, string>(Object.entries(FEATURE).map(([k, v]) => [v, k]));
  return [...features].map(([tag, code]) => `${names.get(tag) ?? `0x${tag.toString(16).padStart(2, '0')}`} -> control 0x${code.toString(16).toUpperCase()}`);
}

