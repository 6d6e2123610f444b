/**
 * TCP framing used by acquirer links: each ISO 8583 message is preceded by a
 * 2-byte big-endian length header (the message body length, header excluded).
 */
import { type Bytes, concat, uintBytes } from '../../apdu/index.js';

export const MAX_FRAME = 0xffff;

/** Prepends the 2-byte big-endian length header. */
export function frame(body: Bytes): Bytes {
  if (body.length > MAX_FRAME) throw new RangeError(`ISO 8583 message of ${body.length} bytes exceeds ${MAX_FRAME}`);
  return concat(uintBytes(body.length, 2), body);
}

/**
 * Reassembles frames from a byte stream split arbitrarily by TCP. Received chunks are kept as a list and
 * each byte is copied once, into the frame it belongs to: a frame arriving in many small chunks costs
 * O(frame), not O(frame x chunks) as re-concatenating the buffer on every chunk would.
 */
export class FrameReader {
  private chunks: Bytes[] = [];
  /** Index of the first chunk with unread bytes, and the offset of its first unread byte. */
  private first = 0;
  private head = 0;
  private size = 0;

  /** Adds received bytes; returns every complete message body now available. */
  push(chunk: Bytes): Bytes[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.size += chunk.length;
    }
    const out: Bytes[] = [];
    while (this.size >= 2) {
      const length = (this.byteAt(0) << 8) | this.byteAt(1);
      if (this.size - 2 < length) break;
      this.take(2);
      out.push(this.take(length));
    }
    return out;
  }

  /** Bytes received but not yet forming a complete frame. */
  get pending(): number {
    return this.size;
  }

  private byteAt(index: number): number {
    let i = this.head + index;
    for (let k = this.first; k < this.chunks.length; k++) {
      const c = this.chunks[k]!;
      if (i < c.length) return c[i]!;
      i -= c.length;
    }
    throw new RangeError(`byte ${index} of ${this.size} pending`);
  }

  /** Removes the next n bytes (n <= size) and returns them as a new array. */
  private take(n: number): Bytes {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[this.first]!;
      const count = Math.min(n - filled, c.length - this.head);
      out.set(c.subarray(this.head, this.head + count), filled);
      filled += count;
      this.head += count;
      if (this.head === c.length) {
        this.first++;
        this.head = 0;
      }
    }
    // Drop consumed chunks in bulk (shifting one at a time would be quadratic in the chunk count).
    if (this.first === this.chunks.length) {
      this.chunks = [];
      this.first = 0;
    } else if (this.first >= 64) {
      this.chunks = this.chunks.slice(this.first);
      this.first = 0;
    }
    this.size -= n;
    return out;
  }
}
