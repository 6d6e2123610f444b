/**
 * The purse application on the emulated girocard, at the APDU level: the
 * commands a real GeldKarte reader sends (gnupg app-geldkarte.c, devnied
 * GeldKarteParser: SELECT D27600002545500200, READ RECORD 00 B2 01 C4 / BC / EC)
 * and the answers a real card gives (docs/sources.md §1).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/apdu/bytes.js';
import { createMerchantCard, createPurseCard, loadMerchantCard, loadPurseCard, newMerchantCardFile, newPurseCardFile } from '../../src/card/geldkarte/index.js';
import { pay, readPurse } from '../../src/terminal/geldkarte/index.js';

const hex = (card: { transmitSync(c: string): Uint8Array }, apdu: string) => toHex(card.transmitSync(apdu));

describe('purse on the girocard (multi-application card)', () => {
  it('answers SELECT of the EUR purse and the legacy AID, with and without FCI', () => {
    const card = createPurseCard();
    expect(hex(card, '00A4040C09D27600002545500200')).toBe('9000');
    expect(hex(card, '00A4040009D27600002545500100')).toMatch(/^6F..8409D27600002545500100A5.*9000$/);
  });

  it('reads EF_BETRAG with 00 B2 01 C4: 000683 020000 020000 000000 (6.83 EUR, max 200.00)', () => {
    const card = createPurseCard();
    hex(card, '00A4040C09D27600002545500200');
    expect(hex(card, '00B201C400')).toBe('0006830200000200000000009000');
  });

  it('reads EF_ID with 00 B2 01 BC: branch key 67, BLZ, card number, Luhn check digit, EUR, factor 01', () => {
    const card = createPurseCard();
    hex(card, '00A4040C09D27600002545500200');
    // 67 | 259044 | 1500001111 | 2D (Luhn of 1500001111 = 2) | 2712 | 250117 | 0280 | "EUR" | 01 51 00 06
    expect(hex(card, '00B201BC00')).toBe('672590441500001111' + '2D' + '2712' + '250117' + '0280' + '455552' + '01510006' + '9000');
  });

  it('answers 6A83 after the last record and for an empty cyclic log, 6A82 for an unknown file', () => {
    const card = createPurseCard();
    hex(card, '00A4040C09D27600002545500200');
    expect(hex(card, '00B202C400')).toBe('6A83');
    expect(hex(card, '00B201EC00')).toBe('6A83'); // EF_BLOG, no debit yet
    expect(hex(card, '00B201E400')).toBe('6A83'); // EF_LLOG, no load yet
    expect(hex(card, '00B2010C00')).toBe('6A82'); // SFI 1: not a purse file
    expect(hex(card, '00B201D400')).toBe('00019000'); // EF_LSEQ = 1: no load yet
    expect(hex(card, '00B201DC00')).toBe('00019000'); // EF_BSEQ = 1: no debit yet
  });

  it('keeps the girocard EMV application working beside the purse', () => {
    const card = createPurseCard();
    hex(card, '00A4040C09D27600002545500200');
    expect(hex(card, '00A4040008A000000059101002')).toMatch(/9000$/);
    // After selecting the EMV application the purse files are gone: READ RECORD EF_BETRAG is not a purse read.
    expect(hex(card, '00B201C400')).not.toBe('0006830200000200000000009000');
  });

  it('a cyclic log answers record 1 = newest', async () => {
    const purse = createPurseCard();
    const merchant = createMerchantCard({ seed: 1 });
    const now = () => new Date(Date.UTC(2024, 10, 30, 14, 27, 33));
    await pay(purse, merchant, 100, { now });
    await pay(purse, merchant, 200, { now });
    hex(purse, '00A4040C09D27600002545500200');
    // BLOG record 1: status 50, bseq 0002, lseq 0001, 000200, merchant id, hseq 2, sseq 1, balance 000383 (6.83 - 1.00 - 2.00), date, time, KID 01
    expect(hex(purse, '00B201EC00')).toBe(`50000200010002006725050190000000423D000000020000000100038320241130142733019000`);
    expect(hex(purse, '00B202EC00').slice(0, 14)).toBe('50000100010001');
    expect(hex(purse, '00B203EC00')).toBe('6A83');
  });
});

describe('persistence of the purse state in the card file', () => {
  it('balance, counters and logs survive reloading the files, written with the EMV state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emvsim-gk-'));
    const purseFile = join(dir, 'purse.json');
    const merchantFile = join(dir, 'merchant.json');
    newPurseCardFile(purseFile, { balance: 1000 });
    newMerchantCardFile(merchantFile);
    const outcome = await pay(loadPurseCard(purseFile), loadMerchantCard(merchantFile), 250);
    expect(outcome.result).toBe('approved');

    const image = JSON.parse(readFileSync(purseFile, 'utf8')) as { format: string; state: { applets: { geldkarte: { balance: number; bseq: number; blog: string[] } } } };
    expect(image.format).toBe('emvsim-card');
    expect(image.state.applets.geldkarte.balance).toBe(750);
    expect(image.state.applets.geldkarte.bseq).toBe(2);
    expect(image.state.applets.geldkarte.blog).toHaveLength(1);

    const report = await readPurse(loadPurseCard(purseFile));
    expect(report.amounts.balance).toBe(750);
    expect(report.debits[0]).toMatchObject({ amount: 250, balance: 750, bseq: 1, hseq: 1 });
    const merchant = loadMerchantCard(merchantFile).state;
    expect(merchant.debitTotal).toBe(250);
    expect(merchant.hseq).toBe(1);
    expect(merchant.records).toEqual([{ hseq: 1, kind: 'debit', purseId: report.purseId, bseq: 1, amount: 250 }]);
  });
});
