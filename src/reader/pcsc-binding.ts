/**
 * Lazy access to the optional `smartcard` N-API binding (pcsc-lite). Nothing
 * here is imported at module top level by the CLI: the binding is loaded on
 * first use, so the emulator works on machines without pcsc-lite and the
 * PC/SC commands explain how to install it.
 *
 * The types below are the subset of the binding we use (node_modules/smartcard
 * dist/lib/types.d.ts), declared here so that type-checking does not depend on
 * the optional package, and so tests can inject a fake binding.
 */
import { PcscUnavailableError } from './errors.js';

export interface PcscReaderState {
  name: string;
  state: number;
  changed?: boolean;
  atr: Buffer | null;
}

export interface PcscCard {
  readonly protocol: number;
  readonly connected: boolean;
  transmit(command: Buffer, options?: { maxRecvLength?: number }): Promise<Buffer>;
  control(code: number, data?: Buffer): Promise<Buffer>;
  getStatus(): { state: number; protocol: number; atr: Buffer };
  disconnect(disposition?: number): void;
  reconnect(shareMode?: number, protocol?: number, initialization?: number): Promise<number>;
}

export interface PcscReader {
  readonly name: string;
  readonly state: number;
  readonly atr: Buffer | null;
  connect(shareMode?: number, protocol?: number): Promise<PcscCard>;
}

export interface PcscContext {
  readonly isValid: boolean;
  listReaders(): PcscReader[];
  waitForChange(readers?: Array<{ name: string; state: number }>, timeout?: number): Promise<PcscReaderState[] | null>;
  cancel(): void;
  close(): void;
}

/** The binding's constructor and the PC/SC constants we need (pcsclite.h values). */
export interface PcscBinding {
  Context: new () => PcscContext;
  SCARD_SHARE_EXCLUSIVE: number;
  SCARD_SHARE_SHARED: number;
  SCARD_SHARE_DIRECT: number;
  SCARD_PROTOCOL_T0: number;
  SCARD_PROTOCOL_T1: number;
  SCARD_LEAVE_CARD: number;
  SCARD_RESET_CARD: number;
  SCARD_UNPOWER_CARD: number;
  SCARD_STATE_EMPTY: number;
  SCARD_STATE_PRESENT: number;
  SCARD_STATE_MUTE: number;
  SCARD_STATE_UNAVAILABLE: number;
  SCARD_STATE_UNKNOWN: number;
}

let cached: Promise<PcscBinding> | undefined;
let override: PcscBinding | undefined;

/** Loads `smartcard` once; throws PcscUnavailableError with the install hint when it cannot. */
export function loadPcscBinding(): Promise<PcscBinding> {
  if (override) return Promise.resolve(override);
  cached ??= (async () => {
    const specifier = 'smartcard'; // a variable: keeps tsc from requiring the optional package
    try {
      const mod = (await import(specifier)) as Partial<PcscBinding> & { default?: Partial<PcscBinding> };
      const binding = (mod.Context ? mod : mod.default) as PcscBinding | undefined;
      if (!binding?.Context) throw new Error('the module has no Context export');
      return binding;
    } catch (err) {
      cached = undefined;
      throw new PcscUnavailableError(`cannot load the 'smartcard' binding: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    }
  })();
  return cached;
}

/** Tests (and embedders) can substitute a binding; `undefined` restores the real one. */
export function usePcscBinding(binding: PcscBinding | undefined): void {
  override = binding;
}

/** pcsc-lite keeps an event counter in the upper 16 bits of dwEventState (pcsclite.h); the flags are the lower 16. */
export const STATE_FLAGS_MASK = 0xffff;

/** pcsc-lite's special reader name that signals reader attach/detach (PnP notification). */
export const PNP_NOTIFICATION = '\\\\?PnP?\\Notification';
