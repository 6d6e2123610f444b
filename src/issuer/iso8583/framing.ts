/**
 * TCP framing used by acquirer links: each ISO 8583 message is preceded by a
 * 2-byte big-endian length header (the message body length, header excluded).
 */
import { type Bytes, concat, uintBytes } from '../../apdu/bytes.js';

export const MAX_FRAME = 0xffff;

/** Prepends the 2-byte big-endian length header. */
export function frame(body: Bytes): Bytes {
  if (body.length > MAX_FRAME) throw new RangeError(`ISO 8583 message of ${body.length} bytes exceeds ${MAX_FRAME}`);
  return concat(uintBytes(body.length, 2), body);
}

/** Reassembles frames from a byte stream split arbitrarily by TCP. */
export class FrameReader {
  private buffer: Bytes = new Uint8Array(0);

  /** Adds received bytes; returns every complete message body now available. */
  push(chunk: Bytes): Bytes[] {
    this.buffer = this.buffer.length === 0 ? Uint8Array.from(chunk) : concat(this.buffer, chunk);
    const out: Bytes[] = [];
    let pos = 0;
    while (this.buffer.length - pos >= 2) {
      const length = (this.buffer[pos]! << 8) | this.buffer[pos + 1]!;
      if (this.buffer.length - pos - 2 < length) break;
      out.push(this.buffer.slice(pos + 2, pos + 2 + length));
      pos += 2 + length;
    }
    this.buffer = this.buffer.slice(pos);
    return out;
  }

  /** Bytes received but not yet forming a complete frame. */
  get pending(): number {
    return this.buffer.length;
  }
}
