/** Text rendering of GeldKarte reports and outcomes for the CLI. */
import { type GeldkarteOutcome, type LoadOutcome, type PurseReport, type SettlementResult, type SettlementSummary, formatAmount } from '../../terminal/geldkarte/index.js';
import type { MerchantStatus } from '../../terminal/geldkarte/recovery.js';

export function formatPurse(r: PurseReport): string[] {
  const eur = (c: number) => formatAmount(c, r.id.currency);
  const lines = [
    `GeldKarte purse ${r.aid} (${r.aid.endsWith('0200') ? 'EUR purse' : 'legacy purse'})`,
    `  card         bank code ${r.id.bankCode}, card number ${r.id.cardNumber} check digit ${r.id.checkDigit}, expires ${r.id.expiry}, activated ${r.id.activation}, country ${r.id.country}`,
    `  balance      ${eur(r.amounts.balance)}`,
    `  limits       maximum balance ${eur(r.amounts.maxBalance)}, per transaction ${eur(r.amounts.maxTransaction)}, without MAC ${eur(r.amounts.maxWithoutMac ?? 0)}`,
  ];
  if (r.account) lines.push(`  account      ${r.account.cardType}, BLZ ${r.account.bankCode}, account ${r.account.accountNumber}`);
  if (r.loadSequence !== undefined || r.debitSequence !== undefined) {
    lines.push(`  sequences    load counter ${r.loadSequence ?? '?'} (${(r.loadSequence ?? 1) - 1} loads), debit counter ${r.debitSequence ?? '?'} (${(r.debitSequence ?? 1) - 1} debits and refunds)`);
  }
  lines.push(`  load log     ${r.loads.length === 0 ? '(empty)' : 'newest first'}`);
  for (const l of r.loads) {
    lines.push(`    ${l.date} ${l.time}  ${l.statusText.padEnd(20)} ${eur(l.amount).padStart(12)}  balance ${eur(l.balance)}  lseq ${l.lseq}  centre ${l.centreId} terminal ${l.terminalId} trace ${l.traceId}`);
  }
  lines.push(`  debit log    ${r.debits.length === 0 ? '(empty)' : 'newest first'}`);
  for (const d of r.debits) {
    lines.push(`    ${d.date} ${d.time}  ${d.statusText.padEnd(20)} ${eur(d.amount).padStart(12)}  balance ${eur(d.balance)}  bseq ${d.bseq}  merchant ${d.merchantId} hseq ${d.hseq} sseq ${d.sseq}`);
  }
  return lines;
}

export function formatPayment(o: GeldkarteOutcome): string[] {
  const lines = [
    `${o.kind === 'debit' ? 'Payment' : 'Refund'} ${formatAmount(o.amount)}: ${o.result.toUpperCase()}`,
    `  ${o.reason}`,
    `  purse        ${o.purse.bankCode} ${o.purse.cardNumber}: ${formatAmount(o.balanceBefore)} -> ${formatAmount(o.balanceAfter)}`,
  ];
  if (o.merchantId) lines.push(`  merchant     card ${o.merchantId}, merchant sequence ${o.hseq}`);
  lines.push('  CVM          none: no PIN, no signature (GeldKarte)');
  for (const n of o.notes) lines.push(`  recovery     ${n}`);
  if (o.result === 'approved') {
    lines.push(`  guarantee    ${o.guarantee}`);
    if (o.liability) lines.push(`  liability    ${o.liability.party} (rule ${o.liability.rule})`);
  }
  return lines;
}

export function formatLoad(o: LoadOutcome): string[] {
  return [
    `Load ${formatAmount(o.amount)}: ${o.result.toUpperCase()}`,
    `  ${o.reason}`,
    `  purse        ${formatAmount(o.balanceBefore)} -> ${formatAmount(o.balanceAfter)}${o.loadSequence !== undefined ? ` (load sequence ${o.loadSequence})` : ''}`,
  ];
}

export function formatSettlement(s: SettlementSummary, r: SettlementResult, status: MerchantStatus | undefined, note?: string): string[] {
  const lines = [
    `End-of-day summary ${s.summarySequence} of merchant card ${s.merchantId}${note ? `: ${note}` : ''}`,
    `  transactions ${s.count} (merchant sequence ${s.count > 0 ? `${s.firstHseq}-${s.lastHseq}` : 'none'})`,
    `  payments     ${formatAmount(s.debitTotal)}, refunds ${formatAmount(s.refundTotal)}, net ${formatAmount(s.debitTotal - s.refundTotal)}`,
    ...s.unknown.map((u) => `  unknown      ${u.kind} ${formatAmount(u.amount)}, purse ${u.purseId} BSEQ ${u.bseq}, merchant sequence ${u.hseq}: outcome unknown, resolved by the clearing`),
    `  MAC          ${s.mac}`,
    `  clearing     ${r.accepted ? 'ACCEPTED' : 'REFUSED'}: ${r.message}`,
  ];
  if (status) lines.push(`  next summary ${status.sseq}`);
  return lines;
}
