/**
 * Fuzz target for the GeldKarte purse applet and the merchant card: random and
 * mutated APDUs (purse SELECT, READ RECORD of every purse file, the E0 debit
 * and load commands, VERIFY, the 90 merchant commands) with occasional resets.
 * Invariants: no exception escapes either card; the purse balance stays within
 * 0 .. maximum balance and changes only on a 9000 answer to DEBIT or LOAD; the
 * sequence counters never go down; merchant totals never go down.
 */
import { fromHex, toHex } from '../src/apdu/bytes.js';
import { createMerchantCard, createPurseCard, purseStateOf } from '../src/card/geldkarte/index.js';
import { mutate } from './fuzz-apdu.js';
import { mulberry32 as prng } from './prng.js';
import type { FuzzResult, FuzzTarget } from './fuzz-targets.js';

const PURSE_SEEDS = [
  '00A4040C09D27600002545500200',
  '00A4040009D27600002545500100',
  '00B201BC00',
  '00B201C400',
  '00B201CC00',
  '00B201D400',
  '00B201DC00',
  '00B201E400',
  '00B201EC00',
  '00B20FEC00',
  '0020008008241234FFFFFFFFFF',
  '0020008008249999FFFFFFFFFF',
  'E05000001A' + '6725050190000000423D' + '00000001' + '00000001' + '0102030405060708' + '00',
  'E052000012' + '000100' + '20241130091500' + '0000000000000000' + '00',
  'E054000018' + '6725050190000000423D' + '00000001' + '0001' + '0102030405060708' + '00',
  'E04000000B' + '001000' + '454D5653494D3031' + '00',
  'E042000018' + '001000' + '000001' + '000001' + '20241130091500' + '0000000000000000' + '00',
].map(fromHex);

const MERCHANT_SEEDS = [
  '00A4040009D276000025484B0100',
  '905000000A' + '6725904415000011112D' + '00',
  '9052000018' + '0102030405060708' + '0001' + '000683' + '0000000000000000' + '000100' + '00',
  '905400000E' + '01' + '0001' + '000100' + '0000000000000000' + '00',
  '9056000000',
  '9070000000',
  '9072000000',
  '9074000000',
].map(fromHex);

export const geldkarteFuzzTarget: FuzzTarget = {
  name: 'geldkarte',
  async run(cases: number, seed: number): Promise<FuzzResult> {
    const rand = prng(seed);
    const findings: string[] = [];
    const purse = createPurseCard({ seed });
    const merchant = createMerchantCard({ seed });
    for (let i = 0; i < cases; i++) {
      if (rand() < 0.02) {
        await purse.coldReset();
        await merchant.coldReset();
      }
      const toPurse = rand() < 0.6;
      const apdu = mutate(rand, toPurse ? PURSE_SEEDS : MERCHANT_SEEDS, 64);
      const before = { p: purseStateOf(purse)!, m: merchant.state };
      let response: Uint8Array;
      try {
        response = toPurse ? purse.transmitSync(apdu) : merchant.transmitSync(apdu);
      } catch (err) {
        findings.push(`${toPurse ? 'purse' : 'merchant'} ${toHex(apdu)}: exception ${(err as Error).message}`);
        continue;
      }
      if (response.length < 2) findings.push(`${toHex(apdu)}: answer without status word`);
      const ok = toHex(response.subarray(-2)) === '9000';
      const p = purseStateOf(purse)!;
      const m = merchant.state;
      if (p.balance < 0 || p.balance > p.maxBalance) findings.push(`${toHex(apdu)}: balance ${p.balance} outside 0..${p.maxBalance}`);
      if (p.balance !== before.p.balance && !(toPurse && ok && apdu[0] === 0xe0 && (apdu[1] === 0x52 || apdu[1] === 0x42))) {
        findings.push(`${toHex(apdu)}: balance changed ${before.p.balance} -> ${p.balance} without a successful DEBIT or LOAD`);
      }
      if (p.bseq < before.p.bseq || p.lseq < before.p.lseq) findings.push(`${toHex(apdu)}: a purse sequence counter went down`);
      if (m.hseq < before.m.hseq || m.sseq < before.m.sseq) findings.push(`${toHex(apdu)}: a merchant sequence number went down`);
    }
    return { cases, typedErrors: 0, findings };
  },
};
