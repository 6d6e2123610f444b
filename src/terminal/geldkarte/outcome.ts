/**
 * The outcome of a GeldKarte operation, with the scheme's rules stated: no PIN
 * and no signature for paying, the payment guaranteed to the merchant, a lost
 * card's balance lost to its holder (docs/sources.md §2, decision
 * table row G4). The liable party comes from the terminal's liability table
 * (scripts/liability/*.yaml, rule `geldkarte-purse`) when rules are given.
 */
import { type Bytes, toHex } from '../../apdu/index.js';
import { type LiabilityDetermination, type LiabilityFacts, type LiabilityRule, determineLiability } from '../liability.js';
import type { PaymentKind } from './protocol.js';
import type { EfId } from './records.js';

export interface OutcomeOptions {
  /** The liability table's rules (loadLiabilityTable(...).rules); without them the guarantee is stated as text. */
  liabilityRules?: readonly LiabilityRule[];
}

export interface GeldkarteOutcome {
  /** 'unknown': a card went away after the debit order; the merchant card keeps it unresolved. */
  result: 'approved' | 'declined' | 'unknown';
  kind: PaymentKind;
  amount: number;
  reason: string;
  /** Card data of the purse. */
  purse: { bankCode: string; cardNumber: string; currency: string };
  balanceBefore: number;
  balanceAfter: number;
  merchantId: string | undefined;
  /** Merchant sequence number (Haendlersequenznummer) of this payment. */
  hseq: number | undefined;
  /** Cardholder verification: GeldKarte payments need neither PIN nor signature. */
  cvm: 'none';
  guarantee: string;
  liability: LiabilityDetermination | undefined;
  /** Recovery of earlier or this interrupted payment. */
  notes: string[];
}

interface OutcomeInput {
  result: 'approved' | 'declined' | 'unknown';
  kind: PaymentKind;
  amount: number;
  reason: string;
  purse: Pick<EfId, 'bankCode' | 'cardNumber' | 'currency'>;
  balanceBefore: number;
  balanceAfter?: number | undefined;
  merchantId?: Bytes | undefined;
  hseq?: number | undefined;
  notes: string[];
}

export const GELDKARTE_GUARANTEE =
  'offline purse payment without PIN or signature; the amount on the merchant card is guaranteed to the merchant, and a lost card loses its balance (nobody refunds it)';

/** The liability facts of a GeldKarte payment (scheme geldkarte, chip, no CVM, offline). */
export function geldkarteFacts(result: 'approved' | 'declined'): LiabilityFacts {
  return {
    outcome: result,
    entryMode: 'chip',
    scheme: 'geldkarte',
    cvm: 'no-cvm',
    cvmSuccessful: true,
    cardPinPreferring: false,
    cardSupportsPin: false,
    wentOnline: false,
    onlineAuthorised: false,
    fullChipData: true,
    aboveFloorLimit: false,
    offlineApproved: result === 'approved',
    pinPadPresent: false,
    pinPadWorking: false,
    odaResult: 'not-performed',
    cryptogram: 'none',
    authorisationResponseCode: result === 'approved' ? 'Y1' : 'Z1',
    directDebit: false,
  };
}

export function makeOutcome(input: OutcomeInput, options: OutcomeOptions): GeldkarteOutcome {
  return {
    result: input.result,
    kind: input.kind,
    amount: input.amount,
    reason: input.reason,
    purse: { bankCode: input.purse.bankCode, cardNumber: input.purse.cardNumber, currency: input.purse.currency },
    balanceBefore: input.balanceBefore,
    balanceAfter: input.balanceAfter ?? input.balanceBefore,
    merchantId: input.merchantId ? toHex(input.merchantId) : undefined,
    hseq: input.hseq,
    cvm: 'none',
    guarantee: GELDKARTE_GUARANTEE,
    liability: options.liabilityRules ? determineLiability(geldkarteFacts(input.result === 'approved' ? 'approved' : 'declined'), options.liabilityRules) : undefined,
    notes: input.notes,
  };
}
