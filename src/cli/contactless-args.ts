/** `explore --contactless` options -> inspector terminal data; bad values are DocumentErrors naming the option (exit 2). */
import { DocumentError } from '../apdu/errors.js';
import type { CombinationLimits, InspectorTerminalData } from '../terminal/card-inspector/index.js';

interface Args {
  amount?: number | undefined;
  ttq?: string | undefined;
  un?: string | undefined;
  country?: string | undefined;
  currency?: string | undefined;
  date?: string | undefined;
  type?: string | undefined;
  'transaction-limit'?: number | undefined;
  'floor-limit'?: number | undefined;
  'cvm-limit'?: number | undefined;
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

function amount(value: number | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 0 || value > 999_999_999_999) throw new DocumentError(`'${value}' is not an amount in minor units (0..999999999999)`, { field: option });
  return value;
}

/** Book B §3.1 limits for every combination of the inspector. */
export function contactlessLimits(argv: Args): CombinationLimits {
  const out: CombinationLimits = {};
  const t = amount(argv['transaction-limit'], '--transaction-limit');
  if (t !== undefined) out.readerContactlessTransactionLimit = t;
  const f = amount(argv['floor-limit'], '--floor-limit');
  if (f !== undefined) out.readerContactlessFloorLimit = f;
  const c = amount(argv['cvm-limit'], '--cvm-limit');
  if (c !== undefined) out.readerCvmRequiredLimit = c;
  if (argv['status-check'] !== undefined) out.statusCheckSupport = argv['status-check'];
  return out;
}

export function contactlessTerminalData(argv: Args): Partial<InspectorTerminalData> {
  const out: Partial<InspectorTerminalData> = {};
  const a = amount(argv.amount, '--amount');
  if (a !== undefined) out.amount = a;
  const ttq = hex(argv.ttq, '--ttq', 4);
  if (ttq) out.ttq = ttq;
  const un = hex(argv.un, '--un', 4);
  if (un) out.unpredictableNumber = un;
  const country = digits(argv.country, '--country', 4);
  if (country) out.country = country;
  const currency = digits(argv.currency, '--currency', 4);
  if (currency) out.currency = currency;
  const date = digits(argv.date, '--date', 6);
  if (date) out.date = date;
  const type = hex(argv.type, '--type', 1);
  if (type) out.transactionType = parseInt(type, 16);
  return out;
}
