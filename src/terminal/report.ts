/**
 * Text rendering of a transaction for people: the live step printer (fed by
 * the kernel's observer events) and the outcome summary with the liability
 * line. Pure formatting, no I/O.
 */
import type { KernelEvent } from './environment.js';
import type { TransactionOutcome } from './outcome.js';
import { formatMinor } from '../apdu/index.js';
import { currencyByNumeric } from '../apdu/index.js';

export function formatAmount(minor: number, exponent = 2, currency = ''): string {
  const s = formatMinor(minor, exponent);
  return currency ? `${s} ${currency}` : s;
}

/** One or more lines for a kernel event (steps as they happen, decisions with their TVR bits). */
export function formatEvent(e: KernelEvent): string[] {
  switch (e.type) {
    case 'step-start':
      return [`> ${e.step}`];
    case 'decision':
      return [`    ${e.text}`];
    case 'step-end':
      return [`  = ${e.result}`];
    case 'transition':
      return [];
  }
}

/**
 * A live printer for a run's events: like formatEvent, but a step that follows
 * itself (application selection's "build the list" then "choose", a transition
 * from the step to itself) prints its header once. The recorded transitions
 * in the outcome are not affected.
 */
export function eventPrinter(print: (line: string) => void): (e: KernelEvent) => void {
  let lastStep: string | undefined;
  return (e) => {
    if (e.type === 'step-start') {
      if (e.step === lastStep) return;
      lastStep = e.step;
    }
    formatEvent(e).forEach(print);
  };
}

export function formatOutcome(o: TransactionOutcome, currencyAlpha = ''): string[] {
  const lines: string[] = [];
  lines.push('');
  lines.push(`OUTCOME      ${o.outcome.toUpperCase()}: ${o.reason}`);
  if (o.application) lines.push(`application  ${o.application.label} (${o.application.aid})${o.pan ? `, PAN ${o.pan}` : ''}`);
  else if (o.pan) lines.push(`PAN          ${o.pan} (entry mode ${o.facts.entryMode})`);
  lines.push(`amount       ${formatAmount(o.amountMinor, currencyByNumeric(o.currency)?.exponent ?? 2, currencyAlpha || o.currency)}`);
  // The card's own answer is shown when it differs from the decision (an untrusted TC, a terminated transaction).
  const cardSaid = o.cardCryptogram !== undefined && o.cardCryptogram !== o.cryptogram ? `   (card answered ${o.cardCryptogram})` : '';
  lines.push(`cryptogram   ${o.cryptogram ?? '-'}   ARC ${o.authorisationResponseCode ?? '-'}${cardSaid}`);
  lines.push(`TVR          ${o.tvr}${o.tvrBits.length ? `  (${o.tvrBits.join('; ')})` : ''}`);
  lines.push(`TSI          ${o.tsi}   CVM results ${o.cvmResults}   PIN try counter ${o.pinTryCounter ?? '-'}`);
  if (o.issuerScriptResults) lines.push(`script results ${o.issuerScriptResults}`);
  lines.push(`LIABILITY    ${o.liability.party} (rule ${o.liability.rule}): ${o.liability.reason}`);
  return lines;
}
