/**
 * Fuzz target for the emulated card (src/card): random and mutated command
 * APDUs (SELECT, GPO, READ RECORD, VERIFY, GENERATE AC, scripts, GET RESPONSE
 * ...) sent in sequence to T=0 and T=1 cards, with occasional resets.
 * Invariants: no exception ever escapes the card; every answer ends in a
 * status word from the ISO/EMV catalogue; the PIN try counter never goes up
 * except after a correct PIN (VERIFY 9000) or a PIN CHANGE/UNBLOCK script;
 * the ATC never goes down; GENERATE AC never answers a stronger cryptogram
 * than requested (Book 3 §9.3).
 */
import { concat, fromHex, toHex } from '../src/apdu/bytes.js';
import { isKnownStatusWord } from '../src/apdu/status-words.js';
import { decodeTlv, findTag } from '../src/apdu/tlv.js';
import { type EmulatedCard, createCard } from '../src/card/index.js';
import { mutate } from './fuzz-apdu.js';
import { mulberry32 as prng } from './prng.js';
import type { FuzzResult, FuzzTarget } from './fuzz-targets.js';

const CDOL1_DATA = '000000001000' + '000000000000' + '0826' + '0000000000' + '0978' + '250615' + '00' + '12345678' + '22' + '1F0302';
const SEEDS = [
  '00A404000E315041592E5359532E444446303100',
  '00A4040007A000000003101000',
  '00A4040007A000000004101000',
  '00A4040205A00000000300',
  '80A800000C830A0000000010000978082600',
  '80A8000002830000',
  '00B2010C00',
  '00B2011400',
  '00B2021400',
  '00B2011C00',
  '00B2015C00',
  '80CA9F3600',
  '80CA9F1700',
  '0084000000',
  '0020008008241234FFFFFFFFFF',
  '0020008008249999FFFFFFFFFF',
  '0020008000',
  '0088000004CAFEBABE00',
  `80AE400021${CDOL1_DATA}00`,
  `80AE800021${CDOL1_DATA}00`,
  `80AE900021${CDOL1_DATA}00`,
  '80AE400013303000000000000000000000000000001234567800',
  '008200000A01020304050607083030',
  '00C0000000',
  '841E000008' + '00'.repeat(8),
  '8424000008' + '00'.repeat(8),
  '04DA9F1409' + '00'.repeat(9),
].map(fromHex);

/** Book 3 §9.3: what the card may answer to each request (AAC 00, TC 40, ARQC 80). */
const ALLOWED: Record<number, readonly number[]> = { 0x00: [0x00], 0x40: [0x40, 0x80, 0x00], 0x80: [0x80, 0x00] };

function cidOf(data: Uint8Array): number | undefined {
  try {
    const top = decodeTlv(data);
    if (top[0]?.tag === '80') return top[0].value[0];
    return findTag(top, '9F27')?.value[0];
  } catch {
    return undefined;
  }
}

function newCard(rand: () => number, i: number): EmulatedCard {
  const profile = ['visa-cvn18', 'mastercard-cda', 'girocard', 'sda-only'][Math.floor(rand() * 4)]!;
  return createCard({ profile, seed: i });
}

/** SELECT the card's first application and GPO with zero PDOL data, so GENERATE AC and scripts get exercised. */
function startTransaction(card: EmulatedCard): void {
  const aid = fromHex(card.engine.profile.applications[0]!.aid);
  card.transmitSync(concat(Uint8Array.of(0x00, 0xa4, 0x04, 0x00, aid.length), aid, Uint8Array.of(0)));
  const n = card.engine.layout.pdol.length;
  card.transmitSync(concat(Uint8Array.of(0x80, 0xa8, 0x00, 0x00, n + 2, 0x83, n), new Uint8Array(n), Uint8Array.of(0)));
}

export const cardFuzzTarget: FuzzTarget = {
  name: 'card (emulated EMV card: random and mutated APDUs)',
  async run(cases: number, seed: number): Promise<FuzzResult> {
    const rand = prng(seed);
    const findings: string[] = [];
    let card = newCard(rand, seed);
    for (let i = 0; i < cases; i++) {
      if (i % 500 === 0 && i > 0) card = newCard(rand, seed + i);
      if (rand() < 0.02) card.engine.resetVolatile();
      if (rand() < 0.05) startTransaction(card);
      const apdu = rand() < 0.6 ? SEEDS[Math.floor(rand() * SEEDS.length)]! : mutate(rand, SEEDS, 300);
      const before = { ptc: card.engine.nv.pinTryCounter, atc: card.engine.nv.atc };
      let response: Uint8Array;
      try {
        response = card.transmitSync(apdu);
      } catch (err) {
        findings.push(`${toHex(apdu)}: exception ${(err as Error).message}`);
        continue;
      }
      if (response.length < 2) {
        findings.push(`${toHex(apdu)}: answer without status word`);
        continue;
      }
      const sw = (response[response.length - 2]! << 8) | response[response.length - 1]!;
      if (!isKnownStatusWord(sw)) findings.push(`${toHex(apdu)}: unknown status word ${toHex(response.subarray(-2))}`);
      const nv = card.engine.nv;
      const pinAllowed = sw === 0x9000 && ((apdu[1] === 0x20 && apdu[0] === 0x00) || (apdu[0] === 0x84 && apdu[1] === 0x24));
      if (nv.pinTryCounter > before.ptc && !pinAllowed) findings.push(`${toHex(apdu)}: PIN try counter went up ${before.ptc} -> ${nv.pinTryCounter}`);
      if (nv.atc < before.atc) findings.push(`${toHex(apdu)}: ATC went down ${before.atc} -> ${nv.atc}`);
      if (apdu[0] === 0x80 && apdu[1] === 0xae && sw === 0x9000 && apdu.length > 4) {
        const cid = cidOf(response.subarray(0, response.length - 2));
        const allowed = ALLOWED[apdu[2]! & 0xc0];
        if (!allowed || cid === undefined || !allowed.includes(cid & 0xc0)) findings.push(`${toHex(apdu)}: cryptogram ${cid} stronger than requested`);
      }
    }
    return { cases, typedErrors: 0, findings };
  },
};
