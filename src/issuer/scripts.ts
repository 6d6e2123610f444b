/**
 * Issuer scripts (EMV Book 3 §10.10, Book 2 §9): templates 71 (processed
 * before the final GENERATE AC) or 72 (after), each holding a script
 * identifier (9F18) and issuer script commands (86) protected by secure
 * messaging: CLA '84', the MAC over header || ATC || ARQC || data (Book 2
 * §9.2.1, the ATC and ARQC included as CCD recommends) with the SMI session key.
 */
import { type Bytes, concat } from '../apdu/index.js';
import { encodeTlv } from '../apdu/index.js';
import { issuerScriptMac, issuerScriptMacInput } from '../crypto/index.js';
import type { CryptogramContext } from './cryptogram-check.js';

export type ScriptCommandName = 'pin-unblock' | 'application-block' | 'application-unblock' | 'card-block';
export const SCRIPT_COMMANDS: readonly ScriptCommandName[] = ['pin-unblock', 'application-block', 'application-unblock', 'card-block'];

/** CLA INS P1 P2 of the Book 3 §6.5 issuer script commands, with secure messaging (CLA '84'). */
const HEADERS: Record<ScriptCommandName, readonly number[]> = {
  'pin-unblock': [0x84, 0x24, 0x00, 0x00], // PIN CHANGE/UNBLOCK, P2 = 00: unblock only (Book 3 §6.5.10)
  'application-block': [0x84, 0x1e, 0x00, 0x00], // APPLICATION BLOCK (Book 3 §6.5.1)
  'application-unblock': [0x84, 0x18, 0x00, 0x00], // APPLICATION UNBLOCK (Book 3 §6.5.2)
  'card-block': [0x84, 0x16, 0x00, 0x00], // CARD BLOCK (Book 3 §6.5.3)
};

/** Where a command is delivered by default: blocking before the second GENERATE AC, the rest after it. */
export const DEFAULT_TEMPLATE: Record<ScriptCommandName, '71' | '72'> = {
  'pin-unblock': '72',
  'application-block': '71',
  'application-unblock': '72',
  'card-block': '71',
};

/** One secure-messaging script command: header (Lc = MAC length) followed by the MAC. */
export function scriptCommand(name: ScriptCommandName, context: CryptogramContext, macLength = 8): Bytes {
  const header = Uint8Array.of(...HEADERS[name], macLength);
  const macInput = issuerScriptMacInput(header, context.atcBytes, context.arqc);
  return concat(header, issuerScriptMac(context.sessionKeySmi, macInput, macLength, context.algorithm));
}

/** A complete 71/72 template with script identifier 9F18 = '00 00' || ATC and the command. */
export function issuerScript(
  name: ScriptCommandName,
  context: CryptogramContext,
  options: { template?: '71' | '72'; macLength?: number } = {},
): Bytes {
  const template = options.template ?? DEFAULT_TEMPLATE[name];
  const scriptId = concat(new Uint8Array(2), context.atcBytes);
  return encodeTlv(template, [
    { tag: '9F18', value: scriptId },
    { tag: '86', value: scriptCommand(name, context, options.macLength ?? 8) },
  ]);
}
