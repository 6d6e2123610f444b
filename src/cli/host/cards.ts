/** `emvsim host card add|list|block`. */
import { loadProfile } from '../../card/profile/loader.js';
import { IssuerDataError, listCards, setCardStatus, type CardStatus } from '../../issuer/db/records.js';
import { openSeededDatabase } from '../../issuer/index.js';
import { seedCard } from '../../issuer/seed.js';
import { seedCardFromProfile } from '../../issuer/shipped-cards.js';
import { printJson, println } from '../output.js';

export interface CardArgs {
  action: 'add' | 'list' | 'block';
  db: string;
  pan?: string;
  psn?: string;
  profile: string;
  expiry?: string;
  pin?: string;
  balance?: number;
  dailyLimit?: number;
  travel?: boolean;
  status: CardStatus;
  json: boolean;
}

export function cardCommand(args: CardArgs): void {
  const db = openSeededDatabase(args.db);
  try {
    if (args.action === 'list') return list(args, db);
    if (!args.pan) throw new IssuerDataError(`host card ${args.action} needs --pan`);
    if (args.action === 'block') {
      const card = setCardStatus(db, args.pan, args.psn, args.status);
      println(`card ${card.pan}/${card.psn} is now ${card.status}`);
      return;
    }
    const template = seedCardFromProfile(loadProfile(args.profile), args.pan);
    seedCard(db, {
      ...template,
      label: `${args.profile} (added)`,
      ...(args.psn ? { psn: args.psn } : {}),
      ...(args.expiry ? { expiry: args.expiry } : {}),
      ...(args.pin ? { pin: args.pin } : {}),
      ...(args.balance !== undefined ? { balanceMinor: args.balance } : {}),
      ...(args.dailyLimit !== undefined ? { dailyAmountLimitMinor: args.dailyLimit } : {}),
      ...(args.travel !== undefined ? { travelEnabled: args.travel } : {}),
    });
    println(`added ${args.pan}/${args.psn ?? template.psn} (${args.profile} keys and cryptogram settings)`);
  } finally {
    db.close();
  }
}

function list(args: CardArgs, db: ReturnType<typeof openSeededDatabase>): void {
  const cards = listCards(db);
  if (args.json) return printJson(cards.map(({ acData: _a, ...c }) => c));
  println('PAN                  PSN  STATUS   EXPIRY  LAST ATC  PIN TRIES  TRAVEL  ARPC  LABEL');
  for (const c of cards) {
    println(
      [
        c.pan.padEnd(20), c.psn.padEnd(3), c.status.padEnd(7), c.expiry.padEnd(6), String(c.lastAtc ?? '-').padStart(8),
        `${c.pinTries}/${c.pinTryLimit}`.padStart(9), (c.travelEnabled ? 'yes' : 'no').padEnd(6), `M${c.arpcMethod}`.padEnd(4), c.label,
      ].join('  '),
    );
  }
}
