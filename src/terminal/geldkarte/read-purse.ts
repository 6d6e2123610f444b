/**
 * Reading a purse with standard commands only (SELECT by AID, READ RECORD by
 * SFI): this works on real GeldKarte chips through PC/SC. Files that a card
 * does not let us read (the sequence counters on some cards) are reported
 * as absent rather than failing the read.
 */
import type { Bytes } from '../../apdu/index.js';
import { toHex } from '../../apdu/index.js';
import type { CardTransport } from '../../apdu/index.js';
import { PURSE_SFI, readRecordCommand, selectPurse, send, sendRaw } from './protocol.js';
import {
  type DebitLogRecord,
  type EfBetrag,
  type EfBoerse,
  type EfId,
  type LoadLogRecord,
  decodeDebitLog,
  decodeEfBetrag,
  decodeEfBoerse,
  decodeEfId,
  decodeLoadLog,
} from './records.js';

export interface PurseReport {
  aid: string;
  id: EfId;
  /** EF_ID bytes 0-9 (hex): the purse identity the merchant card authenticates. */
  purseId: string;
  amounts: EfBetrag;
  account: EfBoerse | undefined;
  loadSequence: number | undefined;
  debitSequence: number | undefined;
  /** Newest first. */
  loads: LoadLogRecord[];
  debits: DebitLogRecord[];
}

/** All records of a file until 6A83 (record not found) or another error; newest first for cyclic files. */
async function readAll(card: CardTransport, sfi: number, max: number): Promise<Bytes[]> {
  const out: Bytes[] = [];
  for (let n = 1; n <= max; n++) {
    const r = await sendRaw(card, readRecordCommand(sfi, n));
    if (r.sw !== 0x9000) break; // 6A83 after the last record (6985 seen on some real cards)
    // Real cards answer unused cyclic records with zeros.
    if (r.data.every((b) => b === 0)) break;
    out.push(r.data);
  }
  return out;
}

async function readOptional(card: CardTransport, sfi: number): Promise<Bytes | undefined> {
  const r = await sendRaw(card, readRecordCommand(sfi, 1));
  return r.sw === 0x9000 ? r.data : undefined;
}

/** Selects the purse and reads every file: balance, limits, card data and the load and debit logs. */
export async function readPurse(card: CardTransport): Promise<PurseReport> {
  const aid = await selectPurse(card);
  const idRecord = await send(card, 'READ RECORD EF_ID', readRecordCommand(PURSE_SFI.ID, 1));
  const betrag = await send(card, 'READ RECORD EF_BETRAG', readRecordCommand(PURSE_SFI.BETRAG, 1));
  const boerse = await readOptional(card, PURSE_SFI.BOERSE);
  const lseq = await readOptional(card, PURSE_SFI.LSEQ);
  const bseq = await readOptional(card, PURSE_SFI.BSEQ);
  const loads = await readAll(card, PURSE_SFI.LLOG, 3);
  const debits = await readAll(card, PURSE_SFI.BLOG, 15);
  return {
    aid: toHex(aid),
    id: decodeEfId(idRecord),
    purseId: toHex(idRecord.subarray(0, 10)),
    amounts: decodeEfBetrag(betrag),
    account: boerse && boerse.length >= 10 ? decodeEfBoerse(boerse) : undefined,
    loadSequence: lseq && lseq.length >= 2 ? (lseq[0]! << 8) | lseq[1]! : undefined,
    debitSequence: bseq && bseq.length >= 2 ? (bseq[0]! << 8) | bseq[1]! : undefined,
    loads: loads.map(decodeLoadLog),
    debits: debits.map(decodeDebitLog),
  };
}

/** Selects the purse and reads just EF_ID and EF_BETRAG (before a payment). */
export async function readPurseAmounts(card: CardTransport): Promise<{ id: EfId; purseId: Bytes; amounts: EfBetrag }> {
  await selectPurse(card);
  const idRecord = await send(card, 'READ RECORD EF_ID', readRecordCommand(PURSE_SFI.ID, 1));
  const betrag = await send(card, 'READ RECORD EF_BETRAG', readRecordCommand(PURSE_SFI.BETRAG, 1));
  return { id: decodeEfId(idRecord), purseId: idRecord.slice(0, 10), amounts: decodeEfBetrag(betrag) };
}
