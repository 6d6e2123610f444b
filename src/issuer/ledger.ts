/**
 * The issuer's books: one authorisation row per answered request, holds for
 * approved authorisations (0100), postings for approved financial messages
 * (0200) and reversal credits, and the rule decisions. All writes happen
 * inside the caller's decision transaction (IssuerHost), so a decision and its
 * posting commit together or not at all.
 */
import { fromHex, toHex } from '../apdu/index.js';
import type { AuthorisationResponse, MessageKind } from '../terminal/index.js';
import { statement, type IssuerDatabase } from './db/schema.js';

export interface LedgerEntry {
  idempotencyKey: string;
  kind: MessageKind;
  transactionType: string;
  createdAt: number;
  pan: string;
  psn: string | null;
  accountId: number | null;
  terminalId: string;
  merchantId: string;
  mcc: string | null;
  country: string;
  stan: string;
  rrn: string | null;
  amountMinor: number;
  currency: string;
  atc: number | null;
  response: AuthorisationResponse;
  /** Why it was declined, in words the ledger keeps ("ATC replay: 5 <= last 7"). */
  reason: string | null;
  originalId: number | null;
  /** requestDigest (request-identity.ts): what the request asked for; retransmissions must match it. */
  requestDigest: string | null;
  /** Transaction date MMDD (field 13). */
  traceDate: string;
  /** Reversals: the original's STAN and date MMDD as named by field 90 (or fields 11/13). */
  originalStan: string | null;
  originalDate: string | null;
}

export interface RuleDecisionRow {
  rule: string;
  action: string;
  detail: string;
}

interface StoredResponse {
  responseCode: string;
  authorisationCode?: string;
  issuerAuthenticationData?: string;
  issuerScripts?: string[];
  decidedBy?: string;
  message?: string;
}

export function serialiseResponse(r: AuthorisationResponse): string {
  const s: StoredResponse = { responseCode: r.responseCode };
  if (r.authorisationCode) s.authorisationCode = r.authorisationCode;
  if (r.issuerAuthenticationData) s.issuerAuthenticationData = toHex(r.issuerAuthenticationData);
  if (r.issuerScripts?.length) s.issuerScripts = r.issuerScripts.map((b) => toHex(b));
  if (r.decidedBy) s.decidedBy = r.decidedBy;
  if (r.message) s.message = r.message;
  return JSON.stringify(s);
}

export function deserialiseResponse(json: string): AuthorisationResponse {
  const s = JSON.parse(json) as StoredResponse;
  const r: AuthorisationResponse = { responseCode: s.responseCode };
  if (s.authorisationCode) r.authorisationCode = s.authorisationCode;
  if (s.issuerAuthenticationData) r.issuerAuthenticationData = fromHex(s.issuerAuthenticationData);
  if (s.issuerScripts) r.issuerScripts = s.issuerScripts.map((h) => fromHex(h));
  if (s.decidedBy) r.decidedBy = s.decidedBy;
  if (s.message) r.message = s.message;
  return r;
}

/**
 * The stored answer for a request with this idempotency key, if one was answered before, with the digest
 * of what that request asked for (null for rows written before schema version 2).
 */
export function findStoredAnswer(db: IssuerDatabase, idempotencyKey: string): { response: AuthorisationResponse; digest: string | null } | undefined {
  const row = statement(db, 'SELECT response_json, request_digest FROM authorisations WHERE idempotency_key = ?').get(idempotencyKey) as
    | { response_json: string; request_digest: string | null }
    | undefined;
  return row ? { response: deserialiseResponse(row.response_json), digest: row.request_digest } : undefined;
}

export function recordAnswer(db: IssuerDatabase, e: LedgerEntry): number {
  const approved = e.response.responseCode === '00' ? 1 : 0;
  const info = statement(db, 
      `INSERT INTO authorisations (idempotency_key, kind, transaction_type, created_at, pan, psn, account_id, terminal_id, merchant_id, mcc, country,
         stan, rrn, amount_minor, currency, atc, response_code, approved, auth_code, decided_by, reason, response_json, original_id,
         request_digest, trace_date, original_stan, original_date)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      e.idempotencyKey,
      e.kind,
      e.transactionType,
      e.createdAt,
      e.pan,
      e.psn,
      e.accountId,
      e.terminalId,
      e.merchantId,
      e.mcc,
      e.country,
      e.stan,
      e.rrn,
      e.amountMinor,
      e.currency,
      e.atc,
      e.response.responseCode,
      approved,
      e.response.authorisationCode ?? null,
      e.response.decidedBy ?? null,
      e.reason,
      serialiseResponse(e.response),
      e.originalId,
      e.requestDigest,
      e.traceDate,
      e.originalStan,
      e.originalDate,
    );
  return Number(info.lastInsertRowid);
}

export function recordRuleDecisions(db: IssuerDatabase, authorisationId: number, decisions: RuleDecisionRow[]): void {
  const insert = statement(db, 'INSERT INTO rule_decisions (authorisation_id, rule, action, detail) VALUES (?, ?, ?, ?)');
  for (const d of decisions) insert.run(authorisationId, d.rule, d.action, d.detail);
}

/** An approved authorisation (0100) holds the amount: available = balance - held. */
export function placeHold(db: IssuerDatabase, authorisationId: number, accountId: number, amountMinor: number): void {
  statement(db, 'INSERT INTO holds (authorisation_id, account_id, amount_minor) VALUES (?, ?, ?)').run(authorisationId, accountId, amountMinor);
  statement(db, 'UPDATE accounts SET held_minor = held_minor + ? WHERE id = ?').run(amountMinor, accountId);
}

/** A posting to the balance: negative debits (approved 0200), positive credits (reversal of a 0200). */
export function post(db: IssuerDatabase, authorisationId: number, accountId: number, amountMinor: number, kind: 'purchase' | 'reversal'): void {
  statement(db, 'INSERT INTO postings (authorisation_id, account_id, amount_minor, kind) VALUES (?, ?, ?, ?)').run(
    authorisationId,
    accountId,
    amountMinor,
    kind,
  );
  statement(db, 'UPDATE accounts SET balance_minor = balance_minor + ? WHERE id = ?').run(amountMinor, accountId);
}

/** Start of the UTC day holding `ms` (daily limits reset at midnight UTC). */
export function startOfDay(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

/** Adjusts an account's running daily totals (approved purchases add, reversals subtract). */
export function addDailyUsage(db: IssuerDatabase, accountId: number, day: number, count: number, amountMinor: number): void {
  statement(
    db,
    `INSERT INTO daily_usage (account_id, day, count, amount_minor) VALUES (?, ?, ?, ?)
     ON CONFLICT (account_id, day) DO UPDATE SET count = count + excluded.count, amount_minor = amount_minor + excluded.amount_minor`,
  ).run(accountId, day, count, amountMinor);
}

/** Approved, unreversed purchases of an account on the UTC day starting at `day` (daily limits). */
export function accountUsageOnDay(db: IssuerDatabase, accountId: number, day: number): { count: number; amountMinor: number } {
  const r = statement(db, 'SELECT count, amount_minor FROM daily_usage WHERE account_id = ? AND day = ?').get(accountId, day) as
    | { count: number; amount_minor: number }
    | undefined;
  return { count: r?.count ?? 0, amountMinor: r?.amount_minor ?? 0 };
}

/** Card activity since `since` (ms): approved or all attempts (velocity rules). */
export function cardActivitySince(db: IssuerDatabase, pan: string, since: number, approvedOnly: boolean): { count: number; amountMinor: number } {
  const r = statement(db, 
      `SELECT COUNT(*) AS n, COALESCE(SUM(amount_minor), 0) AS total FROM authorisations
       WHERE pan = ? AND created_at >= ? AND kind != 'reversal' ${approvedOnly ? 'AND approved = 1 AND reversed_by IS NULL' : ''}`,
    )
    .get(pan, since) as { n: number; total: number };
  return { count: r.n, amountMinor: r.total };
}

/** The amounts of the card's last `n` approved purchases, newest first (history rule). */
export function recentApprovedAmounts(db: IssuerDatabase, pan: string, n: number): number[] {
  const rows = statement(db, 
      `SELECT amount_minor FROM authorisations WHERE pan = ? AND approved = 1 AND kind != 'reversal' AND reversed_by IS NULL
       ORDER BY id DESC LIMIT ?`,
    )
    .all(pan, n) as { amount_minor: number }[];
  return rows.map((r) => r.amount_minor);
}

export interface LedgerRow {
  id: number;
  kind: MessageKind;
  createdAt: string;
  pan: string;
  terminalId: string;
  stan: string;
  rrn: string | null;
  amountMinor: number;
  currency: string;
  atc: number | null;
  responseCode: string;
  authorisationCode: string | null;
  decidedBy: string | null;
  reason: string | null;
  reversedBy: number | null;
}

export function ledgerRows(db: IssuerDatabase, limit = 50): LedgerRow[] {
  const rows = statement(db, 
      `SELECT id, kind, created_at, pan, terminal_id, stan, rrn, amount_minor, currency, atc, response_code, auth_code, decided_by, reason, reversed_by
       FROM authorisations ORDER BY id DESC LIMIT ?`,
    )
    .all(limit) as Record<string, unknown>[];
  return rows.reverse().map((r) => ({
    id: r.id as number,
    kind: r.kind as MessageKind,
    createdAt: new Date(r.created_at as number).toISOString(),
    pan: r.pan as string,
    terminalId: r.terminal_id as string,
    stan: r.stan as string,
    rrn: r.rrn as string | null,
    amountMinor: r.amount_minor as number,
    currency: r.currency as string,
    atc: r.atc as number | null,
    responseCode: r.response_code as string,
    authorisationCode: r.auth_code as string | null,
    decidedBy: r.decided_by as string | null,
    reason: r.reason as string | null,
    reversedBy: r.reversed_by as number | null,
  }));
}

export interface AccountReconciliation {
  accountId: number;
  holder: string;
  currency: string;
  openingBalanceMinor: number;
  balanceMinor: number;
  heldMinor: number;
  availableMinor: number;
  /** opening + sum(postings) and sum(open holds), recomputed from the rows. */
  postedFromRows: number;
  heldFromRows: number;
  balanced: boolean;
}

/** Recomputes every account from its postings and holds; `balanced` is true when the running totals agree. */
export function reconcile(db: IssuerDatabase): AccountReconciliation[] {
  const rows = statement(db, 
      `SELECT a.id, a.holder, a.currency, a.opening_balance_minor, a.balance_minor, a.held_minor,
         (SELECT COALESCE(SUM(amount_minor), 0) FROM postings p WHERE p.account_id = a.id) AS posted,
         (SELECT COALESCE(SUM(amount_minor), 0) FROM holds h WHERE h.account_id = a.id AND h.released_by IS NULL) AS held
       FROM accounts a ORDER BY a.id`,
    )
    .all() as Record<string, number | string>[];
  return rows.map((r) => {
    const opening = r.opening_balance_minor as number;
    const balance = r.balance_minor as number;
    const held = r.held_minor as number;
    const postedFromRows = opening + (r.posted as number);
    const heldFromRows = r.held as number;
    return {
      accountId: r.id as number,
      holder: r.holder as string,
      currency: r.currency as string,
      openingBalanceMinor: opening,
      balanceMinor: balance,
      heldMinor: held,
      availableMinor: balance - held,
      postedFromRows,
      heldFromRows,
      balanced: postedFromRows === balance && heldFromRows === held,
    };
  });
}
