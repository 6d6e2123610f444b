/** `emvsim host ledger`: the last authorisations and every account reconciled from its postings and holds. */
import { openSeededDatabase } from '../../issuer/index.js';
import { ledgerRows, reconcile } from '../../issuer/ledger.js';
import { printJson, println } from '../output.js';

export interface LedgerArgs {
  db: string;
  limit: number;
  json: boolean;
}

const money = (minor: number) => (minor / 100).toFixed(2);

export function ledgerCommand(args: LedgerArgs): void {
  const db = openSeededDatabase(args.db);
  try {
    const rows = ledgerRows(db, args.limit);
    const accounts = reconcile(db);
    if (args.json) return printJson({ authorisations: rows, accounts });
    println('ID    KIND           TERMINAL/STAN    PAN                  AMOUNT     RC  AUTH    DECIDED BY       REVERSED');
    for (const r of rows) {
      println(
        [
          String(r.id).padEnd(4), r.kind.padEnd(13), `${r.terminalId}/${r.stan}`.padEnd(15), r.pan.padEnd(19),
          `${money(r.amountMinor)} ${r.currency}`.padStart(13), r.responseCode, (r.authorisationCode ?? '-').padEnd(6),
          (r.decidedBy ?? '-').padEnd(15), r.reversedBy ? `by #${r.reversedBy}` : '',
        ].join('  ').trimEnd(),
      );
    }
    println();
    println('ACCOUNT  HOLDER                   BALANCE     HELD        AVAILABLE   BOOKS');
    for (const a of accounts) {
      println(
        [
          String(a.accountId).padEnd(7), a.holder.slice(0, 22).padEnd(22), `${money(a.balanceMinor)} ${a.currency}`.padStart(14),
          money(a.heldMinor).padStart(10), money(a.availableMinor).padStart(11), a.balanced ? 'balanced' : 'MISMATCH',
        ].join('  '),
      );
    }
  } finally {
    db.close();
  }
}
