/**
 * Initiate application processing, Book 3 §10.1: build the PDOL data from the
 * terminal's data (§5.4), send GET PROCESSING OPTIONS, and take the AIP and
 * AFL from response format 1 (80) or format 2 (77). 6985 ("conditions of use
 * not satisfied") sends the kernel back to application selection without this
 * application.
 */
import { type Bytes, concat, toHex } from '../apdu/index.js';
import { EmvsimError } from '../apdu/index.js';
import { decodeTlv, encodeLength, findTag } from '../apdu/index.js';
import { apdu, sendCommand } from './card-io.js';
import type { TransactionContext } from './context.js';
import { buildDol } from './dol-data.js';

export type InitiateResult = 'ok' | 'conditions-not-satisfied';

/** Stores a card data element; a second occurrence terminates (Book 3 §10.2: redundant data). */
export function storeCardData(ctx: TransactionContext, tag: string, value: Bytes, where: string): void {
  if (ctx.card.has(tag) && !FCI_TAGS.has(tag)) ctx.terminate(`redundant data: tag ${tag} occurs again in ${where} (Book 3 §10.2)`);
  ctx.card.set(tag, value);
}

/** Tags of the FCI that records may legitimately repeat (the FCI is not part of "data read from the ICC" in §10.2). */
const FCI_TAGS = new Set(['84', '50', '87', '9F38', '5F2D', '9F11', '9F12', 'BF0C', '88']);

export async function initiateApplicationProcessing(ctx: TransactionContext): Promise<InitiateResult> {
  const pdol = ctx.tag('9F38');
  const pdolData = pdol ? buildDol(ctx, pdol, 'PDOL') : new Uint8Array(0);
  ctx.pdolData = pdolData;
  if (pdol) ctx.decide(`PDOL ${toHex(pdol)} filled with terminal data (${pdolData.length} bytes)`);
  else ctx.decide('no PDOL: GET PROCESSING OPTIONS with an empty command template 83 00');
  const template = concat(Uint8Array.of(0x83), encodeLength(pdolData.length), pdolData);
  const r = await sendCommand(ctx, apdu.getProcessingOptions(template), 'GET PROCESSING OPTIONS');
  if (r.sw === 0x6985) {
    ctx.decide('GET PROCESSING OPTIONS answered 6985 (conditions of use not satisfied): back to application selection (Book 3 §10.1)');
    return 'conditions-not-satisfied';
  }
  if (r.sw !== 0x9000) ctx.terminate(`GET PROCESSING OPTIONS answered ${toHex(Uint8Array.of(r.sw1, r.sw2))}`);
  let aip: Bytes | undefined;
  let afl: Bytes | undefined;
  try {
    const list = decodeTlv(r.data);
    const top = list[0];
    if (top?.tag === '80' && list.length === 1) {
      // Format 1: AIP (2 bytes) followed by the AFL (Book 3 §6.5.8.4).
      if (top.value.length < 2) ctx.terminate('GPO format 1 response shorter than the AIP');
      aip = top.value.slice(0, 2);
      afl = top.value.slice(2);
    } else if (top?.tag === '77' && list.length === 1) {
      aip = findTag(top.children ?? [], '82')?.value;
      afl = findTag(top.children ?? [], '94')?.value;
      for (const o of top.children ?? []) if (!o.children && o.tag !== '82' && o.tag !== '94') storeCardData(ctx, o.tag, o.value, 'GPO response');
    } else {
      ctx.terminate('GPO response is neither format 1 (80) nor format 2 (77) (Book 3 §6.5.8.4)');
    }
  } catch (err) {
    if (err instanceof EmvsimError && !(err.code === 'TERMINATED')) ctx.terminate(`GPO response does not parse: ${err.message}`);
    throw err;
  }
  if (!aip || aip.length !== 2) ctx.terminate('GPO response lacks the AIP (82), mandatory (Book 3 §10.1)');
  if (!afl || afl.length === 0 || afl.length % 4 !== 0) ctx.terminate('GPO response lacks a valid AFL (94) (Book 3 §10.1)');
  ctx.card.set('82', aip);
  ctx.card.set('94', afl);
  ctx.decide(`AIP ${toHex(aip)}, AFL ${toHex(afl)}`);
  return 'ok';
}
