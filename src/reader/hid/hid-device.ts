/**
 * HID devices through the optional `node-hid` addon (loaded lazily). A device
 * is only a stream of input reports here (HidReportSource), so PIN pads and
 * magstripe readers can be driven by recorded reports in tests and demos.
 */
import { createRequire } from 'node:module';
import type { Bytes } from '../../apdu/index.js';
import { TransportError } from '../../apdu/index.js';

export interface HidReportSource {
  readonly description: string;
  /** Subscribes to input reports; returns the unsubscribe function. */
  onReport(listener: (report: Bytes) => void): () => void;
  close(): Promise<void>;
}

export interface HidDeviceInfo {
  path: string;
  vendorId: number;
  productId: number;
  manufacturer?: string;
  product?: string;
  usagePage?: number;
  usage?: number;
  /** What we think it is (see classifyHidDevice). */
  kind: 'magstripe' | 'keypad' | 'other';
}

interface NodeHidModule {
  devices(): Array<{ path?: string; vendorId: number; productId: number; manufacturer?: string; product?: string; usagePage?: number; usage?: number }>;
  HID: new (path: string) => {
    on(event: 'data', cb: (data: Buffer) => void): void;
    on(event: 'error', cb: (err: Error) => void): void;
    removeListener(event: string, cb: (...args: never[]) => void): void;
    close(): void;
  };
}

export const HID_INSTALL_HINT =
  'HID devices need the optional `node-hid` package and hidraw access (/dev/hidraw*): `npm rebuild node-hid`, and a udev rule or root';

let cached: NodeHidModule | undefined;

function loadNodeHid(): NodeHidModule {
  if (cached) return cached;
  try {
    const require = createRequire(import.meta.url);
    cached = require('node-hid') as NodeHidModule;
    return cached;
  } catch (err) {
    throw new TransportError('HID_UNAVAILABLE', `cannot load node-hid (${(err as Error).message.split('\n')[0]}); ${HID_INSTALL_HINT}`);
  }
}

/** MagTek's USB vendor id; its HID swipe readers report on the vendor page 0xFF00. */
export const MAGTEK_VENDOR_ID = 0x0801;

/**
 * Guesses the kind: MagTek (or a vendor-page device named like a swipe
 * reader) is a magstripe reader; a Generic Desktop keyboard (page 1, usage 6)
 * named keypad/PIN pad is a keypad.
 */
export function classifyHidDevice(d: { vendorId: number; usagePage?: number; usage?: number; product?: string }): HidDeviceInfo['kind'] {
  const name = (d.product ?? '').toLowerCase();
  if (d.vendorId === MAGTEK_VENDOR_ID || /swipe|magstripe|msr|card reader/.test(name)) return 'magstripe';
  if ((d.usagePage === 1 && d.usage === 6 && /keypad|pin ?pad|numpad/.test(name)) || /keypad|pin ?pad/.test(name)) return 'keypad';
  return 'other';
}

/** Lists HID devices; throws TransportError HID_UNAVAILABLE without node-hid. */
export function listHidDevices(): HidDeviceInfo[] {
  const hid = loadNodeHid();
  return hid.devices().flatMap((d) => {
    if (!d.path) return [];
    const info: HidDeviceInfo = { path: d.path, vendorId: d.vendorId, productId: d.productId, kind: classifyHidDevice(d) };
    if (d.manufacturer) info.manufacturer = d.manufacturer;
    if (d.product) info.product = d.product;
    if (d.usagePage !== undefined) info.usagePage = d.usagePage;
    if (d.usage !== undefined) info.usage = d.usage;
    return [info];
  });
}

/** Opens a HID device by path as a report source. */
export function openHidDevice(path: string): HidReportSource {
  const hid = loadNodeHid();
  let device: InstanceType<NodeHidModule['HID']>;
  try {
    device = new hid.HID(path);
  } catch (err) {
    throw new TransportError('HID_OPEN', `cannot open HID device ${path}: ${(err as Error).message}`);
  }
  const listeners = new Set<(r: Bytes) => void>();
  device.on('data', (data: Buffer) => {
    const bytes = new Uint8Array(data);
    for (const l of listeners) l(bytes);
  });
  device.on('error', () => listeners.clear());
  return {
    description: `HID ${path}`,
    onReport(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
      device.close();
    },
  };
}

/** Plays recorded reports back (tests, demos): one report every `intervalMs` after start(). */
export class ReplayHidDevice implements HidReportSource {
  readonly description: string;
  private readonly reports: Bytes[];
  private readonly listeners = new Set<(r: Bytes) => void>();
  private timer: NodeJS.Timeout | undefined;

  constructor(reports: Bytes[], description = 'replayed HID reports') {
    this.reports = reports;
    this.description = description;
  }

  onReport(listener: (report: Bytes) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Delivers all reports, spaced by `intervalMs` (0: synchronously). */
  start(intervalMs = 0): void {
    if (intervalMs === 0) {
      for (const r of this.reports) for (const l of [...this.listeners]) l(r);
      return;
    }
    let i = 0;
    this.timer = setInterval(() => {
      const r = this.reports[i++];
      if (!r) return clearInterval(this.timer);
      for (const l of [...this.listeners]) l(r);
    }, intervalMs);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.listeners.clear();
  }
}
