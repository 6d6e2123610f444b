/**
 * Seeding the issuer database: the host's TEST zone keys and the cards that
 * ship with emvsim (scripts/cards/*.yaml). The emulated card derives its ICC
 * master keys from the profile's issuer master keys with option A (Book 2
 * A1.4.1), so the host stores the same issuer master keys for the profile's
 * BIN and derives the same ICC keys from PAN and PSN.
 *
 * NOT SECRET: every key here is a published test key.
 */
import { fromHex } from '../apdu/index.js';
import { acDataForCdol1 } from './cryptogram-check.js';
import { addAccount, addCard, addIssuerKeys, findCard, findIssuerKeys, type CardStatus } from './db/records.js';
import type { IssuerDatabase } from './db/schema.js';
import { loadKeyFile } from '../terminal/index.js';
import { pinOffset, type ZoneKeys } from './online-pin.js';

/**
 * The host's zone keys (ZPK for PIN blocks, PVK for IBM 3624 offsets): TEST
 * ONLY, published in scripts/keys/test-zone-keys.yaml, the one definition the
 * shipped terminal profiles' PIN pads encipher under (onlinePin.keyFile).
 */
function testZoneKeys(): ZoneKeys {
  const file = loadKeyFile(TEST_ZONE_KEY_FILE);
  return { zpkTdes: file.key('zpkTdes', [16, 24]), zpkAes: file.key('zpkAes', [16, 24, 32]), pvk: file.key('pvk', [16, 24]) };
}
export const TEST_ZONE_KEY_FILE = 'test-zone-keys';
export const TEST_ZONE_KEYS: ZoneKeys = testZoneKeys();

/** What the host needs to know about a card: the subset of a card profile (src/card/profile/types.ts). */
export interface SeedCard {
  label: string;
  pan: string;
  psn: string;
  /** YYMM or YYMMDD. */
  expiry: string;
  pin: string;
  pinTryLimit: number;
  /** ISO 3166 / ISO 4217 numeric (3 or 4 digits). */
  country: string;
  currency: string;
  cdol1: string;
  /** Issuer application data layout and CVN, when the card MACs only part of 9F10 (M/Chip). */
  iad?: { iadFormat?: 'vis' | 'mchip' | undefined; cvn: number };
  cryptogram: {
    derivation: 'A' | 'B';
    sessionKey: 'common' | 'master' | 'mastercard';
    padding: 1 | 2;
    arpcMethod: 1 | 2;
    arpcKey: 'session' | 'master';
    issuerMasterKeys: { ac: string; smi: string; smc: string };
    scriptMacLength: number;
  };
  status?: CardStatus;
  travelEnabled?: boolean;
  offlinePinBlocked?: boolean;
  /** Account terms (minor units); defaults: 5,000.00 balance, 2,000.00 and 50 transactions a day. */
  balanceMinor?: number;
  dailyAmountLimitMinor?: number;
  dailyCountLimit?: number;
  holder?: string;
  /** BIN length for the issuer-key range (default 6). */
  binLength?: number;
}

const last3 = (code: string) => code.replace(/\D/g, '').slice(-3).padStart(3, '0');

/** Adds one card with its account (and the BIN's issuer master keys when that BIN has none yet). */
export function seedCard(db: IssuerDatabase, card: SeedCard, zoneKeys: ZoneKeys = TEST_ZONE_KEYS): void {
  if (findCard(db, card.pan, card.psn)) return;
  const bin = card.pan.slice(0, card.binLength ?? 6);
  const existing = findIssuerKeys(db, card.pan);
  const imk = card.cryptogram.issuerMasterKeys;
  if (!existing || existing.binFrom.length < bin.length) {
    addIssuerKeys(db, {
      label: `${card.label} BIN ${bin}`,
      binFrom: bin,
      binTo: bin,
      algorithm: imk.ac.length > 32 ? 'aes' : 'tdes',
      ac: fromHex(imk.ac),
      smi: fromHex(imk.smi),
      smc: fromHex(imk.smc),
    });
  }
  const accountId = addAccount(db, {
    holder: card.holder ?? card.label,
    currency: last3(card.currency),
    openingBalanceMinor: card.balanceMinor ?? 500_000,
    dailyAmountLimitMinor: card.dailyAmountLimitMinor ?? 200_000,
    dailyCountLimit: card.dailyCountLimit ?? 50,
    homeCountry: last3(card.country),
  });
  addCard(db, {
    pan: card.pan,
    psn: card.psn,
    accountId,
    label: card.label,
    status: card.status ?? 'active',
    expiry: card.expiry.slice(0, 4),
    pinOffset: pinOffset(zoneKeys.pvk, card.pan, card.pin),
    pinTryLimit: card.pinTryLimit,
    travelEnabled: card.travelEnabled ?? false,
    keyDerivation: card.cryptogram.derivation,
    sessionKey: card.cryptogram.sessionKey,
    padding: card.cryptogram.padding,
    acData: acDataForCdol1(card.cdol1, card.iad),
    arpcMethod: card.cryptogram.arpcMethod,
    arpcKey: card.cryptogram.arpcKey,
    arpcProprietaryData: '',
    scriptMacLength: card.cryptogram.scriptMacLength,
    offlinePinBlocked: card.offlinePinBlocked ?? false,
  });
}

export function seedCards(db: IssuerDatabase, cards: readonly SeedCard[], zoneKeys: ZoneKeys = TEST_ZONE_KEYS): void {
  db.transaction(() => {
    for (const c of cards) seedCard(db, c, zoneKeys);
  })();
}
