/** `emvsim host card add|list|block`. */
import { loadProfile } from '../../card/profile/loader.js';
import { IssuerDataError, listCards, setCardStatus, type CardRecord, type CardStatus } from '../../issuer/db/records.js';
import { openSeededDatabase } from '../../issuer/index.js';
import { seedCard } from '../../issuer/seed.js';
import { seedCardFromProfile } from '../../issuer/shipped-cards.js';
import { currencyOf, parseAmount } from '../../apdu/amount.js';
import { printJson, println } from '../output.js';
import { requireDatabase } from './table.js';
import { type Column, formatTable } from './table.js';

export interface CardArgs {
  action: 'add' | 'list' | 'block';
  db: string;
  pan?: string;
  psn?: string;
  profile: string;
  expiry?: string;
  pin?: string;
  balance?: string;
  dailyLimit?: string;
  travel?: boolean;
  status: CardStatus;
  json: boolean;
}

export function cardCommand(args: CardArgs): void {
  const db = openSeededDatabase(requireDatabase(args.db));
  try {
    if (args.action === 'list') return list(args, db);
    if (!args.pan) throw new IssuerDataError(`host card ${args.action} needs --pan`);
    if (args.action === 'block') {
      const card = setCardStatus(db, args.pan, args.psn, args.status);
      println(`card ${card.pan}/${card.psn} is now ${card.status}`);
      return;
    }
    const template = seedCardFromProfile(loadProfile(args.profile), args.pan);
    const { exponent, alpha } = currencyOf(template.currency, '--profile currency');
    const money = (text: string | undefined, field: string) => (text === undefined ? undefined : parseAmount(text, { exponent, currency: alpha, field }));
    const balance = money(args.balance, '--balance');
    const dailyLimit = money(args.dailyLimit, '--daily-limit');
    seedCard(db, {
      ...template,
      label: `${args.profile} (added)`,
      ...(args.psn ? { psn: args.psn } : {}),
      ...(args.expiry ? { expiry: args.expiry } : {}),
      ...(args.pin ? { pin: args.pin } : {}),
      ...(balance !== undefined ? { balanceMinor: balance } : {}),
      ...(dailyLimit !== undefined ? { dailyAmountLimitMinor: dailyLimit } : {}),
      ...(args.travel !== undefined ? { travelEnabled: args.travel } : {}),
    });
    println(`added ${args.pan}/${args.psn ?? template.psn} (${args.profile} keys and cryptogram settings)`);
  } finally {
    db.close();
  }
}

/** `host card list` columns: header and values share these widths (PAN up to 19 digits). */
export const CARD_COLUMNS: readonly Column<CardRecord>[] = [
  { title: 'PAN', width: 19, value: (c) => c.pan },
  { title: 'PSN', width: 3, value: (c) => c.psn },
  { title: 'STATUS', width: 7, value: (c) => c.status },
  { title: 'EXPIRY', width: 6, value: (c) => c.expiry },
  { title: 'LAST ATC', width: 8, align: 'right', value: (c) => String(c.lastAtc ?? '-') },
  { title: 'PIN TRIES', width: 9, align: 'right', value: (c) => `${c.pinTries}/${c.pinTryLimit}` },
  { title: 'TRAVEL', width: 6, value: (c) => (c.travelEnabled ? 'yes' : 'no') },
  { title: 'ARPC', width: 4, value: (c) => `M${c.arpcMethod}` },
  { title: 'LABEL', width: 0, value: (c) => c.label },
];

function list(args: CardArgs, db: ReturnType<typeof openSeededDatabase>): void {
  const cards = listCards(db);
  if (args.json) return printJson(cards.map(({ acData: _a, ...c }) => c));
  for (const line of formatTable(CARD_COLUMNS, cards)) println(line);
}
