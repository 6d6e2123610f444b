/**
 * Application selection, EMV Book 1 §12 (Book 3 §10.1 hands over to it):
 * 1. Try the PSE directory 1PAY.SYS.DDF01 (§12.3.2) and read its records;
 * 2. otherwise (6A82, or nothing usable in the directory) SELECT each AID in the
 *    terminal's list (§12.3.3), with partial matching when the terminal's ASI
 *    allows it (SELECT next occurrence, P2 = 02);
 * 3. order the candidates by Application Priority Indicator (87), ask the
 *    cardholder to choose or confirm (§12.4), and SELECT the final one.
 * A blocked application (6283) is not a candidate; a SELECT answered 6A81
 * (card blocked or command not supported), whether the PSE SELECT (§12.3.2)
 * or any SELECT of the list-of-AIDs method (§12.3.3 step 2), terminates the
 * card session.
 */
import { type Bytes, ascii, fromHex, toAscii, toHex } from '../apdu/index.js';
import { EmvsimError } from '../apdu/index.js';
import { type Tlv, decodeTlv, findAll, findTag, flattenTlv } from '../apdu/index.js';
import type { SupportedApplication } from './config.js';
import { apdu, sendCommand } from './card-io.js';
import type { TransactionContext } from './context.js';
import type { ApplicationChoice } from './environment.js';

export const PSE_NAME = '1PAY.SYS.DDF01';

export interface Candidate extends ApplicationChoice {
  /** The terminal application the card AID matched. */
  config: SupportedApplication;
}

function safeDecode(data: Bytes): Tlv[] | undefined {
  try {
    return decodeTlv(data);
  } catch (err) {
    if (err instanceof EmvsimError) return undefined;
    throw err;
  }
}

/** Terminal application matching a card AID: exact, or partial when the ASI allows (Book 1 §12.3.1). */
export function matchApplication(cardAid: string, apps: readonly SupportedApplication[]): SupportedApplication | undefined {
  const aid = cardAid.toUpperCase();
  const exact = apps.find((a) => a.aid.toUpperCase() === aid);
  if (exact) return exact;
  return apps.find((a) => a.partialSelection && aid.startsWith(a.aid.toUpperCase()) && aid.length > a.aid.length);
}

function priorityOf(list: Tlv[] | undefined): { priority: number; confirmationRequired: boolean } {
  const p = list ? findTag(list, '87') : undefined;
  const b = p?.value[0] ?? 0;
  return { priority: b & 0x0f, confirmationRequired: (b & 0x80) !== 0 };
}

function labelOf(list: Tlv[], fallback: string): string {
  const preferred = findTag(list, '9F12');
  const label = findTag(list, '50');
  const v = preferred ?? label;
  return v ? toAscii(v.value).trim() : fallback;
}

/** Book 1 §12.3.2: the PSE directory. Returns undefined when the terminal must fall back to the list of AIDs. */
async function candidatesFromPse(ctx: TransactionContext): Promise<Candidate[] | undefined> {
  const r = await sendCommand(ctx, apdu.selectByName(ascii(PSE_NAME)), 'SELECT PSE');
  if (r.sw === 0x6a81) ctx.terminate('card blocked or SELECT not supported: SELECT PSE answered 6A81 (Book 1 §12.3.2)');
  if (r.sw !== 0x9000) {
    ctx.decide(`PSE not available (SW ${r.sw.toString(16).toUpperCase()}): using the terminal's list of AIDs (Book 1 §12.3.3)`);
    return undefined;
  }
  const fci = safeDecode(r.data);
  const sfiTlv = fci ? findTag(fci, '88') : undefined;
  const sfi = sfiTlv?.value[0];
  if (sfi === undefined || sfi < 1 || sfi > 10) {
    ctx.decide('PSE FCI has no valid directory SFI (88): using the list of AIDs');
    return undefined;
  }
  const out: Candidate[] = [];
  for (let record = 1; record <= 32; record++) {
    const rr = await sendCommand(ctx, apdu.readRecord(sfi, record), `READ RECORD PSE ${sfi}.${record}`);
    if (rr.sw === 0x6a83) break;
    if (rr.sw !== 0x9000) {
      ctx.decide(`PSE directory record ${record} answered ${rr.sw.toString(16).toUpperCase()}: using the list of AIDs`);
      return undefined;
    }
    const rec = safeDecode(rr.data);
    if (!rec || rec[0]?.tag !== '70') {
      ctx.decide(`PSE directory record ${record} is not a 70 template: using the list of AIDs`);
      return undefined;
    }
    for (const entry of findAll(rec, '61')) {
      const kids = entry.children ?? [];
      const aidTlv = findTag(kids, '4F');
      if (!aidTlv) continue;
      const aid = toHex(aidTlv.value);
      const config = matchApplication(aid, ctx.env.config.applications);
      if (!config) {
        ctx.decide(`directory entry ${aid} is not supported by the terminal`);
        continue;
      }
      out.push({ aid, label: labelOf(kids, config.label), config, ...priorityOf(kids) });
    }
  }
  if (out.length === 0) {
    ctx.decide('no supported application in the PSE directory: using the list of AIDs (Book 1 §12.3.2 step 5)');
    return undefined;
  }
  ctx.decide(`PSE directory lists ${out.map((c) => c.aid).join(', ')}`);
  return out;
}

/**
 * Book 1 §12.3.3: SELECT each terminal AID, following partial matches with "next occurrence".
 * Step 2: a SELECT answered 6A81 (card blocked or SELECT not supported) terminates the
 * card session, whichever SELECT of the list it is.
 */
async function candidatesFromAidList(ctx: TransactionContext): Promise<Candidate[]> {
  const out: Candidate[] = [];
  for (const app of ctx.env.config.applications) {
    let next = false;
    for (let occurrence = 0; occurrence < 16; occurrence++) {
      const r = await sendCommand(ctx, apdu.selectByName(fromHex(app.aid), next), `SELECT ${app.aid}${next ? ' (next)' : ''}`);
      if (r.sw === 0x6a81) ctx.terminate(`card blocked or SELECT not supported: SELECT ${app.aid} answered 6A81 (Book 1 §12.3.3 step 2)`);
      if (r.sw !== 0x9000 && r.sw !== 0x6283) break;
      const fci = safeDecode(r.data);
      const dfName = fci ? findTag(fci, '84') : undefined;
      if (!dfName) break;
      const cardAid = toHex(dfName.value);
      const exact = cardAid === app.aid.toUpperCase();
      const partial = !exact && app.partialSelection && cardAid.startsWith(app.aid.toUpperCase());
      if (r.sw === 0x6283) {
        ctx.decide(`application ${cardAid} is blocked (6283): not a candidate (Book 1 §12.3.3)`);
      } else if (exact || partial) {
        if (!out.some((c) => c.aid === cardAid)) {
          out.push({ aid: cardAid, label: labelOf(fci ?? [], app.label), config: app, ...priorityOf(fci) });
          ctx.decide(`candidate ${cardAid}${partial ? ` (partial match of ${app.aid})` : ''}`);
        }
      } else if (cardAid.startsWith(app.aid.toUpperCase())) {
        ctx.decide(`card AID ${cardAid} matches ${app.aid} only partially and the terminal requires an exact match (ASI)`);
      }
      // Only a partial-selection AID asks for further occurrences (Book 1 §12.3.3 step 4).
      if (!app.partialSelection || exact) break;
      next = true;
    }
  }
  return out;
}

/** Builds the candidate list (PSE or list of AIDs), in priority order. */
export async function buildCandidateList(ctx: TransactionContext): Promise<Candidate[]> {
  const fromPse = ctx.env.config.usePse ? await candidatesFromPse(ctx) : undefined;
  const list = fromPse ?? (await candidatesFromAidList(ctx));
  // Book 1 §12.4: priority 1 is highest, 0 (no priority) is lowest; stable otherwise.
  const rank = (p: number) => (p === 0 ? 16 : p);
  return [...list].sort((a, b) => rank(a.priority) - rank(b.priority));
}

/**
 * Book 1 §12.4: choose the application. Several candidates: the cardholder
 * chooses; one candidate needing confirmation: the cardholder confirms.
 * Returns undefined when nothing can be selected.
 */
export async function chooseCandidate(ctx: TransactionContext, candidates: Candidate[]): Promise<Candidate | undefined> {
  if (candidates.length === 0) return undefined;
  const attended = (ctx.env.config.terminalType % 16) <= 3;
  if (candidates.length > 1) {
    const index = await ctx.env.cardholder.chooseApplication(candidates.map(({ config: _c, ...choice }) => choice));
    if (index === undefined || !candidates[index]) {
      ctx.decide('cardholder cancelled application choice');
      return undefined;
    }
    ctx.decide(`cardholder chose ${candidates[index].label} (${candidates[index].aid})`);
    return candidates[index];
  }
  const only = candidates[0]!;
  if (only.confirmationRequired) {
    const { config: _c, ...choice } = only;
    const ok = await ctx.env.cardholder.confirmApplication(choice);
    ctx.decide(`application ${only.label} requires cardholder confirmation (87 b8): ${ok ? 'confirmed' : 'refused'}`);
    if (!ok) return undefined;
  } else if (!attended) {
    ctx.decide(`single candidate ${only.label} selected without confirmation`);
  }
  return only;
}

/** Final SELECT of the chosen application (Book 1 §12.4 step 4); stores the FCI data. */
export async function finalSelect(ctx: TransactionContext, chosen: Candidate): Promise<boolean> {
  const r = await sendCommand(ctx, apdu.selectByName(fromHex(chosen.aid)), `SELECT ${chosen.aid} (final)`);
  // 6A81 means "card blocked or SELECT not supported" wherever it answers a SELECT (Book 1
  // §12.3.2, §12.3.3 step 2): the final SELECT of Book 1 §12.4 is no exception, so the card
  // session ends rather than trying the next candidate on a blocked card. The open kernel
  // openemv/emv-utils does the same (src/emv_tal.c emv_tal_select_app, "See EMV 4.4 Book 1, 12.4":
  // 6A81 terminates, 6A82/6283/other remove the application).
  // Book 1 §12.4's own text on 6A81 is not quoted publicly; this reading is not a quote.
  if (r.sw === 0x6a81) ctx.terminate(`card blocked or SELECT not supported: final SELECT ${chosen.aid} answered 6A81 (Book 1 §12.4, §12.3.2)`);
  if (r.sw !== 0x9000) {
    ctx.decide(`final SELECT of ${chosen.aid} answered ${r.sw.toString(16).toUpperCase()}: removed from the candidates`);
    return false;
  }
  const fci = safeDecode(r.data);
  const dfName = fci ? findTag(fci, '84') : undefined;
  if (!fci || !dfName || toHex(dfName.value) !== chosen.aid) {
    ctx.decide(`final SELECT of ${chosen.aid} returned an unusable FCI: removed from the candidates`);
    return false;
  }
  ctx.card.clear();
  for (const [tag, value] of flattenTlv(fci)) ctx.card.set(tag, value);
  ctx.application = { aid: chosen.aid, label: chosen.label, config: chosen.config, priority: chosen.priority };
  ctx.decide(`selected ${chosen.label} (${chosen.aid})`);
  return true;
}

