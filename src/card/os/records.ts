/**
 * READ RECORD (Book 3 §6.5.11, ISO/IEC 7816-4 §7.3.3), GET DATA (Book 3
 * §6.5.7) and GET CHALLENGE (Book 3 §6.5.6).
 */
import { type Bytes, fromHex, uintBytes } from '../../apdu/index.js';
import type { DecodedCommand } from '../../apdu/index.js';
import { encodeTlv } from '../../apdu/index.js';
import { type Answer, type CardEngine, ok, sw } from '../engine.js';
import { LOG_FORMAT, LOG_SFI } from '../personalise.js';

/** The records of `sfi` visible in the current DF (UPDATE RECORD overrides applied). */
export function recordsOf(card: CardEngine, sfi: number): Bytes[] | undefined {
  if (card.v.selected === 'pse') return sfi === 1 ? card.layout.pseRecords : undefined;
  if (card.selectedApplication === undefined) return undefined;
  if (sfi === LOG_SFI && card.profile.logRecords > 0) return card.nv.log.map((h) => fromHex(h));
  const base = card.layout.records.get(sfi);
  if (!base) return undefined;
  return base.map((r, i) => {
    const o = card.nv.recordOverrides[`${sfi}:${i + 1}`];
    return o ? fromHex(o) : r;
  });
}

export function readRecord(card: CardEngine, cmd: DecodedCommand): Answer {
  // P2 = SFI << 3 | 100: "record number in P1" (Book 3 Table 23).
  if ((cmd.p2 & 0x07) !== 0x04 || cmd.p2 >> 3 === 0 || cmd.p1 === 0) return sw(0x6a86);
  if (cmd.data.length > 0) return sw(0x6700);
  const sfi = cmd.p2 >> 3;
  const recs = recordsOf(card, sfi);
  if (!recs) return sw(0x6a82);
  if (sfi === LOG_SFI && card.selectedApplication !== undefined && card.profile.logRecords > 0 && cmd.p1 > card.profile.logRecords) {
    return sw(0x6a83);
  }
  const rec = recs[cmd.p1 - 1];
  if (!rec || rec.length === 0) return sw(0x6a83); // an empty slot is a record a raw image removed

  return ok(rec);
}

/** Values readable with GET DATA (Book 3 §6.5.7: ATC, last online ATC, PIN try counter, log format). */
export function getDataValue(card: CardEngine, tag: string): Bytes | undefined {
  const nv = card.nv;
  switch (tag) {
    case '9F36':
      return uintBytes(nv.atc, 2);
    case '9F13':
      return uintBytes(nv.lastOnlineAtc, 2);
    case '9F17':
      return uintBytes(nv.pinTryCounter, 1);
    case '9F4F':
      return card.profile.logRecords > 0 ? LOG_FORMAT : undefined;
    case '9F14':
    case '9F23':
    case '9F54': {
      const o = nv.dataOverrides[tag];
      if (o) return fromHex(o);
      const r = card.profile.risk;
      if (tag === '9F14') return uintBytes(r.lowerConsecutiveOfflineLimit, 1);
      if (tag === '9F23') return uintBytes(r.upperConsecutiveOfflineLimit, 1);
      return fromHex(String(r.cumulativeOfflineAmountLimit).padStart(12, '0'));
    }
    default:
      return undefined;
  }
}

export function getData(card: CardEngine, cmd: DecodedCommand): Answer {
  if (cmd.data.length > 0) return sw(0x6700);
  if (card.selectedApplication === undefined) return sw(0x6a88);
  const tag = ((cmd.p1 << 8) | cmd.p2).toString(16).toUpperCase().padStart(4, '0');
  const value = getDataValue(card, tag);
  if (!value) return sw(0x6a88);
  return ok(encodeTlv(tag, value));
}

export function getChallenge(card: CardEngine, cmd: DecodedCommand): Answer {
  if (cmd.p1 !== 0 || cmd.p2 !== 0) return sw(0x6a86);
  if (cmd.data.length > 0) return sw(0x6700);
  if (cmd.le !== undefined && cmd.le !== 8 && cmd.le !== 256) return sw(0x6c08);
  const challenge = card.randomBytes(8);
  card.v.challenge = challenge;
  return ok(challenge);
}
