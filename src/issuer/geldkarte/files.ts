/**
 * The back office's files: the clearing ledger, the issuer's record of purse debits and the
 * terminal's settlement outbox. Each is a JSON document written atomically (temp, fsync, rename)
 * after every change, so it survives kill -9; a missing file starts empty.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { DocumentError } from '../../apdu/index.js';
import { writeFileAtomic } from '../../card/index.js';
import { type ClearingState, ClearingLedger } from './clearing-ledger.js';
import type { PendingSummary, SummaryOutbox } from './settlement-link.js';
import { type PurseDebitRecordState, ShadowAccounts } from './shadow-account.js';

/** Reads a JSON document of the given `format`; undefined when the file does not exist. */
function readDocument<T extends { format: string }>(path: string, format: T['format']): T | undefined {
  if (!existsSync(path)) return undefined;
  let doc: T;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (e) {
    throw new DocumentError(`not JSON: ${(e as Error).message}`, { file: path, field: '$' });
  }
  if (doc?.format !== format) throw new DocumentError(`format must be '${format}'`, { file: path, field: 'format' });
  return doc;
}

const writeJson = (path: string) => (doc: unknown) => writeFileAtomic(path, JSON.stringify(doc, null, 1) + '\n');

/** The issuer's record of purse debits, kept in `file` (learnt at every load, consulted by the clearing). */
export function openPurseDebitRecord(file: string): ShadowAccounts {
  const path = resolve(file);
  const state = readDocument<PurseDebitRecordState>(path, 'emvsim-geldkarte-issuer');
  return new ShadowAccounts({ ...(state ? { state } : {}), onChange: writeJson(path) });
}

/** The clearing ledger kept in `file` (in memory without one), resolving unknown payments against `shadow`. */
export function openClearingLedger(file: string | undefined, shadow?: ShadowAccounts): ClearingLedger {
  const withShadow = shadow ? { shadow } : {};
  if (!file) return new ClearingLedger(withShadow);
  const path = resolve(file);
  const state = readDocument<ClearingState>(path, 'emvsim-geldkarte-clearing');
  return new ClearingLedger({ ...(state ? { state } : {}), ...withShadow, onChange: writeJson(path) });
}

/** The settlement outbox of a merchant card file: `<merchant file>.pending-summary.json` beside it. */
export function outboxPathOf(merchantFile: string): string {
  return `${resolve(merchantFile)}.pending-summary.json`;
}

export function fileOutbox(path: string): SummaryOutbox {
  return {
    name: path,
    read: () => readDocument<PendingSummary>(path, 'emvsim-geldkarte-pending-summary'),
    write: writeJson(path),
    clear: () => rmSync(path, { force: true }),
  };
}
