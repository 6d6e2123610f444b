/**
 * Terminal risk management, Book 3 §10.6: terminal exception file, floor
 * limit with the terminal's log of the same card (split sales, §10.6.1),
 * random transaction selection (§10.6.2, injected random source), velocity
 * checking with the consecutive offline limits and the ATC / last online ATC
 * register read with GET DATA (§10.6.3), and the new-card check.
 */
import { fromCn, readUint, toHex } from '../apdu/index.js';
import { AIP, isBitSet } from '../apdu/index.js';
import { EmvsimError } from '../apdu/index.js';
import { decodeTlv, findTag } from '../apdu/index.js';
import { apdu, sendCommand } from './card-io.js';
import type { RandomSelectionParameters } from './config.js';
import { terminalTypeInfo } from './config.js';
import type { TransactionContext } from './context.js';

/**
 * Book 3 §10.6.2: a transaction below the threshold is selected when a random
 * number 1..99 is at most the target percentage; between the threshold and the
 * floor limit the percentage rises linearly towards the maximum target.
 * Returns the percentage used (0 when random selection does not apply).
 */
export function randomSelectionPercentage(amount: number, floorLimit: number, p: RandomSelectionParameters): number {
  if (amount >= floorLimit) return 0;
  if (amount < p.thresholdMinor) return p.targetPercent;
  const span = floorLimit - p.thresholdMinor;
  if (span <= 0) return p.targetPercent;
  const interpolation = (amount - p.thresholdMinor) / span;
  return p.targetPercent + (p.maxTargetPercent - p.targetPercent) * interpolation;
}

async function getDataNumber(ctx: TransactionContext, tag: number, name: string): Promise<number | undefined> {
  const r = await sendCommand(ctx, apdu.getData(tag), `GET DATA ${name}`);
  if (r.sw !== 0x9000) return undefined;
  try {
    const v = findTag(decodeTlv(r.data), tag.toString(16).toUpperCase())?.value;
    return v && v.length === 2 ? readUint(v) : undefined;
  } catch (err) {
    if (err instanceof EmvsimError) return undefined;
    throw err;
  }
}

function exceptionFile(ctx: TransactionContext, pan: string, psn: string | undefined): void {
  const hit = ctx.env.config.exceptionFile.find((e) => e.pan === pan && (e.panSequenceNumber === undefined || e.panSequenceNumber === psn));
  if (hit) ctx.setTvr('cardOnExceptionFile', `PAN ${pan} is on the terminal exception file (Book 3 §10.6.1)`);
}

function floorLimit(ctx: TransactionContext, pan: string, psn: string | undefined): void {
  const limit = ctx.application?.config.floorLimitMinor ?? 0;
  // §10.6.1 split sales: the most recent log entry with this PAN, not the sum of the log.
  const logged = ctx.env.transactionLog?.mostRecentFor(pan, psn)?.amountMinor ?? 0;
  const total = ctx.request.amountMinor + logged;
  if (total >= limit) {
    ctx.setTvr(
      'floorLimitExceeded',
      `amount ${ctx.request.amountMinor}${logged ? ` + ${logged} of the most recent logged transaction of this card (split sale)` : ''} >= floor limit ${limit}`,
    );
  } else {
    ctx.decide(`amount ${total}${logged ? ` (with ${logged} of the most recent logged transaction of this card)` : ''} under the floor limit ${limit}`);
  }
}

function randomSelection(ctx: TransactionContext): void {
  const app = ctx.application?.config;
  if (!app) return;
  // §10.6.2: offline-only terminals do not select randomly for online.
  if (!terminalTypeInfo(ctx.env.config.terminalType).onlineCapable) return;
  const pct = randomSelectionPercentage(ctx.request.amountMinor, app.floorLimitMinor, app.randomSelection);
  if (pct <= 0) return;
  const draw = ctx.env.random.percent();
  if (draw <= pct) ctx.setTvr('randomlySelectedForOnline', `random number ${draw} <= transaction target percentage ${pct.toFixed(1)}`);
  else ctx.decide(`random number ${draw} > transaction target percentage ${pct.toFixed(1)}: not selected`);
}

/**
 * Book 3 §10.6.3 velocity checking. Both consecutive offline limit bits are set when the ATC or
 * the Last Online ATC Register is not returned, or when the ATC is less than or equal to the Last
 * Online ATC Register (a count that cannot be trusted). "New card" is set whenever the Last
 * Online ATC Register is returned and is zero, whether or not GET DATA for the ATC succeeded.
 */
async function velocity(ctx: TransactionContext): Promise<void> {
  const lcol = ctx.tag('9F14');
  const ucol = ctx.tag('9F23');
  if (!lcol || !ucol) {
    ctx.decide('no consecutive offline limits (9F14/9F23): velocity checking skipped (Book 3 §10.6.3)');
    return;
  }
  const atc = await getDataNumber(ctx, 0x9f36, 'ATC');
  const lastOnline = await getDataNumber(ctx, 0x9f13, 'last online ATC register');
  const bothBits = (why: string) => {
    ctx.tvr.set('lowerConsecutiveOfflineLimitExceeded');
    ctx.tvr.set('upperConsecutiveOfflineLimitExceeded');
    ctx.decide(`${why}: both consecutive offline limits count as exceeded (Book 3 §10.6.3)`, [
      'lowerConsecutiveOfflineLimitExceeded',
      'upperConsecutiveOfflineLimitExceeded',
    ]);
  };
  if (atc === undefined || lastOnline === undefined) {
    bothBits('ATC or last online ATC not returned by GET DATA');
  } else if (atc <= lastOnline) {
    bothBits(`ATC ${atc} is not greater than the last online ATC register ${lastOnline}`);
  } else {
    const offline = atc - lastOnline;
    if (offline > lcol[0]!) ctx.setTvr('lowerConsecutiveOfflineLimitExceeded', `${offline} offline transactions since the last online > LCOL ${lcol[0]}`);
    if (offline > ucol[0]!) ctx.setTvr('upperConsecutiveOfflineLimitExceeded', `${offline} offline transactions since the last online > UCOL ${ucol[0]}`);
    if (offline <= lcol[0]!) ctx.decide(`${offline} offline transactions since the last online (ATC ${atc}, last online ATC ${lastOnline}) within LCOL ${lcol[0]}`);
  }
  if (lastOnline === 0) ctx.setTvr('newCard', 'last online ATC register is 0 (Book 3 §10.6.3)');
}

export async function terminalRiskManagement(ctx: TransactionContext): Promise<string> {
  const aip = ctx.tag('82') ?? new Uint8Array(2);
  const pan = fromCn(ctx.tag('5A') ?? new Uint8Array(0));
  const psnBytes = ctx.tag('5F34');
  const psn = psnBytes ? toHex(psnBytes) : undefined;
  // Book 3 §10.6 / Book 4 §6.5.2: the exception file is checked whenever the terminal has one.
  exceptionFile(ctx, pan, psn);
  if (ctx.request.merchantForcedOnline) ctx.setTvr('merchantForcedOnline', 'merchant forced the transaction online');
  if (!isBitSet(aip, AIP.terminalRiskManagementRequired)) {
    ctx.decide('AIP: terminal risk management not required by the card (Book 3 §10.6)');
    return 'not required';
  }
  floorLimit(ctx, pan, psn);
  randomSelection(ctx);
  await velocity(ctx);
  ctx.tsi.set('terminalRiskManagementPerformed');
  return 'performed';
}
