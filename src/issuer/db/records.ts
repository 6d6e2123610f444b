/**
 * Issuer master data: issuer master keys per BIN range, accounts and card
 * records. Plain typed rows over the SQLite tables of schema.ts.
 */
import { fromHex, type Bytes } from '../../apdu/index.js';
import { EmvsimError } from '../../apdu/index.js';
import { statement, type IssuerDatabase } from './schema.js';

export type CardStatus = 'active' | 'lost' | 'stolen' | 'blocked';
export const CARD_STATUSES: readonly CardStatus[] = ['active', 'lost', 'stolen', 'blocked'];

/** A bad issuer-database operation (unknown card, overlapping BIN range, ...). */
export class IssuerDataError extends EmvsimError {
  constructor(message: string) {
    super('ISSUER_DATA', message);
  }
}

export interface IssuerKeys {
  label: string;
  /** PAN prefixes of equal length, inclusive: the BIN range these keys serve. */
  binFrom: string;
  binTo: string;
  algorithm: 'tdes' | 'aes';
  /** Issuer master keys (Book 2 A1.4) for the AC, secure-messaging integrity (SMI) and confidentiality (SMC). */
  ac: Bytes;
  smi: Bytes;
  smc: Bytes;
}

export interface Account {
  id: number;
  holder: string;
  currency: string;
  openingBalanceMinor: number;
  balanceMinor: number;
  heldMinor: number;
  dailyAmountLimitMinor: number;
  dailyCountLimit: number;
  /** ISO 3166 numeric, 3 digits. */
  homeCountry: string;
}

/** How the card computes its cryptograms (mirrors the card profile's `cryptogram` section). */
export interface CardCryptogramSettings {
  keyDerivation: 'A' | 'B';
  /** 'common' = Book 2 A1.3 session key from the ATC; 'master' = the ICC master key itself (Visa CVN 10). */
  sessionKey: 'common' | 'master' | 'mastercard';
  padding: 1 | 2;
  /** The MAC input as a list of tags from field 55, in card order; `TAG[a:b]` takes bytes a..b-1 of the value. */
  acData: string;
  arpcMethod: 1 | 2;
  arpcKey: 'session' | 'master';
  /** Method 2 proprietary authentication data (hex, 0..8 bytes) appended to the CSU (Book 2 §8.2.2). */
  arpcProprietaryData: string;
  scriptMacLength: number;
}

export interface CardRecord extends CardCryptogramSettings {
  pan: string;
  psn: string;
  accountId: number;
  label: string;
  status: CardStatus;
  /** YYMM. */
  expiry: string;
  /** The highest ATC seen in a verified ARQC (null before the first). */
  lastAtc: number | null;
  /** IBM 3624 PIN offset (4 digits) for online PIN, or null when the card has no online PIN. */
  pinOffset: string | null;
  pinTries: number;
  pinTryLimit: number;
  travelEnabled: boolean;
  /** The issuer knows the card's offline PIN is blocked: a PIN UNBLOCK script follows the next good online PIN. */
  offlinePinBlocked: boolean;
  applicationBlockSent: boolean;
}

interface CardRow {
  pan: string;
  psn: string;
  account_id: number;
  label: string;
  status: CardStatus;
  expiry: string;
  last_atc: number | null;
  pin_offset: string | null;
  pin_tries: number;
  pin_try_limit: number;
  travel_enabled: number;
  key_derivation: 'A' | 'B';
  session_key: 'common' | 'master';
  ac_padding: 1 | 2;
  ac_data: string;
  arpc_method: 1 | 2;
  arpc_key: 'session' | 'master';
  arpc_proprietary_data: string;
  script_mac_length: number;
  offline_pin_blocked: number;
  application_block_sent: number;
}

function cardFromRow(r: CardRow): CardRecord {
  return {
    pan: r.pan,
    psn: r.psn,
    accountId: r.account_id,
    label: r.label,
    status: r.status,
    expiry: r.expiry,
    lastAtc: r.last_atc,
    pinOffset: r.pin_offset,
    pinTries: r.pin_tries,
    pinTryLimit: r.pin_try_limit,
    travelEnabled: r.travel_enabled === 1,
    keyDerivation: r.key_derivation,
    sessionKey: r.session_key,
    padding: r.ac_padding,
    acData: r.ac_data,
    arpcMethod: r.arpc_method,
    arpcKey: r.arpc_key,
    arpcProprietaryData: r.arpc_proprietary_data,
    scriptMacLength: r.script_mac_length,
    offlinePinBlocked: r.offline_pin_blocked === 1,
    applicationBlockSent: r.application_block_sent === 1,
  };
}

export function addIssuerKeys(db: IssuerDatabase, keys: IssuerKeys): void {
  if (!/^[0-9]{1,12}$/.test(keys.binFrom) || keys.binFrom.length !== keys.binTo.length || keys.binFrom > keys.binTo) {
    throw new IssuerDataError(`BIN range ${keys.binFrom}..${keys.binTo} is not two prefixes of equal length in order`);
  }
  const hex = (b: Bytes) => Buffer.from(b).toString('hex').toUpperCase();
  statement(db, 
    'INSERT INTO issuer_keys (label, bin_from, bin_to, algorithm, imk_ac, imk_smi, imk_smc) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(keys.label, keys.binFrom, keys.binTo, keys.algorithm, hex(keys.ac), hex(keys.smi), hex(keys.smc));
}

/** The issuer master keys whose BIN range holds the PAN (the narrowest range wins). */
export function findIssuerKeys(db: IssuerDatabase, pan: string): IssuerKeys | undefined {
  const rows = statement(db, 'SELECT * FROM issuer_keys ORDER BY length(bin_from) DESC, id').all() as {
    label: string;
    bin_from: string;
    bin_to: string;
    algorithm: 'tdes' | 'aes';
    imk_ac: string;
    imk_smi: string;
    imk_smc: string;
  }[];
  for (const r of rows) {
    const prefix = pan.slice(0, r.bin_from.length);
    if (prefix >= r.bin_from && prefix <= r.bin_to) {
      return {
        label: r.label,
        binFrom: r.bin_from,
        binTo: r.bin_to,
        algorithm: r.algorithm,
        ac: fromHex(r.imk_ac),
        smi: fromHex(r.imk_smi),
        smc: fromHex(r.imk_smc),
      };
    }
  }
  return undefined;
}

export type NewAccount = Omit<Account, 'id' | 'balanceMinor' | 'heldMinor'>;

export function addAccount(db: IssuerDatabase, a: NewAccount): number {
  const info = statement(db, 
      `INSERT INTO accounts (holder, currency, opening_balance_minor, balance_minor, daily_amount_limit_minor, daily_count_limit, home_country)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(a.holder, a.currency, a.openingBalanceMinor, a.openingBalanceMinor, a.dailyAmountLimitMinor, a.dailyCountLimit, a.homeCountry);
  return Number(info.lastInsertRowid);
}

export function getAccount(db: IssuerDatabase, id: number): Account | undefined {
  const r = statement(db, 'SELECT * FROM accounts WHERE id = ?').get(id) as Record<string, number | string> | undefined;
  if (!r) return undefined;
  return {
    id: r.id as number,
    holder: r.holder as string,
    currency: r.currency as string,
    openingBalanceMinor: r.opening_balance_minor as number,
    balanceMinor: r.balance_minor as number,
    heldMinor: r.held_minor as number,
    dailyAmountLimitMinor: r.daily_amount_limit_minor as number,
    dailyCountLimit: r.daily_count_limit as number,
    homeCountry: r.home_country as string,
  };
}

export type NewCard = Omit<CardRecord, 'lastAtc' | 'pinTries' | 'applicationBlockSent'> & { lastAtc?: number | null };

export function addCard(db: IssuerDatabase, c: NewCard): void {
  if (!/^[0-9]{12,19}$/.test(c.pan)) throw new IssuerDataError(`PAN '${c.pan}' is not 12 to 19 digits`);
  if (!/^[0-9]{2}$/.test(c.psn)) throw new IssuerDataError(`PAN sequence number '${c.psn}' is not 2 digits`);
  if (!/^[0-9]{2}(0[1-9]|1[0-2])$/.test(c.expiry)) throw new IssuerDataError(`expiry '${c.expiry}' is not YYMM`);
  if (c.pinOffset !== null && !/^[0-9]{4,12}$/.test(c.pinOffset)) throw new IssuerDataError(`PIN offset '${c.pinOffset}' is not 4 to 12 digits`);
  statement(db, 
    `INSERT INTO cards (pan, psn, account_id, label, status, expiry, last_atc, pin_offset, pin_try_limit, travel_enabled,
       key_derivation, session_key, ac_padding, ac_data, arpc_method, arpc_key, arpc_proprietary_data, script_mac_length, offline_pin_blocked)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    c.pan,
    c.psn,
    c.accountId,
    c.label,
    c.status,
    c.expiry,
    c.lastAtc ?? null,
    c.pinOffset,
    c.pinTryLimit,
    c.travelEnabled ? 1 : 0,
    c.keyDerivation,
    c.sessionKey,
    c.padding,
    c.acData,
    c.arpcMethod,
    c.arpcKey,
    c.arpcProprietaryData,
    c.scriptMacLength,
    c.offlinePinBlocked ? 1 : 0,
  );
}

/**
 * The card record for a PAN. With a PSN the exact card; without one, the only
 * card with that PAN (or the '00' one).
 */
export function findCard(db: IssuerDatabase, pan: string, psn?: string): CardRecord | undefined {
  if (psn !== undefined) {
    const row = statement(db, 'SELECT * FROM cards WHERE pan = ? AND psn = ?').get(pan, psn.padStart(2, '0')) as CardRow | undefined;
    return row ? cardFromRow(row) : undefined;
  }
  const rows = statement(db, 'SELECT * FROM cards WHERE pan = ? ORDER BY psn').all(pan) as CardRow[];
  const row = rows.length === 1 ? rows[0] : rows.find((r) => r.psn === '00');
  return row ? cardFromRow(row) : undefined;
}

export function listCards(db: IssuerDatabase): CardRecord[] {
  return (statement(db, 'SELECT * FROM cards ORDER BY pan, psn').all() as CardRow[]).map(cardFromRow);
}

export function setCardStatus(db: IssuerDatabase, pan: string, psn: string | undefined, status: CardStatus): CardRecord {
  const card = findCard(db, pan, psn);
  if (!card) throw new IssuerDataError(`no card ${pan}${psn ? `/${psn}` : ''}`);
  statement(db, 'UPDATE cards SET status = ? WHERE pan = ? AND psn = ?').run(status, card.pan, card.psn);
  return { ...card, status };
}

/** Card fields the decision path updates (inside the decision transaction). */
export function updateCardState(
  db: IssuerDatabase,
  card: CardRecord,
  changes: Partial<Pick<CardRecord, 'lastAtc' | 'pinTries' | 'offlinePinBlocked' | 'applicationBlockSent'>>,
): void {
  const next = { ...card, ...changes };
  statement(db, 
    `UPDATE cards SET last_atc = ?, pin_tries = ?, offline_pin_blocked = ?, application_block_sent = ? WHERE pan = ? AND psn = ?`,
  ).run(next.lastAtc, next.pinTries, next.offlinePinBlocked ? 1 : 0, next.applicationBlockSent ? 1 : 0, card.pan, card.psn);
}
