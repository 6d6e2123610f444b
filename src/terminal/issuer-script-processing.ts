/**
 * Issuer script processing, Book 3 §10.10: templates 71 are delivered before
 * the final GENERATE AC, templates 72 after it. Each issuer script command
 * (86) is sent as received; a status other than 90xx, 62xx or 63xx stops that
 * script and sets "Script processing failed before/after final GENERATE AC".
 * The Issuer Script Results (9F5B) record each script (Book 4 Annex A5):
 * result nibble (1 failed, 2 successful) + command sequence number + script id.
 */
import { type Bytes, concat, toHex } from '../apdu/index.js';
import { decodeCommand } from '../apdu/index.js';
import { EmvsimError } from '../apdu/index.js';
import { decodeTlv } from '../apdu/index.js';
import { sendCommand } from './card-io.js';
import type { TransactionContext } from './context.js';

function scriptResult(status: 1 | 2, sequence: number, scriptId: Bytes | undefined): Bytes {
  const seq = Math.min(sequence, 15);
  return concat(Uint8Array.of((status << 4) | seq), scriptId && scriptId.length === 4 ? scriptId : new Uint8Array(4));
}

/** Runs the scripts of one template kind; returns how many ran. */
export async function issuerScriptProcessing(ctx: TransactionContext, template: '71' | '72'): Promise<number> {
  const failedBit = template === '71' ? 'scriptFailedBeforeFinalGenerateAc' : 'scriptFailedAfterFinalGenerateAc';
  let count = 0;
  for (const raw of ctx.issuerScripts) {
    if (toHex(raw.subarray(0, 1)) !== template) continue;
    count++;
    ctx.tsi.set('scriptProcessingPerformed');
    let commands: Bytes[] = [];
    let scriptId: Bytes | undefined;
    try {
      const top = decodeTlv(raw)[0]!;
      for (const child of top.children ?? []) {
        if (child.tag === '9F18') scriptId = child.value;
        else if (child.tag === '86') commands.push(child.value);
      }
    } catch (err) {
      if (!(err instanceof EmvsimError)) throw err;
      commands = [];
    }
    const name = `script ${template}${scriptId ? ` ${toHex(scriptId)}` : ''}`;
    if (commands.length === 0) {
      ctx.setTvr(failedBit, `${name} has no usable commands`);
      ctx.issuerScriptResults.push(scriptResult(1, 0, scriptId));
      continue;
    }
    let failedAt = 0;
    for (let i = 0; i < commands.length; i++) {
      let ok = false;
      try {
        const r = await sendCommand(ctx, decodeCommand(commands[i]!), `issuer script command ${i + 1} (${name})`);
        ok = r.sw1 === 0x90 || r.sw1 === 0x62 || r.sw1 === 0x63;
      } catch (err) {
        if (!(err instanceof EmvsimError) || err.code === 'TERMINATED') throw err;
      }
      if (!ok) {
        failedAt = i + 1;
        break;
      }
    }
    if (failedAt > 0) {
      ctx.setTvr(failedBit, `${name}: command ${failedAt} failed`);
      ctx.issuerScriptResults.push(scriptResult(1, failedAt, scriptId));
    } else {
      ctx.decide(`${name}: ${commands.length} command(s) processed`);
      ctx.issuerScriptResults.push(scriptResult(2, 0, scriptId));
    }
  }
  return count;
}
