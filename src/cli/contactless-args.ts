/** `explore --contactless` options -> inspector terminal data; bad values are DocumentErrors naming the option (exit 2). */
import { DocumentError } from '../apdu/errors.js';
import type { InspectorTerminalData } from '../terminal/card-inspector/index.js';

interface Args {
  amount?: number | undefined;
  ttq?: string | undefined;
  un?: string | undefined;
  country?: string | undefined;
  currency?: string | undefined;
  date?: string | undefined;
  type?: string | undefined;
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

export function contactlessTerminalData(argv: Args): Partial<InspectorTerminalData> {
  const out: Partial<InspectorTerminalData> = {};
  if (argv.amount !== undefined) {
    if (!Number.isSafeInteger(argv.amount) || argv.amount < 0 || argv.amount > 999_999_999_999) throw new DocumentError(`'${argv.amount}' is not an amount in minor units (0..999999999999)`, { field: '--amount' });
    out.amount = argv.amount;
  }
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
