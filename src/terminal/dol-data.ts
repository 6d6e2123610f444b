/**
 * DOL data for the kernel (Book 3 §5.4): values come from the terminal's data
 * (terminal-data.ts) first, then from the data read from the card; a malformed
 * DOL from the card terminates the transaction with the DOL named.
 */
import type { Bytes } from '../apdu/index.js';
import { buildDolData } from '../apdu/index.js';
import { EmvsimError } from '../apdu/index.js';
import type { TransactionContext } from './context.js';
import { terminalData } from './terminal-data.js';

export function dolSource(ctx: TransactionContext): (tag: string) => Bytes | undefined {
  return (tag) => terminalData(ctx, tag) ?? ctx.card.get(tag);
}

export function buildDol(ctx: TransactionContext, dol: Bytes, name: string): Bytes {
  try {
    return buildDolData(dol, dolSource(ctx));
  } catch (err) {
    if (err instanceof EmvsimError) ctx.terminate(`${name} is malformed: ${err.message}`);
    throw err;
  }
}
