/**
 * Command routing by CLA and INS (EMV Book 3 §6.3 Table 10, Book 1 §11):
 * which classes each instruction accepts. A class the card knows with an
 * instruction it does not: 6D00; a class it does not know: 6E00.
 */
import type { DecodedCommand } from '../../apdu/index.js';
import { type Answer, type CardEngine, sw } from '../engine.js';
import { externalAuthenticate, internalAuthenticate } from '../app/authenticate.js';
import { generateAc } from '../app/generate-ac.js';
import { getProcessingOptions } from '../app/gpo.js';
import { SCRIPT_INS, issuerScriptCommand } from '../app/scripts.js';
import { verify } from '../app/verify.js';
import { getChallenge, getData, readRecord } from './records.js';
import { select } from './select.js';

type Handler = (card: CardEngine, cmd: DecodedCommand) => Answer;

/** INS -> [accepted CLA values, handler]. */
const ROUTES: ReadonlyMap<number, [readonly number[], Handler]> = new Map([
  [0xa4, [[0x00], select]],
  [0xb2, [[0x00], readRecord]],
  [0xa8, [[0x80], getProcessingOptions]],
  [0xca, [[0x80], getData]],
  [0x84, [[0x00], getChallenge]],
  [0x20, [[0x00], verify]],
  [0x88, [[0x00], internalAuthenticate]],
  [0x82, [[0x00], externalAuthenticate]],
  [0xae, [[0x80], generateAc]],
  [0x24, [[0x84], issuerScriptCommand]],
  [0x1e, [[0x84], issuerScriptCommand]],
  [0x18, [[0x84], issuerScriptCommand]],
  [0x16, [[0x84], issuerScriptCommand]],
  [0xda, [[0x04, 0x84], issuerScriptCommand]],
  [0xdc, [[0x04, 0x84], issuerScriptCommand]],
]);

const KNOWN_CLASSES = new Set([0x00, 0x04, 0x80, 0x84]);

export function routeCommand(card: CardEngine, cmd: DecodedCommand): Answer {
  if (!KNOWN_CLASSES.has(cmd.cla)) return sw(0x6e00);
  const route = ROUTES.get(cmd.ins);
  if (!route) return sw(0x6d00);
  const [classes, handler] = route;
  if (!classes.includes(cmd.cla)) {
    // Script instructions sent without secure messaging: security status not satisfied.
    if (SCRIPT_INS.has(cmd.ins) && (cmd.cla === 0x00 || cmd.cla === 0x80)) return sw(0x6982);
    return sw(0x6e00);
  }
  return handler(card, cmd);
}
