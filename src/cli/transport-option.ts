/**
 * `--reader NAME` / `--card FILE`: how every card-facing command (explore,
 * apdu, transact, conform, emulate) finds its card. Everything is imported
 * lazily: the PC/SC binding only when --reader is given, the card module only
 * when an emulated card is used.
 *
 *   --reader NAME   a PC/SC reader (exact name, or a unique case-insensitive part of it)
 *   --card FILE     an emulated card file (`emvsim card new`)
 *   neither         the built-in demo card (PIN 1234)
 */
import type { Argv } from 'yargs';
import type { CardTransport } from '../apdu/transport.js';
import { DocumentError } from '../apdu/errors.js';

export interface TransportChoice {
  reader?: string | undefined;
  card?: string | undefined;
  /** PC/SC share mode (default shared). */
  exclusive?: boolean | undefined;
  /** Present an emulated card over its contactless interface (PPSE, T=1); a real reader decides by itself. */
  contactless?: boolean | undefined;
}

/** Adds --reader and --card to a command's builder. */
export function withTransportOptions<T>(y: Argv<T>): Argv<T & { reader: string | undefined; card: string | undefined }> {
  return y
    .option('reader', { type: 'string', describe: 'use the card in this PC/SC reader (name or a unique part of it; see `emvsim readers`)' })
    .option('card', { type: 'string', describe: 'use this emulated card file (default: the built-in demo card)' })
    .conflicts('reader', 'card') as Argv<T & { reader: string | undefined; card: string | undefined }>;
}

/** Loads an emulated card: a card file, or the demo card. One call, so `emulate` and the rest agree. */
export async function loadEmulatedCard(file: string | undefined, options: { contactless?: boolean | undefined } = {}): Promise<CardTransport & { readonly atr?: Uint8Array }> {
  const cards = await import('../card/index.js');
  const iface = options.contactless ? { interface: 'contactless' as const } : {};
  if (!file) return cards.createDemoCard(iface);
  // Held until this process ends (emulate serves the card for as long as it runs): see src/card/file-lock.ts.
  cards.lockCardFile(file);
  return cards.loadCard(file, iface);
}

/** Resolves the options into an open transport. The caller closes it. */
export async function openTransport(choice: TransportChoice): Promise<CardTransport> {
  if (choice.reader !== undefined && choice.card !== undefined) {
    throw new DocumentError('give --reader or --card, not both', { field: '--reader/--card' });
  }
  if (choice.reader !== undefined) {
    const { openPcscReader } = await import('../reader/pcsc-transport.js');
    return openPcscReader(choice.reader, { share: choice.exclusive ? 'exclusive' : 'shared' });
  }
  return loadEmulatedCard(choice.card, { contactless: choice.contactless });
}
