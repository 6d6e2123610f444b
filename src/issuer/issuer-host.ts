/**
 * The issuer host: implements the terminal's AuthorisationHost over the
 * issuer database. Each request is decided and booked in ONE SQLite
 * transaction (better-sqlite3 is synchronous, so no other request interleaves):
 * look up the stored answer (retransmission: same answer, no second posting),
 * decide, write the authorisation row, the hold or posting, the rule decisions
 * and the card's new ATC/PIN state, commit, and only then answer.
 * On a file database the commit's fsync runs off the event loop
 * (db/durability.ts): answers wait for it, the next batch does not. A failed
 * fsync is fatal (DurabilityError): nothing more is answered, the database is
 * closed, and `onFatal` tells the embedding server or CLI to stop.
 */
import type { AuthorisationHost, AuthorisationRequest, AuthorisationResponse } from '../terminal/index.js';
import { issuerAuthenticationData } from './cryptogram-check.js';
import { decide, type Decision } from './decide.js';
import { DurabilityError, WalDurability } from './db/durability.js';
import { updateCardState } from './db/records.js';
import { statement, type IssuerDatabase } from './db/schema.js';
import { countryDigits } from './iso8583/mapping.js';
import { addDailyUsage, startOfDay, findStoredAnswer, placeHold, post, recordAnswer, recordRuleDecisions, type LedgerEntry } from './ledger.js';
import { idempotencyKey, originalOf, requestDigest, traceDate, type IssuerRequest } from './request-identity.js';
import { decideReversal, DUPLICATE_TRANSMISSION, findOrphanReversal, linkLateOriginal, reverseOriginal, REVERSED_BEFORE_ORIGINAL } from './reversals.js';
import type { ZoneKeys } from './online-pin.js';
import type { RiskRule } from './rules/types.js';
import { type SeedCard, TEST_ZONE_KEYS } from './seed.js';

export interface DecisionEvent {
  request: AuthorisationRequest;
  response: AuthorisationResponse;
  reason: string;
  /** True when the answer came from the ledger (a retransmission). */
  repeated: boolean;
}

export interface IssuerHostOptions {
  db: IssuerDatabase;
  rules?: readonly RiskRule[];
  zoneKeys?: ZoneKeys;
  /** Host clock in ms (default Date.now); tests pin it. */
  clock?: () => number;
  /** ATC window for the cloning check (default 50). */
  atcWindow?: number;
  /** Called after each answer is committed (the CLI prints it). */
  onDecision?: (event: DecisionEvent) => void;
  /** Enrol an unknown PAN on first sight (in-process development hosts; see shipped-cards.ts). */
  enrol?: (request: AuthorisationRequest) => SeedCard | undefined;
  /** Called once when the host stops for good (a failed fsync): the server stops, the CLI exits. */
  onFatal?: (error: DurabilityError) => void;
}

type Outcome = { response: AuthorisationResponse; reason: string; repeated: boolean };

/** Answer 96 (system malfunction) for a request whose transaction rolled back. */
function malfunction(err: unknown): Outcome {
  const message = err instanceof Error ? err.message : String(err);
  return { response: { responseCode: '96', decidedBy: 'system', message }, reason: message, repeated: false };
}

export { idempotencyKey } from './request-identity.js';

export class IssuerHost implements AuthorisationHost {
  readonly db: IssuerDatabase;
  rules: readonly RiskRule[];
  private readonly zoneKeys: ZoneKeys;
  private readonly clock: () => number;
  private readonly atcWindow: number;
  private readonly onDecision: ((event: DecisionEvent) => void) | undefined;
  private readonly enrol: ((request: AuthorisationRequest) => SeedCard | undefined) | undefined;
  private readonly bookOne: (request: AuthorisationRequest) => Outcome;
  private readonly bookBatch: (requests: AuthorisationRequest[]) => Outcome[];
  private queue: { request: AuthorisationRequest; resolve: (r: AuthorisationResponse) => void; reject: (e: Error) => void }[] = [];
  /** Off-loop WAL fsync for file databases (undefined for ':memory:'). */
  readonly durability: WalDurability | undefined;
  private flushScheduled = false;
  private readonly onFatal: ((error: DurabilityError) => void) | undefined;
  /** Set when a commit could not be made durable: the host answers nothing any more. */
  failure: DurabilityError | undefined;

  constructor(options: IssuerHostOptions) {
    this.db = options.db;
    this.rules = options.rules ?? [];
    this.zoneKeys = options.zoneKeys ?? TEST_ZONE_KEYS;
    this.clock = options.clock ?? Date.now;
    this.atcWindow = options.atcWindow ?? 50;
    this.onDecision = options.onDecision;
    this.enrol = options.enrol;
    this.onFatal = options.onFatal;
    this.durability = WalDurability.attach(this.db);
    // One request = one transaction (a savepoint when inside a batch): its decision, ledger rows and card state.
    const one = this.db.transaction((request: AuthorisationRequest) => this.book(request));
    this.bookOne = (request) => {
      try {
        return one(request);
      } catch (err) {
        return malfunction(err); // rolled back: nothing of this request was written
      }
    };
    // Group commit: requests that arrive together share one durable commit (one fsync), and each is
    // answered only after that commit. IMMEDIATE takes the write lock first, so a second process waits.
    this.bookBatch = this.db.transaction((requests: AuthorisationRequest[]) => requests.map((r) => this.bookOne(r))).immediate as never;
  }

  /** Queues the request for the next group commit; resolves once its decision is durable. */
  authorise(request: AuthorisationRequest): Promise<AuthorisationResponse> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (this.failure) {
      for (const b of batch) b.reject(this.failure);
      return;
    }
    let outcomes: Outcome[];
    try {
      outcomes = this.bookBatch(batch.map((b) => b.request));
    } catch (err) {
      outcomes = batch.map(() => malfunction(err)); // the commit failed: nothing was written
    }
    const answer = () =>
      batch.forEach((b, i) => {
        this.onDecision?.({ request: b.request, ...outcomes[i]! });
        b.resolve(outcomes[i]!.response);
      });
    if (!this.durability) return answer();
    // Answer only once the commit is on disk. Should the fsync fail, nothing is answered, now or later:
    // the host stops (fail), and after a restart the terminal's retransmission finds what the WAL holds.
    const durability = this.durability;
    durability.afterCommit().then(answer, (err: unknown) => {
      const error = this.fail(DurabilityError.of(durability.walPath, err));
      for (const b of batch) b.reject(error);
    });
  }

  /** Stops the host for good after a failed fsync: rejects what is queued, closes the database, tells onFatal. */
  private fail(error: DurabilityError): DurabilityError {
    if (this.failure) return this.failure;
    this.failure = error;
    const queued = this.queue;
    this.queue = [];
    for (const q of queued) q.reject(error);
    this.durability?.close();
    try {
      this.db.close();
    } catch {
      // closing may itself hit the failing disk; the host is stopping either way
    }
    this.onFatal?.(error);
    return error;
  }

  /** The synchronous core: one request, one transaction (benchmarks and tools). */
  authoriseSync(request: AuthorisationRequest): AuthorisationResponse {
    if (this.failure) throw this.failure;
    const outcome = this.bookOne(request);
    try {
      this.durability?.afterCommitSync();
    } catch (err) {
      throw this.fail(DurabilityError.of(this.durability!.walPath, err));
    }
    this.onDecision?.({ request, ...outcome });
    return outcome.response;
  }


  private entry(request: AuthorisationRequest, response: AuthorisationResponse, reason: string, extra: Partial<LedgerEntry>): LedgerEntry {
    return {
      idempotencyKey: idempotencyKey(request),
      kind: request.kind,
      transactionType: request.transactionType,
      createdAt: this.clock(),
      pan: request.pan,
      psn: request.panSequenceNumber ?? null,
      accountId: null,
      terminalId: request.terminalId,
      merchantId: request.merchantId,
      mcc: request.merchantCategoryCode ?? null,
      country: countryDigits(request.terminalCountry),
      stan: request.stan,
      rrn: request.rrn ?? null,
      amountMinor: request.amountMinor + (request.otherAmountMinor ?? 0),
      currency: request.currency,
      atc: null,
      response,
      reason,
      originalId: null,
      requestDigest: requestDigest(request),
      traceDate: traceDate(request),
      originalStan: null,
      originalDate: null,
      ...extra,
    };
  }

  private book(request: IssuerRequest): Outcome {
    const stored = findStoredAnswer(this.db, idempotencyKey(request));
    if (stored) {
      // Pre-version-2 rows carry no digest: they are taken as retransmissions, as before.
      if (stored.digest === null || stored.digest === requestDigest(request)) return { response: stored.response, reason: 'retransmission: stored answer', repeated: true };
      return { ...this.duplicateTransmission(request), repeated: false };
    }
    if (request.kind === 'reversal') return { ...this.reverse(request), repeated: false };
    const lateOriginal = this.declineIfReversed(request);
    if (lateOriginal) return { ...lateOriginal, repeated: false };

    const decision = decide({ db: this.db, request, rules: this.rules, zoneKeys: this.zoneKeys, now: this.clock(), atcWindow: this.atcWindow, ...(this.enrol ? { enrol: this.enrol } : {}) });
    const response = this.responseOf(decision);
    // Booked in the account's currency once converted (currency.ts); the reason keeps the amount as sent.
    const billed = decision.account && decision.billingAmountMinor !== undefined ? { amountMinor: decision.billingAmountMinor, currency: decision.account.currency } : {};
    const id = recordAnswer(
      this.db,
      this.entry(request, response, decision.reason, {
        psn: decision.card?.psn ?? request.panSequenceNumber ?? null,
        accountId: decision.account?.id ?? null,
        atc: decision.cryptogram?.atc ?? null,
        ...billed,
      }),
    );
    if (decision.card && Object.keys(decision.cardChanges).length > 0) updateCardState(this.db, decision.card, decision.cardChanges);
    if (decision.ruleFirings.length > 0) {
      recordRuleDecisions(
        this.db,
        id,
        decision.ruleFirings.map((f, i) => ({ rule: f.rule, action: i === 0 ? f.action.kind : `${f.action.kind} (not deciding)`, detail: f.detail })),
      );
    }
    if (response.responseCode === '00' && decision.account && decision.billingAmountMinor !== undefined) {
      const amount = decision.billingAmountMinor;
      const refund = request.transactionType === '20';
      if (!refund) addDailyUsage(this.db, decision.account.id, startOfDay(this.clock()), 1, amount);
      if (request.kind === 'authorisation' && !refund) placeHold(this.db, id, decision.account.id, amount);
      if (request.kind === 'financial') post(this.db, id, decision.account.id, refund ? amount : -amount, 'purchase');
    }
    return { response, reason: decision.reason, repeated: false };
  }

  private responseOf(d: Decision): AuthorisationResponse {
    const response: AuthorisationResponse = { responseCode: d.responseCode, message: d.reason };
    if (d.decidedBy) response.decidedBy = d.decidedBy;
    if (d.responseCode === '00') {
      // Authorisation identification response (field 38): six digits from the ledger sequence.
      const next = (statement(this.db, 'SELECT COALESCE(MAX(id), 0) + 1 AS n FROM authorisations').get() as { n: number }).n;
      response.authorisationCode = String(next % 1_000_000).padStart(6, '0');
    }
    if (d.cryptogram && d.card) response.issuerAuthenticationData = issuerAuthenticationData(d.card, d.cryptogram, d.responseCode, d.blockApplication);
    if (d.scripts.length > 0) response.issuerScripts = d.scripts;
    return response;
  }

  /**
   * Same terminal, STAN, RRN and date as an answered request, but another PAN, amount, currency or
   * cryptogram: not a retransmission. ISO 8583:1987 response code 94 "duplicate transmission"; nothing is
   * decided or posted (the row records the attempt under a key of its own).
   */
  private duplicateTransmission(request: AuthorisationRequest): { response: AuthorisationResponse; reason: string } {
    const message = `terminal ${request.terminalId} STAN ${request.stan} was already used by another transaction`;
    const response: AuthorisationResponse = { responseCode: '94', decidedBy: DUPLICATE_TRANSMISSION, message };
    const key = `${idempotencyKey(request)}|duplicate|${requestDigest(request)}`;
    if (!findStoredAnswer(this.db, key)) recordAnswer(this.db, { ...this.entry(request, response, message, {}), idempotencyKey: key });
    return { response, reason: message };
  }

  /**
   * A 0100/0200 whose reversal came first (the terminal timed out and reversed; its original arrived late).
   * Issuer practice ("reversal before original": the unmatched reversal is kept and applied to the late
   * original, as ISO 8583:1987 §4.1.2.3 has the acquirer send a reversal precisely so that the transaction
   * does not stand): the original is declined 12 (invalid transaction) and holds or posts nothing, rather
   * than approved and auto-reversed, so the two rows tell the story and no hold ever exists.
   */
  private declineIfReversed(request: AuthorisationRequest): { response: AuthorisationResponse; reason: string } | undefined {
    const target = { terminalId: request.terminalId, stan: request.stan, date: traceDate(request), pan: request.pan, amountMinor: request.amountMinor + (request.otherAmountMinor ?? 0), currency: request.currency };
    const reversalId = findOrphanReversal(this.db, target);
    if (reversalId === undefined) return undefined;
    const message = `reversal #${reversalId} arrived before this original`;
    const response: AuthorisationResponse = { responseCode: '12', decidedBy: REVERSED_BEFORE_ORIGINAL, message };
    const id = recordAnswer(this.db, this.entry(request, response, message, {}));
    linkLateOriginal(this.db, id, reversalId);
    return { response, reason: message };
  }

  /** 0400: see reversals.ts (matching, amount, declined originals, reversals before their original). */
  private reverse(request: IssuerRequest): { response: AuthorisationResponse; reason: string } {
    const original = originalOf(request);
    const amountMinor = request.amountMinor + (request.otherAmountMinor ?? 0);
    const decision = decideReversal(this.db, { terminalId: request.terminalId, stan: original.stan, date: original.date, pan: request.pan, amountMinor, currency: request.currency });
    const { response } = decision;
    const named = { originalStan: original.stan, originalDate: original.date };
    if (decision.outcome === 'orphan') {
      recordAnswer(this.db, this.entry(request, response, response.message!, named));
      return { response, reason: response.message! };
    }
    const id = recordAnswer(this.db, this.entry(request, response, response.message!, { ...named, accountId: decision.original.accountId, originalId: decision.original.id }));
    if (decision.outcome === 'amount-mismatch') return { response, reason: response.message! };
    const done = reverseOriginal(this.db, decision.original, id);
    const what = decision.original.approved ? 'reversed' : 'marked reversed (declined original: nothing to release)';
    return { response, reason: done ? `${what} #${decision.original.id}` : `#${decision.original.id} was already reversed` };
  }
}
