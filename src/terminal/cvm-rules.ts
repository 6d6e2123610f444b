/**
 * CV Rule conditions and CVM support, Book 3 §10.5 and Annex C3 (Table 43/44).
 * Pure functions: the condition is evaluated from the transaction, the
 * terminal and the card's amounts X and Y.
 */
import { bcd, fromHex, toHex } from '../apdu/index.js';
import { hasCapability, terminalTypeInfo } from './config.js';
import type { TransactionContext } from './context.js';
import { isCashback } from './environment.js';

export const CVM = {
  fail: 0x00,
  offlinePlaintextPin: 0x01,
  onlinePin: 0x02,
  offlinePlaintextPinAndSignature: 0x03,
  offlineEncipheredPin: 0x04,
  offlineEncipheredPinAndSignature: 0x05,
  signature: 0x1e,
  noCvmRequired: 0x1f,
} as const;

const KNOWN = new Set<number>(Object.values(CVM));

/** True for CVM codes this kernel knows (Book 3 Annex C3; 06..1D RFU/biometric, 20..3E scheme/issuer-specific). */
export function isRecognisedCvm(code: number): boolean {
  return KNOWN.has(code);
}

export function isPinCvm(code: number): boolean {
  return code >= 0x01 && code <= 0x05;
}

export function isOfflinePinCvm(code: number): boolean {
  return code === 0x01 || code === 0x03 || code === 0x04 || code === 0x05;
}

/** Whether the terminal supports a CVM (9F33 byte 2, Book 4 Annex A2). */
export function terminalSupportsCvm(ctx: TransactionContext, code: number): boolean {
  const caps = fromHex(ctx.env.config.capabilities);
  const online = terminalTypeInfo(ctx.env.config.terminalType).onlineCapable;
  switch (code) {
    case CVM.offlinePlaintextPin:
      return hasCapability(caps, 'plaintextPinForIcc');
    case CVM.onlinePin:
      return hasCapability(caps, 'encipheredPinOnline') && online;
    case CVM.offlinePlaintextPinAndSignature:
      return hasCapability(caps, 'plaintextPinForIcc') && hasCapability(caps, 'signature');
    case CVM.offlineEncipheredPin:
      return hasCapability(caps, 'encipheredPinOffline');
    case CVM.offlineEncipheredPinAndSignature:
      return hasCapability(caps, 'encipheredPinOffline') && hasCapability(caps, 'signature');
    case CVM.signature:
      return hasCapability(caps, 'signature');
    case CVM.noCvmRequired:
      return hasCapability(caps, 'noCvmRequired');
    case CVM.fail:
      return true;
    default:
      return false;
  }
}

export type ConditionResult = { satisfied: boolean; why: string };

/**
 * Book 3 §10.5 / Annex C3 Table 44. Amount conditions apply only when the
 * transaction is in the application currency (9F42); otherwise they are not
 * satisfied and the next rule is taken.
 */
export function evaluateCondition(ctx: TransactionContext, condition: number, code: number, amountX: number, amountY: number): ConditionResult {
  const type = ctx.request.transactionType;
  const unattended = !terminalTypeInfo(ctx.env.config.terminalType).attended;
  const cash = type === 'cash';
  const cashback = isCashback(ctx.request);
  const amount = ctx.request.amountMinor;
  switch (condition) {
    case 0x00:
      return { satisfied: true, why: 'always' };
    case 0x01:
      return { satisfied: unattended && cash, why: 'if unattended cash' };
    case 0x02:
      return { satisfied: !(unattended && cash) && !(!unattended && cash) && !cashback, why: 'if not unattended cash and not manual cash and not purchase with cashback' };
    case 0x03:
      return { satisfied: terminalSupportsCvm(ctx, code), why: 'if terminal supports the CVM' };
    case 0x04:
      return { satisfied: !unattended && cash, why: 'if manual cash' };
    case 0x05:
      return { satisfied: cashback, why: 'if purchase with cashback' };
    case 0x06:
    case 0x07:
    case 0x08:
    case 0x09: {
      const appCurrency = ctx.tag('9F42');
      const label = ['under X', 'over X', 'under Y', 'over Y'][condition - 6]!;
      if (!appCurrency || toHex(appCurrency) !== toHex(bcd(ctx.currencyCode, 2))) {
        return { satisfied: false, why: `if in application currency and ${label}: transaction not in the application currency` };
      }
      const limit = condition <= 0x07 ? amountX : amountY;
      const under = condition === 0x06 || condition === 0x08;
      return { satisfied: under ? amount < limit : amount > limit, why: `if in application currency and ${label} (${limit})` };
    }
    default:
      return { satisfied: false, why: `condition ${toHex(Uint8Array.of(condition))} not understood` };
  }
}
