/**
 * The vpcd wire protocol (vsmartcard, virtualsmartcard/src/vpcd/vpcd.c): each
 * message is a 2-byte big-endian length and a payload. A 1-byte payload from
 * vpcd is a control (power off, power on, reset, get ATR); any longer payload
 * is a command APDU, answered by the response APDU. TCP delivers the stream in
 * arbitrary chunks, so the decoder buffers partial frames and splits merged ones.
 */
import { concat, type Bytes } from '../apdu/index.js';
import { ParseError } from '../apdu/index.js';

export const VPCD_DEFAULT_HOST = '127.0.0.1';
/** Slot 0 listens on 35963, slot n on 35963 + n (vpcd's VPCDPORT). */
export const VPCD_DEFAULT_PORT = 35963;

export const VPCD_CONTROL = {
  POWER_OFF: 0x00,
  POWER_ON: 0x01,
  RESET: 0x02,
  GET_ATR: 0x04,
} as const;

export type VpcdMessage =
  | { kind: 'power-off' }
  | { kind: 'power-on' }
  | { kind: 'reset' }
  | { kind: 'get-atr' }
  | { kind: 'apdu'; apdu: Bytes };

/** Frames one payload (a response APDU or an ATR). */
export function encodeVpcdFrame(payload: Bytes): Bytes {
  if (payload.length > 0xffff) throw new RangeError(`vpcd payload of ${payload.length} bytes exceeds 65535`);
  return concat(Uint8Array.of(payload.length >> 8, payload.length & 0xff), payload);
}

/** Interprets one payload; `offset` is its position in the stream, for errors. */
export function decodeVpcdPayload(payload: Bytes, offset = 0): VpcdMessage {
  if (payload.length === 1) {
    switch (payload[0]) {
      case VPCD_CONTROL.POWER_OFF:
        return { kind: 'power-off' };
      case VPCD_CONTROL.POWER_ON:
        return { kind: 'power-on' };
      case VPCD_CONTROL.RESET:
        return { kind: 'reset' };
      case VPCD_CONTROL.GET_ATR:
        return { kind: 'get-atr' };
      default:
        throw new ParseError('vpcd control', `unknown control code 0x${payload[0]!.toString(16).padStart(2, '0')}`, offset);
    }
  }
  if (payload.length < 4) throw new ParseError('vpcd APDU', `${payload.length}-byte command is shorter than a header`, offset);
  return { kind: 'apdu', apdu: payload };
}

/** Reassembles frames from TCP chunks. */
export class VpcdFrameDecoder {
  private pending: Bytes = new Uint8Array(0);
  /** Stream offset of `pending[0]`, for error messages. */
  private consumed = 0;

  /** Adds a chunk; returns the complete payloads it finished, in order. */
  push(chunk: Bytes): Bytes[] {
    let buf = this.pending.length ? concat(this.pending, chunk) : chunk;
    const out: Bytes[] = [];
    let at = 0;
    while (buf.length - at >= 2) {
      const len = (buf[at]! << 8) | buf[at + 1]!;
      if (buf.length - at - 2 < len) break;
      out.push(buf.slice(at + 2, at + 2 + len));
      at += 2 + len;
    }
    this.consumed += at;
    buf = buf.subarray(at);
    this.pending = buf.length ? buf.slice() : new Uint8Array(0);
    return out;
  }

  /** Stream offset of the next unread byte. */
  get offset(): number {
    return this.consumed;
  }

  /** Bytes of an incomplete frame still waiting. */
  get buffered(): number {
    return this.pending.length;
  }

  reset(): void {
    this.pending = new Uint8Array(0);
    this.consumed = 0;
  }
}
