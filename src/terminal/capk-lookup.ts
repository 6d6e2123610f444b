/** Adapts src/crypto's CapkStore (scripts/capk/*.json) to the kernel's CapkLookup. */
import { toHex } from '../apdu/index.js';
import { CapkStore, loadCapkFile } from '../crypto/index.js';
import { join } from 'node:path';
import { shippedDirectory } from '../documents/index.js';
import type { TerminalConfig } from './config.js';
import type { CapkLookup } from './environment.js';

export function capkLookup(store: CapkStore): CapkLookup {
  return { find: (rid, index) => store.get(rid, toHex(Uint8Array.of(index))) };
}

/** The CAPKs a terminal profile names (files under scripts/capk/). */
export function capksForTerminal(config: TerminalConfig): CapkLookup {
  const store = new CapkStore();
  for (const f of config.capkFiles) loadCapkFile(f.includes('/') ? f : join(shippedDirectory('capk'), f), store);
  return capkLookup(store);
}
