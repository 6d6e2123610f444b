/** `emvsim host ledger`: the last authorisations and every account reconciled from its postings and holds. */
import { DocumentError } from '../../apdu/errors.js';
import { openSeededDatabase } from '../../issuer/index.js';
import { ledgerRows, reconcile, type AccountReconciliation, type LedgerRow } from '../../issuer/ledger.js';
import { printJson, println } from '../output.js';
import { type Column, formatTable, requireDatabase } from './table.js';

export interface LedgerArgs {
  db: string;
  limit: number;
  json: boolean;
}

const money = (minor: number) => (minor / 100).toFixed(2);

const LEDGER_COLUMNS: readonly Column<LedgerRow>[] = [
  { title: 'ID', width: 4, value: (r) => String(r.id) },
  { title: 'KIND', width: 13, value: (r) => r.kind },
  { title: 'TERMINAL/STAN', width: 15, value: (r) => `${r.terminalId}/${r.stan}` },
  { title: 'PAN', width: 19, value: (r) => r.pan },
  { title: 'AMOUNT', width: 14, align: 'right', value: (r) => `${money(r.amountMinor)} ${r.currency}` },
  { title: 'RC', width: 2, value: (r) => r.responseCode },
  { title: 'AUTH', width: 6, value: (r) => r.authorisationCode ?? '-' },
  { title: 'DECIDED BY', width: 15, value: (r) => r.decidedBy ?? '-' },
  { title: 'REVERSED', width: 0, value: (r) => (r.reversedBy ? `by #${r.reversedBy}` : '') },
];

const ACCOUNT_COLUMNS: readonly Column<AccountReconciliation>[] = [
  { title: 'ACCOUNT', width: 7, value: (a) => String(a.accountId) },
  { title: 'HOLDER', width: 22, value: (a) => a.holder.slice(0, 22) },
  { title: 'BALANCE', width: 14, align: 'right', value: (a) => `${money(a.balanceMinor)} ${a.currency}` },
  { title: 'HELD', width: 10, align: 'right', value: (a) => money(a.heldMinor) },
  { title: 'AVAILABLE', width: 11, align: 'right', value: (a) => money(a.availableMinor) },
  { title: 'BOOKS', width: 0, value: (a) => (a.balanced ? 'balanced' : 'MISMATCH') },
];

export function ledgerCommand(args: LedgerArgs): void {
  if (!Number.isSafeInteger(args.limit) || args.limit < 1) throw new DocumentError(`'${args.limit}' is not a positive number of authorisations`, { field: '--limit' });
  const db = openSeededDatabase(requireDatabase(args.db));
  try {
    const rows = ledgerRows(db, args.limit);
    const accounts = reconcile(db);
    if (args.json) return printJson({ authorisations: rows, accounts });
    for (const line of formatTable(LEDGER_COLUMNS, rows)) println(line);
    println();
    for (const line of formatTable(ACCOUNT_COLUMNS, accounts)) println(line);
  } finally {
    db.close();
  }
}
