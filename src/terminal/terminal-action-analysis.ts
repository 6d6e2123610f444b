/**
 * Terminal action analysis, Book 3 §10.7: compare the TVR with the Terminal
 * Action Codes (per application, from the terminal profile) and the Issuer
 * Action Codes (9F0E denial, 9F0F online, 9F0D default) to decide which
 * cryptogram the first GENERATE AC asks for: AAC (decline offline), ARQC (go
 * online) or TC (approve offline).
 */
import { type Bytes, fromHex, toHex } from '../apdu/index.js';
import { terminalTypeInfo } from './config.js';
import type { CryptogramType, TransactionContext } from './context.js';
import { anyMatch, matchingBits, tvrBitDescription } from './tvr.js';

export interface ActionCodes {
  tacDenial: Bytes;
  tacOnline: Bytes;
  tacDefault: Bytes;
  iacDenial: Bytes;
  iacOnline: Bytes;
  iacDefault: Bytes;
}

const ZEROES = new Uint8Array(5);
const ONES = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff);

/** Book 3 §10.7: an absent IAC-denial counts as all zeroes, absent IAC-online and IAC-default as all ones. */
export function actionCodes(ctx: TransactionContext): ActionCodes {
  const tac = ctx.application?.config.tac ?? { denial: '0000000000', online: '0000000000', default: '0000000000' };
  const iac = (tag: string, absent: Bytes) => {
    const v = ctx.tag(tag);
    return v && v.length === 5 ? v : absent;
  };
  return {
    tacDenial: fromHex(tac.denial),
    tacOnline: fromHex(tac.online),
    tacDefault: fromHex(tac.default),
    iacDenial: iac('9F0E', ZEROES),
    iacOnline: iac('9F0F', ONES),
    iacDefault: iac('9F0D', ONES),
  };
}

function or(a: Bytes, b: Bytes): Bytes {
  return a.map((x, i) => x | (b[i] ?? 0));
}

function explain(ctx: TransactionContext, what: string, code: Bytes): string {
  const bits = matchingBits(ctx.tvr.bytes, code);
  return `${what}: TVR ${ctx.tvr.hex()} & ${toHex(code)} -> ${bits.map(tvrBitDescription).join(', ')}`;
}

/**
 * The default action codes (Book 3 §10.7 last paragraph and §10.9 "unable to
 * go online"): TC when no TVR bit matches TAC-default | IAC-default, else AAC.
 */
export function defaultActionAnalysis(ctx: TransactionContext, context: string): 'TC' | 'AAC' {
  const codes = actionCodes(ctx);
  const dflt = or(codes.tacDefault, codes.iacDefault);
  if (anyMatch(ctx.tvr.bytes, dflt)) {
    ctx.decide(`${context}: ${explain(ctx, 'TAC/IAC-default match', dflt)}: decline`, matchingBits(ctx.tvr.bytes, dflt));
    return 'AAC';
  }
  ctx.decide(`${context}: no TVR bit in TAC/IAC-default ${toHex(dflt)}: approve`);
  return 'TC';
}

export function terminalActionAnalysis(ctx: TransactionContext): CryptogramType {
  const codes = actionCodes(ctx);
  const denial = or(codes.tacDenial, codes.iacDenial);
  if (anyMatch(ctx.tvr.bytes, denial)) {
    ctx.decide(`${explain(ctx, 'TAC/IAC-denial match', denial)}: decline offline (AAC)`, matchingBits(ctx.tvr.bytes, denial));
    return 'AAC';
  }
  const info = terminalTypeInfo(ctx.env.config.terminalType);
  if (info.onlineCapable) {
    const online = or(codes.tacOnline, codes.iacOnline);
    if (anyMatch(ctx.tvr.bytes, online)) {
      ctx.decide(`${explain(ctx, 'TAC/IAC-online match', online)}: go online (ARQC)`, matchingBits(ctx.tvr.bytes, online));
      return 'ARQC';
    }
    if (!info.offlineCapable) {
      // Online-only terminal: every transaction goes online (Book 3 §10.7, terminal type x1/x4).
      ctx.decide('online-only terminal: go online (ARQC)');
      return 'ARQC';
    }
    ctx.decide(`no TVR bit in TAC/IAC-denial or TAC/IAC-online (TVR ${ctx.tvr.hex()}): approve offline (TC)`);
    return 'TC';
  }
  // Offline-only terminal: the default codes decide now (Book 3 §10.7).
  return defaultActionAnalysis(ctx, 'offline-only terminal');
}
