/**
 * The issuer host: implements the terminal's AuthorisationHost over the
 * issuer database. Each request is decided and booked in ONE SQLite
 * transaction (better-sqlite3 is synchronous, so no other request interleaves):
 * look up the stored answer (retransmission: same answer, no second posting),
 * decide, write the authorisation row, the hold or posting, the rule decisions
 * and the card's new ATC/PIN state, commit, and only then answer.
 * On a file database the commit's fsync runs off the event loop
 * (db/durability.ts): answers wait for it, the next batch does not.
 */
import type { AuthorisationHost, AuthorisationRequest, AuthorisationResponse } from '../terminal/host.js';
import { issuerAuthenticationData } from './cryptogram-check.js';
import { decide, type Decision } from './decide.js';
import { WalDurability } from './db/durability.js';
import { updateCardState } from './db/records.js';
import { statement, type IssuerDatabase } from './db/schema.js';
import { countryDigits } from './iso8583/mapping.js';
import {
  addDailyUsage,
  findOriginal,
  startOfDay,
  findStoredAnswer,
  placeHold,
  post,
  recordAnswer,
  recordRuleDecisions,
  reverseOriginal,
  type LedgerEntry,
} from './ledger.js';
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
}

type Outcome = { response: AuthorisationResponse; reason: string; repeated: boolean };

/** Answer 96 (system malfunction) for a request whose transaction rolled back. */
function malfunction(err: unknown): Outcome {
  const message = err instanceof Error ? err.message : String(err);
  return { response: { responseCode: '96', decidedBy: 'system', message }, reason: message, repeated: false };
}

/** Retransmissions of a request share this key: message class, terminal, STAN, RRN and transaction date. */
export function idempotencyKey(request: AuthorisationRequest): string {
  return [request.kind, request.terminalId, request.stan, request.rrn ?? '', request.date].join('|');
}

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

  constructor(options: IssuerHostOptions) {
    this.db = options.db;
    this.rules = options.rules ?? [];
    this.zoneKeys = options.zoneKeys ?? TEST_ZONE_KEYS;
    this.clock = options.clock ?? Date.now;
    this.atcWindow = options.atcWindow ?? 50;
    this.onDecision = options.onDecision;
    this.enrol = options.enrol;
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
    // Answer only once the commit is on disk. Should the fsync fail, nothing is answered (the terminal
    // retransmits and gets the stored answer once the database is durable again, or reverses).
    this.durability.afterCommit().then(answer, (err: unknown) => {
      const error = err instanceof Error ? err : new Error(String(err));
      for (const b of batch) b.reject(error);
    });
  }

  /** The synchronous core: one request, one transaction (benchmarks and tools). */
  authoriseSync(request: AuthorisationRequest): AuthorisationResponse {
    const outcome = this.bookOne(request);
    this.durability?.afterCommitSync();
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
      ...extra,
    };
  }

  private book(request: AuthorisationRequest): Outcome {
    const stored = findStoredAnswer(this.db, idempotencyKey(request));
    if (stored) return { response: stored, reason: 'retransmission: stored answer', repeated: true };
    if (request.kind === 'reversal') return { ...this.reverse(request), repeated: false };

    const decision = decide({ db: this.db, request, rules: this.rules, zoneKeys: this.zoneKeys, now: this.clock(), atcWindow: this.atcWindow, ...(this.enrol ? { enrol: this.enrol } : {}) });
    const response = this.responseOf(decision);
    const id = recordAnswer(
      this.db,
      this.entry(request, response, decision.reason, {
        psn: decision.card?.psn ?? request.panSequenceNumber ?? null,
        accountId: decision.account?.id ?? null,
        atc: decision.cryptogram?.atc ?? null,
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
    if (response.responseCode === '00' && decision.account) {
      const amount = request.amountMinor + (request.otherAmountMinor ?? 0);
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

  /** 0400: releases the original's hold (or credits its debit) exactly once; 25 when no original is found. */
  private reverse(request: AuthorisationRequest): { response: AuthorisationResponse; reason: string } {
    const originalStan = request.originalStan ?? request.stan;
    const original = findOriginal(this.db, request.terminalId, originalStan);
    if (!original) {
      const response: AuthorisationResponse = { responseCode: '25', decidedBy: 'reversal', message: `no original with STAN ${originalStan}` };
      recordAnswer(this.db, this.entry(request, response, response.message!, {}));
      return { response, reason: response.message! };
    }
    const response: AuthorisationResponse = { responseCode: '00', decidedBy: 'reversal', message: `reversal of #${original.id}` };
    const id = recordAnswer(this.db, this.entry(request, response, response.message!, { accountId: original.accountId, originalId: original.id }));
    const done = reverseOriginal(this.db, original, id);
    const reason = done ? `reversed #${original.id}` : `#${original.id} was already reversed`;
    return { response, reason };
  }
}
