/**
 * `explore --contactless` options -> inspector terminal data; bad values are DocumentErrors naming the option (exit 2).
 * Amounts and limits are typed in major units, like `transact --amount`, and read by the one amount parser
 * with the ISO 4217 exponent of --currency (default 0978 EUR): `--amount 50.00` is 5000 minor units in 9F02.
 */
import { currencyOf, parseAmount } from '../apdu/amount.js';
import { DocumentError } from '../apdu/errors.js';
import type { CombinationLimits, InspectorTerminalData } from '../terminal/card-inspector/index.js';

interface Args {
  amount?: string | undefined;
  ttq?: string | undefined;
  un?: string | undefined;
  country?: string | undefined;
  currency?: string | undefined;
  date?: string | undefined;
  type?: string | undefined;
  'transaction-limit'?: string | undefined;
  'floor-limit'?: string | undefined;
  'cvm-limit'?: string | undefined;
  'status-check'?: boolean | undefined;
}

function hex(value: string | undefined, option: string, bytes: number): string | undefined {
  if (value === undefined) return undefined;
  const h = value.replace(/\s/g, '').toUpperCase();
  if (!new RegExp(`^[0-9A-F]{${bytes * 2}}$`).test(h)) throw new DocumentError(`'${value}' is not ${bytes} byte${bytes > 1 ? 's' : ''} of hex`, { field: option });
  return h;
}

function digits(value: string | undefined, option: string, n: number): string | undefined {
  if (value === undefined) return undefined;
  if (!new RegExp(`^\\d{${n}}$`).test(value)) throw new DocumentError(`'${value}' is not ${n} digits`, { field: option });
  return value;
}

/** The 4-digit numeric currency of the transaction (5F2A) the amounts are typed in. */
function currencyCode(argv: Args): string {
  return digits(argv.currency, '--currency', 4) ?? '0978';
}

/** A major-unit amount option in the transaction currency -> minor units (9F02 is n12, Book 3 Annex A). */
function amount(value: string | number | undefined, option: string, argv: Args): number | undefined {
  if (value === undefined) return undefined;
  const { exponent, alpha } = currencyOf(currencyCode(argv), '--currency');
  return parseAmount(String(value), { exponent, currency: alpha, field: option });
}

/** Book B §3.1 limits for every combination of the inspector. */
export function contactlessLimits(argv: Args): CombinationLimits {
  const out: CombinationLimits = {};
  const t = amount(argv['transaction-limit'], '--transaction-limit', argv);
  if (t !== undefined) out.readerContactlessTransactionLimit = t;
  const f = amount(argv['floor-limit'], '--floor-limit', argv);
  if (f !== undefined) out.readerContactlessFloorLimit = f;
  const c = amount(argv['cvm-limit'], '--cvm-limit', argv);
  if (c !== undefined) out.readerCvmRequiredLimit = c;
  if (argv['status-check'] !== undefined) out.statusCheckSupport = argv['status-check'];
  return out;
}

export function contactlessTerminalData(argv: Args): Partial<InspectorTerminalData> {
  const out: Partial<InspectorTerminalData> = {};
  const a = amount(argv.amount, '--amount', argv);
  if (a !== undefined) out.amount = a;
  const ttq = hex(argv.ttq, '--ttq', 4);
  if (ttq) out.ttq = ttq;
  const un = hex(argv.un, '--un', 4);
  if (un) out.unpredictableNumber = un;
  const country = digits(argv.country, '--country', 4);
  if (country) out.country = country;
  if (argv.currency !== undefined) out.currency = currencyCode(argv);
  const date = digits(argv.date, '--date', 6);
  if (date) out.date = date;
  const type = hex(argv.type, '--type', 1);
  if (type) out.transactionType = parseInt(type, 16);
  return out;
}
