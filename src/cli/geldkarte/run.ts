/**
 * The `emvsim geldkarte` actions. Card files keep their state between runs
 * (written atomically after every change); without files, fresh demo cards.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DocumentError, EnvironmentError } from '../../apdu/errors.js';
import { formatMinor, parseAmount } from '../../apdu/amount.js';
import { lockCardFile } from '../../card/index.js';
import type { CardTransport } from '../../apdu/transport.js';
import { createMerchantCard, createPurseCard, DEMO_PURSE, loadMerchantCard, loadPurseCard, newMerchantCardFile, newPurseCardFile } from '../../card/geldkarte/index.js';
import { projectRoot } from '../../terminal/config-loader.js';
import { loadPurse, pay, readMerchantStatus, readPurse } from '../../terminal/geldkarte/index.js';
import { loadLiabilityTable } from '../../terminal/liability-file.js';
import { paintVerdicts, printJson, println } from '../output.js';
import { openTransport } from '../transport-option.js';
import { InProcessLoadingHost, fileOutbox, memoryOutbox, openClearingLedger, openPurseDebitRecord, outboxPathOf, settleDay } from '../../issuer/geldkarte/index.js';
import { formatLoad, formatPayment, formatPurse, formatSettlement } from './format.js';

export interface GeldkarteArgs {
  action: 'balance' | 'pay' | 'refund' | 'load' | 'settle' | 'new';
  card?: string;
  reader?: string;
  merchant?: string;
  amount?: string;
  pin?: string;
  clearing?: string;
  /** load, settle: the issuer's record of purse debits (JSON file). */
  issuer?: string;
  resubmit: boolean;
  out?: string;
  merchantOut?: string;
  balance?: string;
  /** new: overwrite existing card files. */
  force?: boolean;
  json: boolean;
}

/** Card files (and the clearing and issuer files) are locked while this process uses them (src/card/file-lock.ts). */
function locked(file: string): string {
  lockCardFile(file);
  return file;
}

/** GeldKarte amounts are EUR cents (exponent 2); one payment is at most 9999.99 EUR (3 BCD bytes). */
const EUR = { exponent: 2, currency: 'EUR' } as const;

function refuseOverwrite(file: string, force: boolean | undefined, option: string): void {
  if (!force && existsSync(file)) {
    throw new EnvironmentError(`${resolve(file)} exists: it holds a card's counters and keys; give --force to replace it, or another ${option} path`);
  }
}

function openPurse(file: string | undefined): CardTransport {
  return file ? loadPurseCard(locked(file)) : createPurseCard();
}

function openMerchant(file: string | undefined): CardTransport {
  return file ? loadMerchantCard(locked(file)) : createMerchantCard();
}

function requireAmount(args: GeldkarteArgs): number {
  if (args.amount === undefined) throw new DocumentError('give the amount in EUR, e.g. --amount 2.50', { field: '--amount' });
  return parseAmount(args.amount, { ...EUR, field: '--amount', maxMinor: 999_999, allowZero: false });
}

export async function runGeldkarte(args: GeldkarteArgs): Promise<void> {
  const emit = (value: unknown, lines: string[]) => (args.json ? printJson(value) : lines.forEach((l) => println(paintVerdicts(l))));
  switch (args.action) {
    case 'balance': {
      const card = args.reader !== undefined ? await openTransport({ reader: args.reader }) : openPurse(args.card);
      try {
        const report = await readPurse(card);
        emit(report, formatPurse(report));
      } finally {
        await card.close();
      }
      return;
    }
    case 'pay':
    case 'refund': {
      const amount = requireAmount(args);
      const purse = openPurse(args.card);
      const merchant = openMerchant(args.merchant);
      const rules = loadLiabilityTable(join(projectRoot(), 'scripts', 'liability', 'default.yaml')).rules;
      const outcome = await pay(purse, merchant, amount, { kind: args.action === 'pay' ? 'debit' : 'refund', liabilityRules: rules });
      emit(outcome, formatPayment(outcome));
      if (outcome.result !== 'approved') process.exitCode = 1;
      return;
    }
    case 'load': {
      const amount = requireAmount(args);
      if (args.pin === undefined) throw new DocumentError('loading needs the card PIN: --pin', { field: '--pin' });
      const host = new InProcessLoadingHost(args.issuer !== undefined ? { shadow: openPurseDebitRecord(locked(args.issuer)) } : {});
      const outcome = await loadPurse(openPurse(args.card), host, amount, args.pin);
      emit(outcome, formatLoad(outcome));
      if (outcome.result !== 'approved') process.exitCode = 1;
      return;
    }
    case 'settle': {
      const merchant = openMerchant(args.merchant);
      const clearing = openClearingLedger(args.clearing !== undefined ? locked(args.clearing) : undefined, args.issuer !== undefined ? openPurseDebitRecord(locked(args.issuer)) : undefined);
      // The outbox lives beside the merchant card file: a summary closed by an interrupted settle is delivered first.
      const outbox = args.merchant !== undefined ? fileOutbox(outboxPathOf(args.merchant)) : memoryOutbox();
      const day = await settleDay(merchant, clearing, outbox, { resubmitLast: args.resubmit });
      const status = await readMerchantStatus(merchant);
      emit(day, [...(day.recovered ? formatSettlement(day.recovered.summary, day.recovered.result, undefined, 'delivered first (closed by an interrupted settle)') : []), ...formatSettlement(day.summary, day.result, status)]);
      if (!day.result.accepted || (day.recovered && !day.recovered.result.accepted && day.recovered.result.reason !== 'duplicate')) process.exitCode = 1;
      return;
    }
    case 'new': {
      if (!args.out && !args.merchantOut) throw new DocumentError('give --out (purse card file) and/or --merchant-out (merchant card file)', { field: '--out' });
      const written: Record<string, string> = {};
      if (args.out) refuseOverwrite(args.out, args.force, '--out');
      if (args.merchantOut) refuseOverwrite(args.merchantOut, args.force, '--merchant-out');
      let balance: number | undefined;
      if (args.balance !== undefined) {
        balance = parseAmount(args.balance, { ...EUR, field: '--balance' });
        if (balance > DEMO_PURSE.maxBalance) {
          throw new DocumentError(`${args.balance} EUR is above the purse's maximum balance of ${formatMinor(DEMO_PURSE.maxBalance)} EUR`, { field: '--balance' });
        }
      }
      if (args.out) {
        newPurseCardFile(locked(args.out), balance !== undefined ? { balance } : {});
        written.purse = resolve(args.out);
      }
      if (args.merchantOut) {
        newMerchantCardFile(locked(args.merchantOut));
        written.merchant = resolve(args.merchantOut);
      }
      emit(written, Object.entries(written).map(([k, f]) => `${k === 'purse' ? 'purse card (girocard + GeldKarte, PIN 1234)' : 'merchant card'}: ${f}`));
      return;
    }
  }
}
