/**
 * A numeric keypad as a PIN entry device. Keypads are HID keyboards: each input
 * report is a boot-protocol keyboard report (HID 1.11 Appendix B.1: modifier
 * byte, reserved byte, up to six key usages) and a key press is a usage that
 * appears in a report and was not in the previous one. Usages are from the
 * Keyboard/Keypad page 0x07 (HID Usage Tables §10).
 *
 * Unlike a PC/SC Part 10 PIN pad (part10.ts), the digits pass through the
 * host here; the terminal uses this only where no secure reader is present.
 */
import type { Bytes } from '../../apdu/index.js';
import type { HidReportSource } from './hid-device.js';

export type KeypadKey = `${0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9}` | 'enter' | 'clear' | 'cancel';

/** Keyboard/Keypad page usages a PIN pad sends (top-row digits too: some pads are plain keyboards). */
const USAGE_TO_KEY = new Map<number, KeypadKey>([
  [0x1e, '1'], [0x1f, '2'], [0x20, '3'], [0x21, '4'], [0x22, '5'], [0x23, '6'], [0x24, '7'], [0x25, '8'], [0x26, '9'], [0x27, '0'],
  [0x59, '1'], [0x5a, '2'], [0x5b, '3'], [0x5c, '4'], [0x5d, '5'], [0x5e, '6'], [0x5f, '7'], [0x60, '8'], [0x61, '9'], [0x62, '0'],
  [0x28, 'enter'], [0x58, 'enter'], // Return, Keypad Enter
  [0x2a, 'clear'], [0x4c, 'clear'], // Backspace, Delete: the PIN pad's yellow Clear key
  [0x29, 'cancel'], // Escape: the red Cancel key
]);

const ERROR_ROLL_OVER = 0x01;

/** Turns a stream of keyboard reports into key presses. */
export class KeypadDecoder {
  private down = new Set<number>();
  private readonly reportIdPrefix: boolean;

  constructor(options: { reportIdPrefix?: boolean } = {}) {
    this.reportIdPrefix = options.reportIdPrefix ?? false;
  }

  /** The keys newly pressed in this report. */
  push(report: Bytes): KeypadKey[] {
    const r = this.reportIdPrefix ? report.subarray(1) : report;
    const usages = [...r.subarray(2, 8)].filter((u) => u !== 0);
    if (usages.includes(ERROR_ROLL_OVER)) return []; // too many keys: the report carries no key state
    const pressed: KeypadKey[] = [];
    for (const u of usages) {
      if (this.down.has(u)) continue;
      const key = USAGE_TO_KEY.get(u);
      if (key) pressed.push(key);
    }
    this.down = new Set(usages);
    return pressed;
  }
}

export type PinEntryResult =
  | { kind: 'entered'; pin: string }
  /** Enter with no digits: the cardholder bypasses PIN entry (TVR byte 3 bit 4, Book 3 §10.5). */
  | { kind: 'bypassed' }
  | { kind: 'cancelled' }
  | { kind: 'timeout' };

export interface PinEntryOptions {
  minDigits?: number;
  maxDigits?: number;
  timeoutMs?: number;
  /** Called on every accepted key with the number of digits so far (to show asterisks). */
  onProgress?: (digits: number) => void;
}

/** What the terminal asks for a PIN when no secure (Part 10) reader does it. */
export interface PinEntryDevice {
  readPin(options?: PinEntryOptions): Promise<PinEntryResult>;
}

/** Runs the PIN entry rules over a stream of keys (pure; shared by the HID pad and tests). */
export class PinEntrySession {
  private digits = '';
  private readonly min: number;
  private readonly max: number;
  private readonly onProgress: ((n: number) => void) | undefined;

  constructor(options: PinEntryOptions = {}) {
    this.min = options.minDigits ?? 4;
    this.max = options.maxDigits ?? 12;
    this.onProgress = options.onProgress;
  }

  /** Feeds one key; returns the result when entry is over. */
  key(k: KeypadKey): PinEntryResult | undefined {
    switch (k) {
      case 'cancel':
        this.digits = '';
        return { kind: 'cancelled' };
      case 'clear':
        this.digits = '';
        this.onProgress?.(0);
        return undefined;
      case 'enter':
        if (this.digits.length === 0) return { kind: 'bypassed' };
        if (this.digits.length < this.min) return undefined; // too short: keep collecting (EMV PIN is 4..12 digits)
        return { kind: 'entered', pin: this.digits };
      default:
        if (this.digits.length < this.max) {
          this.digits += k;
          this.onProgress?.(this.digits.length);
        }
        return undefined;
    }
  }
}

/** A HID keypad (node-hid or replayed reports) as a PinEntryDevice. */
export class HidPinPad implements PinEntryDevice {
  private readonly source: HidReportSource;
  private readonly reportIdPrefix: boolean;

  constructor(source: HidReportSource, options: { reportIdPrefix?: boolean } = {}) {
    this.source = source;
    this.reportIdPrefix = options.reportIdPrefix ?? false;
  }

  readPin(options: PinEntryOptions = {}): Promise<PinEntryResult> {
    const decoder = new KeypadDecoder({ reportIdPrefix: this.reportIdPrefix });
    const session = new PinEntrySession(options);
    return new Promise((resolve) => {
      const timer = setTimeout(() => { off(); resolve({ kind: 'timeout' }); }, options.timeoutMs ?? 30_000);
      const off = this.source.onReport((report) => {
        for (const k of decoder.push(report)) {
          const result = session.key(k);
          if (result) {
            clearTimeout(timer);
            off();
            resolve(result);
            return;
          }
        }
      });
    });
  }

  close(): Promise<void> {
    return this.source.close();
  }
}
