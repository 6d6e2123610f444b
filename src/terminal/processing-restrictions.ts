/**
 * Processing restrictions, Book 3 §10.4: application version number (9F08 vs
 * 9F09), Application Usage Control (9F07) against the transaction type and the
 * issuer country (5F28 vs 9F1A: domestic or international), and the effective
 * (5F25) and expiration (5F24) dates against the transaction date.
 */
import { type Bytes, toHex } from '../apdu/index.js';
import { AUC, type AucBitName, isBitSet } from '../apdu/index.js';
import { terminalTypeInfo } from './config.js';
import type { TransactionContext } from './context.js';
import { isCashback } from './environment.js';
import { transactionDate } from './terminal-data.js';

/** YYMMDD as a comparable number, years 50..99 meaning 19xx and 00..49 20xx (Book 3 §10.4.3). */
export function dateValue(yymmdd: Bytes | string): number {
  const s = typeof yymmdd === 'string' ? yymmdd : toHex(yymmdd);
  const yy = Number(s.slice(0, 2));
  const year = yy >= 50 ? 1900 + yy : 2000 + yy;
  return year * 10000 + Number(s.slice(2, 4)) * 100 + Number(s.slice(4, 6));
}

/** An ATM: a financial-institution unattended terminal with cash capability (Book 4 Annex A1). */
function isAtm(ctx: TransactionContext): boolean {
  const type = ctx.env.config.terminalType;
  const addl = ctx.env.config.additionalCapabilities;
  const cash = (parseInt(addl.slice(0, 2), 16) & 0x80) !== 0;
  return type >> 4 === 1 && !terminalTypeInfo(type).attended && cash;
}

function checkUsageControl(ctx: TransactionContext, auc: Bytes): void {
  const need = (bit: AucBitName, why: string): void => {
    if (!isBitSet(auc, AUC[bit])) ctx.setTvr('serviceNotAllowed', `AUC ${toHex(auc)} lacks "${AUC[bit].description}" (${why})`);
  };
  if (isAtm(ctx)) need('atms', 'ATM');
  else need('terminalsOtherThanAtms', 'terminal other than an ATM');
  const issuerCountry = ctx.tag('5F28');
  if (!issuerCountry) {
    ctx.decide('no issuer country code (5F28): domestic/international usage not checked (Book 3 §10.4.2)');
    return;
  }
  const domestic = toHex(issuerCountry) === ctx.env.config.countryCode.padStart(4, '0');
  const scope = domestic ? 'domestic' : 'international';
  ctx.decide(`issuer country ${toHex(issuerCountry)} vs terminal country ${ctx.env.config.countryCode}: ${scope}`);
  switch (ctx.request.transactionType) {
    case 'cash':
      need(domestic ? 'domesticCash' : 'internationalCash', `${scope} cash`);
      break;
    case 'goods':
    case 'cashback':
      need(domestic ? 'domesticGoods' : 'internationalGoods', `${scope} goods`);
      break;
    case 'services':
      need(domestic ? 'domesticServices' : 'internationalServices', `${scope} services`);
      break;
  }
  // Book 3 §10.4.2: "if the transaction has a cashback amount", whatever its type: the same
  // test as the CV Rule condition "purchase with cashback" (isCashback).
  if (isCashback(ctx.request)) {
    const other = ctx.request.otherAmountMinor ?? 0;
    need(domestic ? 'domesticCashback' : 'internationalCashback', `${scope} cashback${other > 0 ? `, amount other ${other}` : ''}`);
  }
}

export function processingRestrictions(ctx: TransactionContext): void {
  // §10.4.1 Application version number.
  const cardVersion = ctx.tag('9F08');
  const terminalVersion = ctx.application?.config.applicationVersion ?? '';
  if (cardVersion && toHex(cardVersion) !== terminalVersion.toUpperCase()) {
    ctx.setTvr('differentApplicationVersions', `card application version ${toHex(cardVersion)} differs from the terminal's ${terminalVersion}`);
  } else if (!cardVersion) {
    ctx.decide('card has no application version number (9F08): assumed compatible (Book 3 §10.4.1)');
  }
  // §10.4.2 Application usage control.
  const auc = ctx.tag('9F07');
  if (auc && auc.length === 2) checkUsageControl(ctx, auc);
  // §10.4.3 Effective and expiration dates.
  const today = dateValue(transactionDate(ctx));
  const effective = ctx.tag('5F25');
  if (effective && effective.length === 3 && dateValue(effective) > today) {
    ctx.setTvr('applicationNotYetEffective', `effective date ${toHex(effective)} is after the transaction date`);
  }
  const expiry = ctx.tag('5F24');
  if (expiry && expiry.length === 3 && dateValue(expiry) < today) {
    ctx.setTvr('expiredApplication', `expiration date ${toHex(expiry)} is before the transaction date`);
  }
}
