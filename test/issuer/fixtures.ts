/**
 * Test fixtures: a card the way the emulated card computes its ARQC
 * (CDOL1 data || AIP || ATC || IAD, Book 2 A1.3 session key from the ATC,
 * README.md (card section)), built here directly with src/crypto so the issuer
 * code under test is not used to produce its own inputs.
 */
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bcd, concat, fromHex, uintBytes, type Bytes } from '../../src/apdu/bytes.js';
import {
  deriveCommonSessionKey,
  deriveIccMasterKey,
  encodePinBlock,
  generateApplicationCryptogram,
  tdesEcbEncrypt,
} from '../../src/crypto/index.js';
import { openIssuerDatabase, type IssuerDatabase } from '../../src/issuer/db/schema.js';
import { IssuerHost, type IssuerHostOptions } from '../../src/issuer/issuer-host.js';
import { seedCard, TEST_ZONE_KEYS, type SeedCard } from '../../src/issuer/seed.js';
import type { AuthorisationRequest } from '../../src/terminal/host.js';
import { issuerSeedCard } from '../../bench/issuer-cards.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function vectors(): any {
  return JSON.parse(readFileSync(path.resolve(repoRoot, 'test', 'vectors', 'emv-known-answers.json'), 'utf8'));
}

/** 2025-06-15 12:00 UTC: the host clock of most tests. */
export const NOW = Date.UTC(2025, 5, 15, 12, 0, 0);

export { CDOL1, IMK } from '../../bench/issuer-cards.js';

export function testCard(overrides: Partial<SeedCard> = {}): SeedCard {
  return issuerSeedCard({ label: 'test', pan: '4761739001010010', balanceMinor: 100_000, dailyAmountLimitMinor: 80_000, dailyCountLimit: 20, ...overrides });
}

export interface RequestOptions {
  card?: SeedCard;
  atc: number;
  amountMinor?: number;
  stan?: string;
  terminalId?: string;
  kind?: AuthorisationRequest['kind'];
  terminalCountry?: string;
  merchantId?: string;
  mcc?: string;
  pin?: string;
  pinFormat?: 0 | 4;
  wrongArqc?: boolean;
  /** IAD (9F10) override, e.g. to report the card's PIN as blocked. */
  iad?: string;
  transactionType?: string;
}

/** Session keys the card would use (Book 2 A1.4 option A, A1.3 with R = ATC). */
export function cardKeys(card: SeedCard, atc: number): { mkAc: Bytes; skAc: Bytes } {
  const mkAc = deriveIccMasterKey(fromHex(card.cryptogram.issuerMasterKeys.ac), card.pan, card.psn, 'A');
  return { mkAc, skAc: deriveCommonSessionKey(mkAc, uintBytes(atc, 2)) };
}

let stanCounter = 0;

export function authRequest(o: RequestOptions): AuthorisationRequest {
  const card = o.card ?? testCard();
  const amount = o.amountMinor ?? 1_000;
  const cdolValues: [string, Bytes][] = [
    ['9F02', bcd(amount, 6)],
    ['9F03', bcd(0, 6)],
    ['9F1A', fromHex((o.terminalCountry ?? '0826').padStart(4, '0'))],
    ['95', fromHex('0000008000')],
    ['5F2A', fromHex('0978')],
    ['9A', fromHex('250615')],
    ['9C', fromHex(o.transactionType ?? '00')],
    ['9F37', fromHex('1A2B3C4D')],
    ['9F35', fromHex('22')],
    ['9F34', fromHex('420300')],
  ];
  const aip = fromHex('3900');
  const atc = uintBytes(o.atc, 2);
  const iad = fromHex(o.iad ?? '06011203A00000');
  const input = concat(...cdolValues.map(([, v]) => v), aip, atc, iad);
  const arqc = generateApplicationCryptogram(cardKeys(card, o.atc).skAc, input, { padding: card.cryptogram.padding });
  if (o.wrongArqc) arqc[7]! ^= 0x01;
  const iccData = new Map<string, Bytes>([...cdolValues, ['82', aip], ['9F36', atc], ['9F10', iad], ['9F26', arqc], ['9F27', fromHex('80')]]);
  const request: AuthorisationRequest = {
    kind: o.kind ?? 'authorisation',
    pan: card.pan,
    panSequenceNumber: card.psn,
    expiry: '291231',
    amountMinor: amount,
    currency: '978',
    date: '250615',
    time: '120000',
    transactionType: o.transactionType ?? '00',
    posEntryMode: '051',
    terminalId: o.terminalId ?? 'TERM0001',
    merchantId: o.merchantId ?? 'MERCHANT0000001',
    terminalCountry: o.terminalCountry ?? '0826',
    stan: o.stan ?? String(++stanCounter).padStart(6, '0'),
    iccData,
  };
  if (o.mcc) request.merchantCategoryCode = o.mcc;
  if (o.pin) {
    const format = o.pinFormat ?? 0;
    const block =
      format === 4
        ? encodePinBlock(4, o.pin, { pan: card.pan, key: TEST_ZONE_KEYS.zpkAes })
        : tdesEcbEncrypt(TEST_ZONE_KEYS.zpkTdes, encodePinBlock(0, o.pin, { pan: card.pan }));
    request.pinBlock = { format, block };
  }
  return request;
}

export function testHost(cards: SeedCard[] = [testCard()], options: Partial<IssuerHostOptions> = {}, file = ':memory:'): { host: IssuerHost; db: IssuerDatabase } {
  const db = openIssuerDatabase(file);
  for (const c of cards) seedCard(db, c);
  const host = new IssuerHost({ db, clock: () => NOW, ...options });
  return { host, db };
}

/** Cards for load tests: one per terminal (each terminal drives its own ATC sequence). */
export function loadTestCards(count: number): SeedCard[] {
  return Array.from({ length: count }, (_, i) =>
    testCard({
      pan: `47617300000000${String(i).padStart(2, '0')}`,
      label: `load ${i}`,
      balanceMinor: 100_000_000,
      dailyAmountLimitMinor: 1_000_000_000,
      dailyCountLimit: 1_000_000,
    }),
  );
}
