/**
 * JSON files emvsim writes and reads back: the card file (`card new`, every
 * state change), with the Geldkarte purse inside it (state.applets.geldkarte),
 * the Geldkarte merchant card file and the clearing file. A hand-edited or
 * truncated file is bad input named at file:line:field, never a TypeError in
 * the code that trusts it. The card file's profile and counters are checked
 * further by src/card/card-image-validate.ts (ranges that depend on the profile).
 */
import type { JsonSchema } from '../schema.js';
import { hex, integer, list, mapping, oneOfValues, text } from './common.js';

const COUNT = integer(0, Number.MAX_SAFE_INTEGER);
/** Amounts in cents (EF_BETRAG holds 3 BCD bytes: at most 999999). */
const CENTS = integer(0, 999_999);
const SEQUENCE = integer(0, 0xffff_ffff);
const KIND = oneOfValues(['debit', 'refund']);

export const PURSE_STATE = mapping(
  {
    format: { const: 'emvsim-geldkarte-purse' },
    efId: hex(24, 24, 'EF_ID'),
    efBoerse: hex(27, 27, 'EF_BOERSE'),
    debitKey: hex(16, 16),
    loadKey: hex(16, 16),
    maxBalance: CENTS,
    maxTransaction: CENTS,
    maxWithoutMac: CENTS,
    balance: CENTS,
    lseq: integer(1, 0xffff),
    bseq: integer(1, 0xffff),
    llog: list(hex(1, 64)),
    blog: list(hex(1, 64)),
  },
  ['format', 'efId', 'efBoerse', 'debitKey', 'loadKey', 'maxBalance', 'maxTransaction', 'maxWithoutMac', 'balance', 'lseq', 'bseq', 'llog', 'blog'],
  'The GeldKarte purse of a card file (amounts in cents).',
);

const PAYMENT = mapping({ kind: KIND, purseId: hex(10, 10), hseq: SEQUENCE, bseq: integer(0, 0xffff), amount: CENTS }, ['kind', 'purseId', 'hseq', 'bseq', 'amount']);

export const MERCHANT_STATE = mapping(
  {
    format: { const: 'emvsim-geldkarte-merchant' },
    version: { const: 1 },
    name: text(),
    merchantId: hex(10, 10),
    debitMasterKey: hex(16, 16),
    merchantKey: hex(16, 16),
    hseq: SEQUENCE,
    sseq: SEQUENCE,
    debitTotal: COUNT,
    refundTotal: COUNT,
    records: list(PAYMENT),
    pending: { anyOf: [{ type: 'null' }, PAYMENT] },
    parked: list(PAYMENT),
    lastSummary: { anyOf: [{ type: 'null' }, hex(1, 4096)] },
  },
  ['format', 'version', 'merchantId', 'debitMasterKey', 'merchantKey', 'hseq', 'sseq', 'debitTotal', 'refundTotal', 'records'],
  'A GeldKarte merchant card (Haendlerkarte) file.',
);

const TOTALS = {
  merchantId: hex(10, 10),
  summarySequence: SEQUENCE,
  count: COUNT,
  debitTotal: COUNT,
  refundTotal: COUNT,
  firstHseq: SEQUENCE,
  lastHseq: SEQUENCE,
};
const UNKNOWN = { ...PAYMENT.properties as Record<string, JsonSchema>, merchantId: hex(10, 10), summarySequence: SEQUENCE };

export const CLEARING_STATE = mapping(
  {
    format: { const: 'emvsim-geldkarte-clearing' },
    settled: list(mapping(TOTALS, Object.keys(TOTALS))),
    merchantAccounts: { type: 'object', additionalProperties: { type: 'integer' } },
    openUnknowns: list(mapping(UNKNOWN, Object.keys(UNKNOWN))),
    resolvedUnknowns: list(mapping({ ...UNKNOWN, outcome: oneOfValues(['credited', 'dropped']) }, [...Object.keys(UNKNOWN), 'outcome'])),
    missingSummaries: { type: 'object', additionalProperties: list(SEQUENCE) },
    warnings: list(text()),
  },
  ['format', 'settled', 'merchantAccounts', 'openUnknowns', 'resolvedUnknowns', 'missingSummaries', 'warnings'],
  'A GeldKarte clearing (Haendlerevidenzzentrale) file.',
);

const SHADOW_DEBIT = { kind: KIND, amount: CENTS, merchantId: hex(10, 10), hseq: SEQUENCE };

export const ISSUER_DEBIT_RECORD = mapping(
  {
    format: { const: 'emvsim-geldkarte-issuer' },
    purses: { type: 'object', additionalProperties: mapping({ counter: integer(0, 0xffff), debits: { type: 'object', additionalProperties: mapping(SHADOW_DEBIT, Object.keys(SHADOW_DEBIT)) } }, ['counter', 'debits']) },
  },
  ['format', 'purses'],
  "The GeldKarte purse issuer's record of purse debits (geldkarte load/settle --issuer).",
);

/** A summary is 45 bytes plus 20 per unknown payment (at most 8 parked and 1 pending). */
export const PENDING_SUMMARY = mapping(
  { format: { const: 'emvsim-geldkarte-pending-summary' }, merchantId: hex(10, 10), summarySequence: SEQUENCE, raw: hex(45, 45 + 9 * 20) },
  ['format', 'merchantId', 'summarySequence'],
  'A GeldKarte end-of-day summary closed by the merchant card and not yet delivered (the settlement outbox).',
);

/** The card file's outer shape; its profile, keys and counters are checked by the card. */
export const CARD_FILE = mapping(
  {
    format: { const: 'emvsim-card' },
    version: { const: 1 },
    profile: { type: 'object' },
    iccKey: { type: 'object' },
    pinKey: { type: 'object' },
    oda: { type: 'object' },
    state: {
      type: 'object',
      properties: { applets: mapping({ geldkarte: PURSE_STATE }) },
    },
  },
  ['format', 'version', 'profile', 'state'],
  'An emvsim card file (written by `card new`).',
);
