/**
 * MagTek-style HID swipe readers. In HID mode (MagTek 99875191, "USB HID Swipe
 * Reader", input report layout) every swipe is one 337-byte input report:
 *   0..2    decode status of tracks 1, 2, 3 (0 = decoded)
 *   3..5    data length of tracks 1, 2, 3
 *   6       card encode type (0 ISO/ABA, 1 AAMVA, 3 blank, 4 other, 5 undetermined, 6 none)
 *   7..116  track 1 data (ASCII), 117..226 track 2, 227..336 track 3 (110 bytes each)
 * Tracks are then parsed and validated per ISO/IEC 7813 (iso7813.ts).
 */
import type { Bytes } from '../../apdu/index.js';
import { ParseError } from '../../apdu/index.js';
import { readSwipe, type SwipedCard } from './iso7813.js';
import type { HidReportSource } from './hid-device.js';

export const MAGTEK_REPORT_LENGTH = 337;
const TRACK_FIELD = 110;
const TRACK_OFFSET = [7, 117, 227] as const;

export interface MagtekReport {
  /** Decoded track text, or undefined when the reader reports a decode error or no data. */
  tracks: [string | undefined, string | undefined, string | undefined];
  decodeStatus: [number, number, number];
  encodeType: number;
}

/** Splits a MagTek HID input report into its tracks. `reportIdPrefix`: skip a leading report-ID byte. */
export function parseMagtekReport(report: Bytes, reportIdPrefix = false): MagtekReport {
  const r = reportIdPrefix ? report.subarray(1) : report;
  if (r.length < MAGTEK_REPORT_LENGTH) {
    throw new ParseError('MagTek HID report', `${r.length} bytes, expected ${MAGTEK_REPORT_LENGTH}`, r.length);
  }
  const tracks: MagtekReport['tracks'] = [undefined, undefined, undefined];
  for (let t = 0; t < 3; t++) {
    const status = r[t]!;
    const length = r[3 + t]!;
    if (length > TRACK_FIELD) throw new ParseError('MagTek HID report', `track ${t + 1} length ${length} exceeds ${TRACK_FIELD}`, 3 + t);
    if (status !== 0 || length === 0) continue;
    const start = TRACK_OFFSET[t]!;
    let text = '';
    for (let i = 0; i < length; i++) {
      const c = r[start + i]!;
      if (c < 0x20 || c > 0x7e) throw new ParseError('MagTek HID report', `track ${t + 1} has non-ASCII byte 0x${c.toString(16)}`, start + i);
      text += String.fromCharCode(c);
    }
    tracks[t] = text;
  }
  return { tracks, decodeStatus: [r[0]!, r[1]!, r[2]!], encodeType: r[6]! };
}

/** A magstripe reader as the kernel sees it: one swipe at a time. */
export interface MagstripeReader {
  readSwipe(timeoutMs?: number): Promise<SwipedCard>;
  close(): Promise<void>;
}

/** A MagTek-style reader over any HID report source (node-hid or a replay). */
export class HidMagstripeReader implements MagstripeReader {
  private readonly source: HidReportSource;
  private readonly reportIdPrefix: boolean;

  constructor(source: HidReportSource, options: { reportIdPrefix?: boolean } = {}) {
    this.source = source;
    this.reportIdPrefix = options.reportIdPrefix ?? false;
  }

  /** Resolves with the next swipe (tracks parsed and checked); rejects on a bad swipe or time-out. */
  readSwipe(timeoutMs = 30_000): Promise<SwipedCard> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { off(); reject(new ParseError('magstripe swipe', `no swipe within ${timeoutMs} ms`, 0)); }, timeoutMs);
      const off = this.source.onReport((report) => {
        clearTimeout(timer);
        off();
        try {
          const parsed = parseMagtekReport(report, this.reportIdPrefix);
          resolve(readSwipe(parsed.tracks[0], parsed.tracks[1]));
        } catch (err) {
          reject(err);
        }
      });
    });
  }

  close(): Promise<void> {
    return this.source.close();
  }
}
