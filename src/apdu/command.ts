/**
 * Command and response APDUs, ISO/IEC 7816-4 §5.1 and §5.2. All seven cases:
 *   1      CLA INS P1 P2
 *   2S     ... Le(1)            Le 00 means 256
 *   3S     ... Lc(1) data
 *   4S     ... Lc(1) data Le(1)
 *   2E     ... 00 Le(2)         Le 0000 means 65536
 *   3E     ... 00 Lc(2) data
 *   4E     ... 00 Lc(2) data Le(2)
 */
import { type Bytes, fromHex, toHex } from './bytes.js';
import { ApduError } from './errors.js';

export type ApduCase = '1' | '2S' | '3S' | '4S' | '2E' | '3E' | '4E';

export interface CommandApdu {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  /** Command data (empty for cases 1 and 2). */
  data: Bytes;
  /** Expected response length; undefined when absent (cases 1, 3). 256 / 65536 for "maximum". */
  le?: number;
  /** Force the extended encoding even when short would do. */
  extended?: boolean;
}

export interface DecodedCommand extends Required<Omit<CommandApdu, 'le'>> {
  le: number | undefined;
  case: ApduCase;
}

function checkByte(name: string, v: number, offset: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 255) throw new ApduError(`${name} must be a byte, got ${v}`, offset);
}

/** Case of a command, from its data length and Le. */
export function apduCase(cmd: CommandApdu): ApduCase {
  const extended = cmd.extended === true || cmd.data.length > 255 || (cmd.le ?? 0) > 256;
  const hasData = cmd.data.length > 0;
  const hasLe = cmd.le !== undefined;
  if (!hasData && !hasLe) return '1';
  const s = extended ? 'E' : 'S';
  if (!hasData) return `2${s}` as ApduCase;
  if (!hasLe) return `3${s}` as ApduCase;
  return `4${s}` as ApduCase;
}

/** Encodes a command APDU in the shortest form unless `extended` is set. */
export function encodeCommand(cmd: CommandApdu): Bytes {
  checkByte('CLA', cmd.cla, 0);
  checkByte('INS', cmd.ins, 1);
  checkByte('P1', cmd.p1, 2);
  checkByte('P2', cmd.p2, 3);
  if (cmd.data.length > 65535) throw new ApduError(`Lc ${cmd.data.length} exceeds 65535`, 4);
  if (cmd.le !== undefined && (!Number.isInteger(cmd.le) || cmd.le < 1 || cmd.le > 65536)) {
    throw new ApduError(`Le ${cmd.le} outside 1..65536`, 4);
  }
  const c = apduCase(cmd);
  const n = cmd.data.length;
  const le = cmd.le ?? 0;
  // One array written in place (encoding sits on every exchange's path): header, then Lc, data, Le by case.
  const lcSize = c === '3S' || c === '4S' ? 1 : c === '3E' || c === '4E' ? 3 : 0;
  const leSize = c === '2S' || c === '4S' ? 1 : c === '2E' ? 3 : c === '4E' ? 2 : 0;
  const out = new Uint8Array(4 + lcSize + n + leSize);
  out[0] = cmd.cla;
  out[1] = cmd.ins;
  out[2] = cmd.p1;
  out[3] = cmd.p2;
  let o = 4;
  if (lcSize === 1) out[o++] = n;
  else if (lcSize === 3) {
    out[o++] = 0;
    out[o++] = n >> 8;
    out[o++] = n & 0xff;
  }
  if (n > 0) out.set(cmd.data, o);
  o += n;
  if (leSize === 3) out[o++] = 0;
  if (leSize >= 2) out[o++] = (le >> 8) & 0xff;
  if (leSize >= 1) out[o] = le & 0xff;
  return out;
}

/**
 * Decodes a command APDU (ISO/IEC 7816-4 §5.1). Every length inconsistency is
 * an ApduError naming the byte offset of the faulty length field.
 */
export function decodeCommand(input: Bytes | string, options: { allowExtended?: boolean } = {}): DecodedCommand {
  const b = typeof input === 'string' ? fromHex(input) : input;
  const allowExtended = options.allowExtended ?? true;
  if (b.length < 4) throw new ApduError(`a command APDU needs at least 4 header bytes, got ${b.length}`, b.length);
  if (b[0] === 0xff) throw new ApduError('CLA FF is reserved for PTS/PPS (ISO/IEC 7816-3)', 0);
  // One object literal per return (no spread): decoding sits on every exchange's path.
  const make = (data: Bytes, le: number | undefined, c: ApduCase, extended: boolean): DecodedCommand => ({
    cla: b[0]!,
    ins: b[1]!,
    p1: b[2]!,
    p2: b[3]!,
    data,
    le,
    extended,
    case: c,
  });
  const body = b.length - 4;
  if (body === 0) return make(new Uint8Array(0), undefined, '1', false);
  const b4 = b[4]!;
  if (body === 1) return make(new Uint8Array(0), b4 === 0 ? 256 : b4, '2S', false);
  if (b4 !== 0) {
    // Short Lc.
    const lc = b4;
    if (body === 1 + lc) return make(b.slice(5, 5 + lc), undefined, '3S', false);
    if (body === 2 + lc) {
      const le = b[5 + lc]!;
      return make(b.slice(5, 5 + lc), le === 0 ? 256 : le, '4S', false);
    }
    throw new ApduError(`Lc ${lc} does not match the ${body - 1} bytes that follow it`, 4);
  }
  // b4 == 00 with more bytes: extended length.
  if (!allowExtended) throw new ApduError('extended length where only short APDUs are allowed', 4);
  if (body === 3) {
    const le = (b[5]! << 8) | b[6]!;
    return make(new Uint8Array(0), le === 0 ? 65536 : le, '2E', true);
  }
  if (body < 3) throw new ApduError('truncated extended length field', 4);
  const lc = (b[5]! << 8) | b[6]!;
  if (lc === 0) throw new ApduError('extended Lc of 0000 is not allowed', 5);
  if (body === 3 + lc) return make(b.slice(7, 7 + lc), undefined, '3E', true);
  if (body === 5 + lc) {
    const le = (b[7 + lc]! << 8) | b[8 + lc]!;
    return make(b.slice(7, 7 + lc), le === 0 ? 65536 : le, '4E', true);
  }
  throw new ApduError(`extended Lc ${lc} does not match the ${body - 3} bytes that follow it`, 5);
}

export interface ResponseApdu {
  data: Bytes;
  sw1: number;
  sw2: number;
  /** SW1SW2 as a 16-bit number, e.g. 0x9000. */
  sw: number;
}

export function decodeResponse(input: Bytes | string): ResponseApdu {
  const b = typeof input === 'string' ? fromHex(input) : input;
  if (b.length < 2) throw new ApduError(`a response APDU needs SW1 SW2, got ${b.length} bytes`, b.length);
  const sw1 = b[b.length - 2]!;
  const sw2 = b[b.length - 1]!;
  return { data: b.slice(0, b.length - 2), sw1, sw2, sw: (sw1 << 8) | sw2 };
}

export function encodeResponse(data: Bytes, sw: number): Bytes {
  if (!Number.isInteger(sw) || sw < 0 || sw > 0xffff) throw new RangeError(`bad status word ${sw}`);
  const out = new Uint8Array(data.length + 2);
  out.set(data);
  out[data.length] = sw >> 8;
  out[data.length + 1] = sw & 0xff;
  return out;
}

/** True for 9000 and the "normal processing" family 61xx. */
export function isSuccess(sw: number): boolean {
  return sw === 0x9000 || sw >> 8 === 0x61;
}

export function swHex(sw: number): string {
  return sw.toString(16).toUpperCase().padStart(4, '0');
}

export function commandHex(cmd: CommandApdu): string {
  return toHex(encodeCommand(cmd));
}
