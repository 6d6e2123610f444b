/**
 * Card risk management (EMV Book 3 §10.6 card action analysis as the card
 * performs it; the CCD / VIS card behaviour) and the Card Verification Results.
 *
 * CVR (4 bytes, VIS / CVN 10-18 layout), carried in 9F10 = 06 | DKI | CVN | CVR:
 *   byte 1  03 (length of the CVR that follows)
 *   byte 2  b8b7 AC returned in 2nd GENERATE AC: 00 AAC, 01 TC, 10 second GENERATE AC not requested
 *           b6b5 AC returned in 1st GENERATE AC: 00 AAC, 01 TC, 10 ARQC
 *           b4 issuer authentication performed and failed
 *           b3 offline PIN verification performed    b2 offline PIN verification failed
 *           b1 unable to go online
 *   byte 3  b8 last online transaction not completed b7 PIN try limit exceeded
 *           b6 exceeded velocity checking counters   b5 new card
 *           b4 issuer authentication failure on last online transaction
 *           b3 issuer authentication not performed after online authorisation
 *           b2 application blocked by card because PIN try limit exceeded
 *   byte 4  b8-b5 number of issuer script commands processed (last transaction with scripts)
 *           b4 issuer script processing failed
 *
 * Decisions, never stronger than requested (Book 3 §9.3: AAC < TC < ARQC in "strength" of
 * what the card grants: asked TC -> TC, ARQC or AAC; asked ARQC -> ARQC or AAC; asked AAC -> AAC).
 */
import { type Bytes, concat, fromHex, readUint, toHex, VISA_CVR } from '../../apdu/index.js';
import { dolValue } from '../dol-view.js';
import type { CardEngine } from '../engine.js';

export const AAC = 0x00;
export const TC = 0x40;
export const ARQC = 0x80;

/** CID reason codes (9F27 b3-b1) and the advice bit b4 (Book 3 Table 14). */
export const CID_ADVICE = 0x08;
export const REASON_PIN_TRY_LIMIT = 0x02;
export const REASON_ISSUER_AUTH_FAILED = 0x03;

export interface Decision {
  type: number;
  /** CID low bits (advice + reason). */
  cidFlags: number;
  /** CVR byte 3 flags found by the checks. */
  cvrByte3: number;
  unableToGoOnline: boolean;
}

export interface RiskLimits {
  lower: number;
  upper: number;
  cumulativeAmount: number;
}

/** Limits after PUT DATA updates (9F14, 9F23, 9F54). */
export function riskLimits(card: CardEngine): RiskLimits {
  const o = card.nv.dataOverrides;
  const r = card.profile.risk;
  return {
    lower: o['9F14'] ? readUint(fromHex(o['9F14'])) : r.lowerConsecutiveOfflineLimit,
    upper: o['9F23'] ? readUint(fromHex(o['9F23'])) : r.upperConsecutiveOfflineLimit,
    cumulativeAmount: o['9F54'] ? Number(o['9F54']) : r.cumulativeOfflineAmountLimit,
  };
}

/** Amount authorised (9F02, n12) from DOL data; 0 when absent or not BCD. */
export function amountOf(card: CardEngine, view: Parameters<typeof dolValue>[0], data: Bytes): number {
  const v = dolValue(view, data, '9F02');
  if (!v) return 0;
  const hex = toHex(v);
  return /^[0-9]+$/.test(hex) ? Number(hex) : Number.MAX_SAFE_INTEGER;
}

function sameCurrency(card: CardEngine, data: Bytes): boolean {
  const v = dolValue(card.layout.cdol1, data, '5F2A');
  if (!v) return true;
  return toHex(v).toLowerCase() === card.profile.currency;
}

/**
 * CVR byte 3 flags that describe the card's history (not this transaction). b8 "last online
 * transaction not completed" is about the PREVIOUS transaction: in the second GENERATE AC the
 * non-volatile flag has been set by this transaction's own ARQC, so the value the first
 * GENERATE AC saw is used (volatile; a tear before the second GENERATE AC leaves the
 * non-volatile flag set, and the next transaction reports it).
 */
function historyFlags(card: CardEngine): number {
  const nv = card.nv;
  let f = 0;
  // Visa CVR byte 3 (the bit table: src/apdu/card-verification-results.ts).
  if (card.v.previousOnlineNotCompleted ?? nv.lastOnlineNotCompleted) f |= VISA_CVR.lastOnlineNotCompleted.mask;
  if (nv.pinTryCounter === 0) f |= VISA_CVR.ptlExceeded.mask;
  if (nv.lastOnlineAtc === 0) f |= VISA_CVR.newCard.mask;
  if (nv.issuerAuthFailedLastOnline) f |= VISA_CVR.lastIssuerAuthenticationFailed.mask;
  if (nv.pinTryCounter === 0 && nv.applicationBlocked && card.profile.risk.blockApplicationOnPinTryLimitExceeded) f |= VISA_CVR.blockedByPtl.mask;
  return f;
}

/** First GENERATE AC: what the card answers to the requested type (Book 3 §10.6, CCD C.4). */
export function decideFirst(card: CardEngine, requested: number, cdol1Data: Bytes): Decision {
  const r = card.profile.risk;
  const nv = card.nv;
  const limits = riskLimits(card);
  let cvrByte3 = historyFlags(card);
  const decision = (type: number, cidFlags = 0): Decision => ({ type, cidFlags, cvrByte3, unableToGoOnline: false });

  if (requested === AAC || nv.applicationBlocked) return decision(AAC);
  if (nv.pinTryCounter === 0 && r.declineIfPinTryLimitExceeded) return decision(AAC, CID_ADVICE | REASON_PIN_TRY_LIMIT);

  let online = r.preferOnline;
  if (nv.pinTryCounter === 0 && r.onlineIfPinTryLimitExceeded) online = true;
  if (nv.issuerAuthFailedLastOnline && r.onlineIfIssuerAuthFailed) online = true;
  if (nv.lastOnlineNotCompleted) online = true;
  if (nv.lastOnlineAtc === 0 && r.newCardOnline) online = true;
  const amount = amountOf(card, card.layout.cdol1, cdol1Data);
  const velocityExceeded =
    nv.consecutiveOffline >= limits.lower ||
    !sameCurrency(card, cdol1Data) ||
    nv.cumulativeOfflineAmount + amount > limits.cumulativeAmount;
  if (velocityExceeded) {
    cvrByte3 |= VISA_CVR.velocityExceeded.mask;
    online = true;
  }
  if (requested === ARQC || online) return decision(ARQC);
  return decision(TC);
}

/** Authorisation response codes meaning "approved" (ISO 8583 '00', '10', '11') and "unable to go online". */
const APPROVED_ARC = new Set(['3030', '3130', '3131']);
const UNABLE_ONLINE_APPROVE = '5933'; // 'Y3'
const UNABLE_ONLINE_DECLINE = '5A33'; // 'Z3'

/** Second GENERATE AC (Book 3 §9.3, §10.9): TC or AAC, never stronger than requested. */
export function decideSecond(card: CardEngine, requested: number, cdol2Data: Bytes): Decision {
  const nv = card.nv;
  const r = card.profile.risk;
  const limits = riskLimits(card);
  const cvrByte3 = historyFlags(card);
  const arcBytes = dolValue(card.layout.cdol2, cdol2Data, '8A');
  const arc = arcBytes ? Array.from(arcBytes, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join('') : '';
  const unable = arc === UNABLE_ONLINE_APPROVE || arc === UNABLE_ONLINE_DECLINE;
  const decision = (type: number, cidFlags = 0): Decision => ({ type, cidFlags, cvrByte3, unableToGoOnline: unable });

  if (requested === AAC || nv.applicationBlocked) return decision(AAC);
  if (unable) {
    // Offline approval after failing to go online is bounded by the upper limits (Book 3 §10.6.3).
    const amount = amountOf(card, card.layout.cdol1, card.v.cdol1Data ?? new Uint8Array(0));
    if (nv.consecutiveOffline >= limits.upper || nv.cumulativeOfflineAmount + amount > limits.cumulativeAmount) return decision(AAC);
    if (nv.pinTryCounter === 0 && r.declineIfPinTryLimitExceeded) return decision(AAC, CID_ADVICE | REASON_PIN_TRY_LIMIT);
    return decision(TC);
  }
  if (arc !== '' && !APPROVED_ARC.has(arc)) return decision(AAC);
  if (card.v.issuerAuthResult === false && r.issuerAuthenticationRequired) return decision(AAC, CID_ADVICE | REASON_ISSUER_AUTH_FAILED);
  return decision(TC);
}

/** Builds the 4-byte VIS CVR for a GENERATE AC answer; bits named by VISA_CVR (src/apdu/card-verification-results.ts). */
export function cardVerificationResults(card: CardEngine, d: Decision, first: number | undefined, second: number | undefined): Bytes {
  const v = card.v;
  let b2 = 0;
  const acBits = (t: number) => (t === TC ? 0x1 : t === ARQC ? 0x2 : 0x0);
  b2 |= second === undefined ? 0x80 : acBits(second) << 6;
  if (first !== undefined) b2 |= acBits(first) << 4;
  if (v.issuerAuthResult === false) b2 |= VISA_CVR.issuerAuthenticationFailed.mask;
  if (v.offlinePinPerformed) b2 |= VISA_CVR.offlinePinPerformed.mask;
  if (v.offlinePinFailed) b2 |= VISA_CVR.offlinePinFailed.mask;
  if (d.unableToGoOnline) b2 |= VISA_CVR.unableToGoOnline.mask;
  let b3 = d.cvrByte3;
  if (second !== undefined && v.issuerAuthResult === undefined && card.profile.risk.issuerAuthenticationRequired && !d.unableToGoOnline) b3 |= VISA_CVR.issuerAuthenticationNotPerformed.mask;
  const scripts = v.scriptCommands > 0 || v.scriptFailed ? { n: v.scriptCommands, failed: v.scriptFailed } : { n: card.nv.scriptCommandsLastTransaction, failed: card.nv.scriptFailedLastTransaction };
  const b4 = (Math.min(scripts.n, 15) << 4) | (scripts.failed ? VISA_CVR.scriptFailed.mask : 0);
  return Uint8Array.of(0x03, b2, b3, b4);
}

/** Issuer application data (9F10): 06 | DKI | CVN | CVR. */
export function issuerApplicationData(card: CardEngine, cvr: Bytes): Bytes {
  const c = card.profile.cryptogram;
  return concat(Uint8Array.of(0x06, c.dki & 0xff, c.cvn & 0xff), cvr);
}

export function acTypeName(type: number): 'AAC' | 'TC' | 'ARQC' {
  return type === TC ? 'TC' : type === ARQC ? 'ARQC' : 'AAC';
}

