/**
 * GENERATE APPLICATION CRYPTOGRAM (EMV Book 3 §6.5.5, §9.3; Book 2 §6.6 CDA).
 *   P1 b8b7: 00 AAC, 40 TC, 80 ARQC (C0 RFU -> 6A86); b5 (10): CDA signature requested.
 *   First GENERATE AC carries CDOL1 data, the second CDOL2 data; a third -> 6985.
 * The card decides (risk.ts) and never answers a stronger cryptogram than requested.
 * The ATC is counted at GET PROCESSING OPTIONS (gpo.ts); a profile with `atcIncrement:
 * first-generate-ac` counts it here instead, before the cryptogram is computed (Book 3 §9.3,
 * Annex C: the cryptogram covers the new ATC). Every change to
 * non-volatile state (ATC, counters, flags, log) is persisted BEFORE the cryptogram is
 * computed: a power cut after the cryptogram left the card can then never let the same ATC
 * be used twice.
 * Response: format 1 '80' CID || ATC || AC || IAD, or format 2 '77' {9F27, 9F36, 9F26, 9F10};
 * with CDA (TC/ARQC): '77' {9F27, 9F36, 9F4B, 9F10}, the AC only inside 9F4B.
 */
import { type Bytes, concat, fromHex, uintBytes } from '../../apdu/index.js';
import type { DecodedCommand } from '../../apdu/index.js';
import { encodeTlv, encodeTlvList, type TlvInput } from '../../apdu/index.js';
import { createCdaSignature, transactionDataHashCode } from '../../crypto/index.js';
import { dolValue } from '../dol-view.js';
import { type Answer, type CardEngine, ok, sw } from '../engine.js';
import { applicationCryptogram, checkIssuerAuthenticationData } from './card-crypto.js';
import { countsAtcAtGpo } from './gpo.js';
import { appendLogEntry } from './log.js';
import { mchipCardVerificationResults, mchipIssuerApplicationData } from './mchip-iad.js';
import { AAC, ARQC, TC, type Decision, amountOf, cardVerificationResults, decideFirst, decideSecond, issuerApplicationData } from './risk.js';

const CDA_REQUESTED = 0x10;

export function generateAc(card: CardEngine, cmd: DecodedCommand): Answer {
  const requested = cmd.p1 & 0xc0;
  if (requested === 0xc0 || (cmd.p1 & 0x2f) !== 0 || cmd.p2 !== 0) return sw(0x6a86);
  if (card.selectedApplication === undefined) return sw(0x6985);
  const phase = card.v.phase;
  if (phase === 'gpo-done') return first(card, cmd, requested);
  if (phase === 'first-ac-done' && card.v.firstAcType === ARQC) return second(card, cmd, requested);
  return sw(0x6985); // before GPO, a third GENERATE AC, or a second one after a final TC/AAC
}

function first(card: CardEngine, cmd: DecodedCommand, requested: number): Answer {
  if (cmd.data.length !== card.layout.cdol1.length) return sw(0x6700);
  const countHere = !countsAtcAtGpo(card);
  if (countHere && card.nv.atc >= 0xffff) return sw(0x6985); // ATC exhausted: the application cannot transact
  const nv = card.nv;
  const d = decideFirst(card, requested, cmd.data);
  // What CVR byte 3 b8 says about the PREVIOUS transaction; the second GENERATE AC reports the
  // same, not the flag this transaction's ARQC is about to set (risk.ts historyFlags).
  card.v.previousOnlineNotCompleted = nv.lastOnlineNotCompleted;
  if (countHere) nv.atc += 1;
  if (d.type === ARQC) nv.lastOnlineNotCompleted = true;
  if (d.type === TC) countOffline(card, amountOf(card, card.layout.cdol1, cmd.data));
  card.v.cdol1Data = cmd.data;
  card.v.phase = 'first-ac-done';
  card.v.firstAcType = d.type;
  if (d.type !== ARQC) appendLogEntry(card, cmd.data, d.type | d.cidFlags);
  card.commit(); // the new ATC is durable before any cryptogram over it exists
  const iad = iadFor(card, cmd, d, d.type, undefined);
  const ac = applicationCryptogram(card, cmd.data, iad);
  card.v.firstAc = ac;
  return respond(card, cmd, d.type | d.cidFlags, ac, iad, cmd.data, undefined);
}

function second(card: CardEngine, cmd: DecodedCommand, requested: number): Answer {
  if (requested === ARQC) return sw(0x6a86); // Book 3 §9.3: the second GENERATE AC asks for TC or AAC
  if (cmd.data.length !== card.layout.cdol2.length) return sw(0x6700);
  const nv = card.nv;
  const v = card.v;
  // Issuer authentication data in CDOL2 when EXTERNAL AUTHENTICATE was not used (Book 3 §10.9).
  const iadIssuer = dolValue(card.layout.cdol2, cmd.data, '91');
  if (v.issuerAuthResult === undefined && iadIssuer && iadIssuer.some((b) => b !== 0)) {
    const result = checkIssuerAuthenticationData(card, v.firstAc!, issuerAuthenticationDataOf(iadIssuer, card));
    v.issuerAuthResult = result === true;
  }
  const d = decideSecond(card, requested, cmd.data);
  nv.lastOnlineNotCompleted = false;
  if (d.unableToGoOnline) {
    if (d.type === TC) countOffline(card, amountOf(card, card.layout.cdol1, v.cdol1Data ?? new Uint8Array(0)));
  } else {
    const authFailed = v.issuerAuthResult === false || (v.issuerAuthResult === undefined && card.profile.risk.issuerAuthenticationRequired);
    nv.issuerAuthFailedLastOnline = authFailed;
    if (d.type === TC) {
      nv.lastOnlineAtc = nv.atc;
      nv.consecutiveOffline = 0;
      nv.cumulativeOfflineAmount = 0;
    }
  }
  v.phase = 'second-ac-done';
  appendLogEntry(card, v.cdol1Data ?? new Uint8Array(0), d.type | d.cidFlags);
  card.commit(); // durable before the cryptogram is computed (see the module comment)
  const iad = iadFor(card, cmd, d, v.firstAcType, d.type);
  const ac = applicationCryptogram(card, cmd.data, iad);
  return respond(card, cmd, d.type | d.cidFlags, ac, iad, v.cdol1Data ?? new Uint8Array(0), cmd.data);
}

/** Largest value of the offline counters the card keeps: 2-byte counter, n 12 amount (Book 3 Annex A). */
const MAX_CONSECUTIVE_OFFLINE = 0xffff;
const MAX_AMOUNT_N12 = 999_999_999_999;

/** An offline approval: the velocity counters grow and saturate at their maxima, never wrap. */
function countOffline(card: CardEngine, amount: number): void {
  const nv = card.nv;
  nv.consecutiveOffline = Math.min(nv.consecutiveOffline + 1, MAX_CONSECUTIVE_OFFLINE);
  nv.cumulativeOfflineAmount = Math.min(nv.cumulativeOfflineAmount + amount, MAX_AMOUNT_N12);
}

/**
 * Issuer authentication data (91) out of its CDOL2 field, taken by length, never by content
 * (Book 2 §8.2): method 1 is ARPC (8) || ARC (2); method 2 is ARPC (4) || CSU (4) || the
 * proprietary authentication data (0..8 bytes, as many as the issuer and the card agreed at
 * personalisation: profile cryptogram.arpcProprietaryDataLength). The rest of the field is the
 * DOL padding of a shorter 91 (Book 3 §5.4: trailing hex zeroes). Stripping zeros instead would
 * cut proprietary data that ends in 00.
 */
function issuerAuthenticationDataOf(field: Bytes, card: CardEngine): Bytes {
  const c = card.profile.cryptogram;
  const length = c.arpcMethod === 1 ? 10 : 8 + (c.arpcProprietaryDataLength ?? 0);
  return field.subarray(0, Math.min(length, field.length));
}

/** Issuer application data (9F10) in the profile's layout: VIS/CCD (default) or M/Chip. */
function iadFor(card: CardEngine, cmd: DecodedCommand, d: Decision, first: number | undefined, second: number | undefined): Bytes {
  if (card.profile.iadFormat === 'mchip') {
    const cda = (cmd.p1 & CDA_REQUESTED) !== 0 && card.profile.oda === 'cda' && d.type !== AAC;
    return mchipIssuerApplicationData(card, mchipCardVerificationResults(card, d, first, second, cda));
  }
  return issuerApplicationData(card, cardVerificationResults(card, d, first, second));
}

function respond(card: CardEngine, cmd: DecodedCommand, cid: number, ac: Bytes, iad: Bytes, cdol1Data: Bytes, cdol2Data: Bytes | undefined): Answer {
  const atc = uintBytes(card.nv.atc, 2);
  // P1 b5 (Book 3 §6.5.5.2 Table 12) on a card that cannot do CDA: the AIP (82 byte 1 b1 = 0)
  // says CDA is unsupported, so a compliant terminal never sets the bit (Book 2 §6.6, Book 3
  // §10.3: CDA is selected only when both sides support it). If it comes anyway the card
  // ignores it and answers as without CDA (AC in 9F26 / format 1, no 9F4B), the common card
  // behaviour; the terminal then fails CDA on the missing signature (Book 2 §6.6.2), which is
  // its own error to report, not a reason for the card to refuse the transaction.
  const cdaRequested = (cmd.p1 & CDA_REQUESTED) !== 0 && card.profile.oda === 'cda' && card.iccKey !== undefined;
  const type = cid & 0xc0;
  if (cdaRequested && type !== AAC) {
    // Book 2 §6.6.1: hash PDOL data, CDOL data and the response objects except 9F4B.
    const objects: TlvInput[] = [
      { tag: '9F27', value: Uint8Array.of(cid) },
      { tag: '9F36', value: atc },
      { tag: '9F10', value: iad },
    ];
    const hash = transactionDataHashCode({
      pdolData: card.v.pdolData ?? new Uint8Array(0),
      cdol1Data,
      ...(cdol2Data ? { cdol2Data } : {}),
      responseTlvs: encodeTlvList(objects),
    });
    const dolData = cdol2Data ?? cdol1Data;
    const view = cdol2Data ? card.layout.cdol2 : card.layout.cdol1;
    const un = dolValue(view, dolData, '9F37') ?? new Uint8Array(4);
    const sdad = createCdaSignature({
      iccKey: card.iccKey!,
      iccDynamicNumber: card.randomBytes(8),
      cid,
      applicationCryptogram: ac,
      transactionDataHashCode: hash,
      unpredictableNumber: un,
    });
    return ok(template77(card, encodeTlvList([objects[0]!, objects[1]!, { tag: '9F4B', value: sdad }, objects[2]!])));
  }
  const extra = card.profile.raw?.generateAcExtra;
  if (card.profile.generateAcFormat === 1 && !cdaRequested && extra === undefined) return ok(encodeTlv('80', concat(Uint8Array.of(cid), atc, ac, iad)));
  return ok(template77(card, encodeTlvList([
    { tag: '9F27', value: Uint8Array.of(cid) },
    { tag: '9F36', value: atc },
    { tag: '9F26', value: ac },
    { tag: '9F10', value: iad },
  ])));
}

/** The format 2 template, with a raw image's extra bytes inside it as given (profile/raw-image.ts). */
function template77(card: CardEngine, objects: Bytes): Bytes {
  const extra = card.profile.raw?.generateAcExtra;
  return encodeTlv('77', extra === undefined ? objects : concat(objects, fromHex(extra)));
}

