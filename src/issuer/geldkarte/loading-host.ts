/**
 * An in-process loading host (Ladezentrale) for the GeldKarte: it holds the
 * load master key, checks the purse's MAC, checks and debits the cardholder's
 * account, and answers with its approval MAC; it keeps a shadow balance per
 * purse as the Kunden-Evidenzzentrale did (docs/sources.md §1
 * "Loading"). MODELLED message format (see src/card/geldkarte/scheme.ts).
 */
import { type Bytes, constantTimeEqual, fromHex, toHex, uintBytes } from '../../apdu/index.js';
import { DEMO_MASTER_KEYS, MAC_DOMAIN, amountBcd, deriveCardKey, schemeMac } from '../../card/geldkarte/index.js';
import type { LoadApproval, LoadRequest, LoadingHost } from '../../terminal/geldkarte/index.js';
import { type PurseDebitFinding, type PurseShadowAccounts, ShadowAccounts } from './shadow-account.js';

export interface LoadingHostOptions {
  /** Load master key (hex); default the demo system's. */
  masterKey?: string;
  /** Account balances in cents by purse identity (hex); unknown purses get `defaultAccountBalance`. */
  accounts?: Record<string, number>;
  defaultAccountBalance?: number;
  /** The issuer's record of purse debits (default: a fresh in-memory one); give a file-backed one to keep it. */
  shadow?: ShadowAccounts;
}

interface LoadRecord {
  purseId: string;
  amount: number;
  loadSequence: number;
  challenge: Bytes;
  status: 'approved' | 'confirmed' | 'reversed';
}

export const LOAD_CENTRE_ID = fromHex('000001');

export class InProcessLoadingHost implements LoadingHost, PurseShadowAccounts {
  readonly accounts: Record<string, number>;
  /** The issuer's shadow account of each purse's debits (modelled, see shadow-account.ts). */
  readonly shadow: ShadowAccounts;
  /** Shadow balance of each purse as last confirmed. */
  readonly shadowBalances: Record<string, number> = {};
  private readonly masterKey: Bytes;
  private readonly defaultBalance: number;
  private readonly loads = new Map<string, LoadRecord>();
  private trace = 0;

  constructor(options: LoadingHostOptions = {}) {
    this.masterKey = fromHex(options.masterKey ?? DEMO_MASTER_KEYS.load);
    this.accounts = { ...options.accounts };
    this.defaultBalance = options.defaultAccountBalance ?? 100000;
    this.shadow = options.shadow ?? new ShadowAccounts();
  }

  private account(purseId: string): number {
    return (this.accounts[purseId] ??= this.defaultBalance);
  }

  async observePurseLog(purseId: Bytes, bseqCounter: number, blog: readonly Bytes[]): Promise<void> {
    this.shadow.observe(purseId, bseqCounter, blog);
  }

  findDebit(purseId: string, bseq: number): PurseDebitFinding {
    return this.shadow.findDebit(purseId, bseq);
  }

  async authoriseLoad(r: LoadRequest): Promise<LoadApproval> {
    const key = deriveCardKey(this.masterKey, r.purseId);
    const expected = schemeMac(key, MAC_DOMAIN.LOAD_REQUEST, r.purseChallenge, r.purseId, uintBytes(r.loadSequence, 2), amountBcd(r.balance), amountBcd(r.amount), r.terminalId);
    if (!constantTimeEqual(expected, r.mac)) return { approved: false, responseCode: '63', reason: 'security violation: the purse MAC is wrong' };
    const id = toHex(r.purseId);
    for (const l of this.loads.values()) {
      if (l.purseId === id && l.loadSequence === r.loadSequence && l.status === 'confirmed') {
        return { approved: false, responseCode: '94', reason: `duplicate: load sequence ${r.loadSequence} already loaded` };
      }
    }
    if (this.account(id) < r.amount) return { approved: false, responseCode: '51', reason: 'insufficient funds on the account' };
    this.accounts[id] = this.account(id) - r.amount;
    const traceId = uintBytes(++this.trace % 0x1000000, 3);
    this.loads.set(toHex(traceId), { purseId: id, amount: r.amount, loadSequence: r.loadSequence, challenge: r.purseChallenge, status: 'approved' });
    const mac = schemeMac(key, MAC_DOMAIN.LOAD_APPROVAL, r.purseChallenge, amountBcd(r.amount), uintBytes(r.loadSequence, 2), LOAD_CENTRE_ID, traceId);
    return { approved: true, centreId: LOAD_CENTRE_ID, traceId, mac };
  }

  async confirmLoad(purseId: Bytes, traceId: Bytes, receipt: Bytes): Promise<void> {
    const load = this.loads.get(toHex(traceId));
    if (!load || load.purseId !== toHex(purseId)) return;
    const key = deriveCardKey(this.masterKey, purseId);
    const expected = schemeMac(key, MAC_DOMAIN.LOAD_RECEIPT, load.challenge, receipt.subarray(0, 2), receipt.subarray(2, 5));
    if (!constantTimeEqual(expected, receipt.subarray(5, 13))) return; // not proven: stays approved, to be reconciled
    load.status = 'confirmed';
    this.shadowBalances[load.purseId] = Number(toHex(receipt.subarray(2, 5)));
  }

  async reverseLoad(purseId: Bytes, traceId: Bytes): Promise<void> {
    const load = this.loads.get(toHex(traceId));
    if (!load || load.purseId !== toHex(purseId) || load.status !== 'approved') return;
    load.status = 'reversed';
    this.accounts[load.purseId] = this.account(load.purseId) + load.amount;
  }
}
