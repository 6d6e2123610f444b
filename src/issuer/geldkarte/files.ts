/**
 * The back office's files: the clearing ledger, the issuer's record of purse debits and the
 * terminal's settlement outbox. Each is a JSON document written atomically (temp, fsync, rename)
 * after every change, so it survives kill -9; a missing file starts empty.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { writeFileAtomic } from '../../card/index.js';
import { type JsonSchema, checkDocument, clearingFileSchema, issuerDebitRecordSchema, parseJsonSource, pendingSummarySchema, readDocumentText } from '../../documents/index.js';
import { type ClearingState, ClearingLedger } from './clearing-ledger.js';
import type { PendingSummary, SummaryOutbox } from './settlement-link.js';
import { type PurseDebitRecordState, ShadowAccounts } from './shadow-account.js';

/** Reads and validates a JSON document against its schema (src/documents); undefined when the file does not exist. */
function readDocument<T>(path: string, schema: JsonSchema, what: string): T | undefined {
  if (!existsSync(path)) return undefined;
  const src = parseJsonSource(readDocumentText(path, what), path);
  checkDocument(src, schema);
  return src.value as T;
}

const writeJson = (path: string) => (doc: unknown) => writeFileAtomic(path, JSON.stringify(doc, null, 1) + '\n');

/** The issuer's record of purse debits, kept in `file` (learnt at every load, consulted by the clearing). */
export function openPurseDebitRecord(file: string): ShadowAccounts {
  const path = resolve(file);
  const state = readDocument<PurseDebitRecordState>(path, issuerDebitRecordSchema, 'issuer debit record');
  return new ShadowAccounts({ ...(state ? { state } : {}), onChange: writeJson(path) });
}

/** The clearing ledger kept in `file` (in memory without one), resolving unknown payments against `shadow`. */
export function openClearingLedger(file: string | undefined, shadow?: ShadowAccounts): ClearingLedger {
  const withShadow = shadow ? { shadow } : {};
  if (!file) return new ClearingLedger(withShadow);
  const path = resolve(file);
  const state = readDocument<ClearingState>(path, clearingFileSchema, 'clearing file');
  return new ClearingLedger({ ...(state ? { state } : {}), ...withShadow, onChange: writeJson(path) });
}

/** The settlement outbox of a merchant card file: `<merchant file>.pending-summary.json` beside it. */
export function outboxPathOf(merchantFile: string): string {
  return `${resolve(merchantFile)}.pending-summary.json`;
}

export function fileOutbox(path: string): SummaryOutbox {
  return {
    name: path,
    read: () => readDocument<PendingSummary>(path, pendingSummarySchema, 'pending summary'),
    write: writeJson(path),
    clear: () => rmSync(path, { force: true }),
  };
}
