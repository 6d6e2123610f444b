/**
 * emvsim issuer host (issue 6): the counterpart of the terminal's online
 * authorisation (EMV Book 3 §10.9, Book 2 §8-§9): ARQC verification, ARPC,
 * issuer scripts, risk rules and a SQLite ledger, in-process or over ISO 8583.
 *
 * For the terminal (`emvsim transact`), two AuthorisationHost implementations
 * (src/terminal/host.ts):
 *
 *   import { createInProcessHost, Iso8583HostClient, parseHostAddress } from '../issuer/index.js';
 *
 *   // In-process: in-memory SQLite seeded with the shipped cards (scripts/cards/*.yaml plus the
 *   // demo card 4761739001010010, PIN 1234); unknown PANs in a shipped BIN are enrolled on first sight.
 *   const host = createInProcessHost();                     // -> IssuerHost (implements AuthorisationHost)
 *   const host = createInProcessHost({ rules: 'scripts/issuer/rules.yaml', clock: () => fixedMs });
 *   const answer = await host.authorise(request);           // { responseCode, authorisationCode, issuerAuthenticationData, issuerScripts, decidedBy, message }
 *
 *   // Over TCP to `emvsim host --listen 127.0.0.1:8583`:
 *   const host = new Iso8583HostClient({ ...parseHostAddress('127.0.0.1:8583'), timeoutMs: 5000, retries: 1 });
 *   await host.authorise(request);   // rejects with HostUnavailableError when the host cannot be reached
 *   host.close();
 *
 *   // Field 64/128 MAC (ANSI X9.19, 16-byte terminal MAC key): the client MACs its requests and verifies answers;
 *   // the server, given `macKeys` (terminal id -> key), answers 63 to a request whose MAC does not verify.
 *   new Iso8583HostClient({ port, macKey });  new Iso8583Server({ host, macKeys: new Map([['TERM0001', macKey]]) });
 *
 * What the host expects in `request.iccData` (field 55): 9F26 ARQC, 9F36 ATC, 9F10 IAD, 82 AIP and
 * every CDOL1 tag of the card (9F02 9F03 9F1A 95 5F2A 9A 9C 9F37 9F35 9F34 for the shipped cards),
 * with the values exactly as sent to the card in the first GENERATE AC.
 */
import type { AuthorisationRequest } from '../terminal/index.js';
import { openIssuerDatabase, imageOf, isEmpty, type IssuerDatabase } from './db/schema.js';
import { IssuerHost, type IssuerHostOptions } from './issuer-host.js';
import { loadRules } from './rules/load.js';
import type { RiskRule } from './rules/types.js';
import { seedCards, type SeedCard } from './seed.js';
import { shippedCards, templateForPan } from './shipped-cards.js';

export { IssuerHost, idempotencyKey, type DecisionEvent, type IssuerHostOptions } from './issuer-host.js';
export { Iso8583HostClient, parseHostAddress, type Iso8583HostClientOptions } from './client.js';
export { Iso8583Server, formatErrorAnswer, securityViolationAnswer, type Iso8583ServerOptions } from './server.js';
export { MacError, encodeSignedMessage, verifyMessageMac, messageMac } from './iso8583/mac.js';
export { Iso8583Error, decodeMessage, encodeMessage, type Iso8583Message } from './iso8583/codec.js';
export { frame, FrameReader } from './iso8583/framing.js';
export { requestToMessage, messageToRequest, responseToMessage, messageToResponse } from './iso8583/mapping.js';
export { openIssuerDatabase, isEmpty, type IssuerDatabase } from './db/schema.js';
export {
  type CardStatus,
  CARD_STATUSES,
  IssuerDataError,
  type IssuerKeys,
  type Account,
  type CardCryptogramSettings,
  type CardRecord,
  addIssuerKeys,
  findIssuerKeys,
  type NewAccount,
  addAccount,
  getAccount,
  type NewCard,
  addCard,
  findCard,
  listCards,
  setCardStatus,
  updateCardState,
} from './db/records.js';
export { ledgerRows, reconcile, type LedgerRow, type AccountReconciliation } from './ledger.js';
export { loadRules, parseRules } from './rules/load.js';
export type { RiskRule, RuleSet, RuleAction } from './rules/types.js';
export { seedCard, seedCards, TEST_ZONE_KEYS, type SeedCard } from './seed.js';
export { shippedCards, seedCardFromProfile, templateForPan, DEMO_PAN } from './shipped-cards.js';
export { pinOffset } from './online-pin.js';
export { deriveAcKeys, arcOf, cardStatusUpdate, issuerAuthenticationDataWith, checkArqc, acDataForCdol1, type CryptogramCheck, type CryptogramContext } from './cryptogram-check.js';
export { issuerScript } from './scripts.js';

export interface InProcessHostOptions extends Omit<IssuerHostOptions, 'db' | 'rules'> {
  /** Database file (default ':memory:'); a new database is seeded with the shipped cards. */
  database?: string;
  /**
   * Which shipped cards a new database gets: 'all' (default), or 'same-bins': only those whose BIN
   * one of `cards` shares. For those cards the host then holds the same issuer keys and records as
   * with 'all' (the shipped BIN's keys come first), without seeding every other card: for a host
   * that serves one emulated card (`emvsim transact`, conformance scenarios).
   */
  shippedCards?: ShippedSeeding;
  /** Risk rules: a rules file path or already loaded rules (default none). */
  rules?: string | readonly RiskRule[];
  /** Extra cards to seed. */
  cards?: readonly SeedCard[];
  /** Enrol unknown PANs of a shipped BIN on first sight (default true). */
  enrolUnknownCards?: boolean;
}

export type ShippedSeeding = 'all' | 'same-bins';

/** The shipped cards whose BIN one of `cards` shares (in shipped order). */
export function shippedCardsOfBins(cards: readonly SeedCard[]): SeedCard[] {
  return shippedCards().filter((s) => cards.some((c) => c.pan.startsWith(s.pan.slice(0, s.binLength ?? 6))));
}

/** Opens (and seeds when new: the shipped cards, all or those of the BINs of `extra`) an issuer database. */
export function openSeededDatabase(path: string, extra: readonly SeedCard[] = [], shipped: ShippedSeeding = 'all'): IssuerDatabase {
  const db = path === ':memory:' ? seededMemoryDatabase(shipped === 'all' ? shippedCards() : shippedCardsOfBins(extra)) : openIssuerDatabase(path);
  if (isEmpty(db)) seedCards(db, shipped === 'all' ? shippedCards() : shippedCardsOfBins(extra));
  if (extra.length > 0) seedCards(db, extra);
  return db;
}

/** Images of in-memory databases seeded with a set of shipped cards (the shipped cards do not change in a process). */
const seededImages = new Map<string, Uint8Array>();

/**
 * A new in-memory database holding `shippedSet`, copied from an image of the first one seeded with
 * the same cards: the conformance suite opens one per scenario, and seeding (PIN offsets, keys) cost
 * more than the copy.
 */
function seededMemoryDatabase(shippedSet: readonly SeedCard[]): IssuerDatabase {
  const key = shippedSet.map((c) => `${c.pan}/${c.psn}`).join(',');
  const image = seededImages.get(key);
  if (image) return openIssuerDatabase(':memory:', image);
  const db = openIssuerDatabase(':memory:');
  if (shippedSet.length > 0) seedCards(db, shippedSet);
  const seeded = imageOf(db);
  if (seeded) seededImages.set(key, seeded);
  return db;
}

/** Enrols a PAN of a shipped BIN, taking the expiry the terminal read from the card when it sent one. */
export function enrolFromShippedBin(request: AuthorisationRequest): SeedCard | undefined {
  const template = templateForPan(request.pan);
  if (!template) return undefined;
  return {
    ...template,
    psn: request.panSequenceNumber ?? template.psn,
    ...(request.expiry ? { expiry: request.expiry.slice(0, 4) } : {}),
  };
}

/** An issuer host in this process: AuthorisationHost for `emvsim transact` and tests. */
export function createInProcessHost(options: InProcessHostOptions = {}): IssuerHost {
  const db = openSeededDatabase(options.database ?? ':memory:', options.cards ?? [], options.shippedCards);
  const rules = typeof options.rules === 'string' ? loadRules(options.rules).rules : (options.rules ?? []);
  const { database: _d, rules: _r, cards: _c, shippedCards: _s, enrolUnknownCards, ...hostOptions } = options;
  return new IssuerHost({
    ...hostOptions,
    db,
    rules,
    ...(enrolUnknownCards === false ? {} : { enrol: enrolFromShippedBin }),
  });
}
