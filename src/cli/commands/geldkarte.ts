/**
 * `emvsim geldkarte <action>`: the GeldKarte electronic purse. `balance` reads
 * any purse, real ones too (--reader, standard SELECT + READ RECORD only);
 * pay, refund, load and settle run the modelled purse / merchant card protocol
 * against emulated cards (without --card / --merchant: fresh demo cards).
 * Each action is a subcommand with its own options (an option of another action is rejected).
 */
import type { Argv, CommandModule } from 'yargs';
import type { GeldkarteArgs } from '../geldkarte/run.js';

type Action = GeldkarteArgs['action'];

const json = (y: Argv) => y.option('json', { type: 'boolean', default: false, describe: 'print JSON' });
const card = (y: Argv) => y.option('card', { type: 'string', describe: 'purse card file (emvsim geldkarte new); default: a fresh demo purse (6.83 EUR, PIN 1234)' });
const merchant = (y: Argv) => y.option('merchant', { type: 'string', describe: 'merchant card file; default: a fresh demo merchant card' });
const issuer = (y: Argv) =>
  y.option('issuer', { type: 'string', describe: "the issuer's record of purse debits (JSON, created when missing): load adds the purse's debit log, settle resolves payments of unknown outcome against it" });
const amount = (y: Argv) => y.option('amount', { type: 'string', demandOption: true, describe: 'amount in EUR, e.g. 2.50 (at most 9999.99)' });

function action(name: Action, describe: string, builder: (y: Argv) => Argv, examples: [string, string][]): CommandModule {
  return {
    command: name,
    describe,
    builder: (y) => {
      let b = json(builder(y));
      for (const [cmd, what] of examples) b = b.example(cmd, what);
      return b;
    },
    handler: async (argv) => {
      const { runGeldkarte } = await import('../geldkarte/run.js');
      await runGeldkarte({ ...(argv as unknown as Omit<GeldkarteArgs, 'action'>), resubmit: Boolean(argv.resubmit), action: name });
    },
  };
}

const subcommands = [
  action('balance', 'Balance, limits and logs of a purse (real cards too, with --reader)', (y) =>
    card(y).option('reader', { type: 'string', describe: 'read the purse in this PC/SC reader' }).conflicts('reader', 'card'), [
    ['$0 geldkarte balance', 'balance, limits and logs of the demo purse'],
    ['$0 geldkarte balance --reader "Virtual PCD"', 'read a real GeldKarte through PC/SC'],
  ]),
  action('pay', 'Pay from the purse to a merchant card (no PIN); exit 1 when declined', (y) => amount(merchant(card(y))), [
    ['$0 geldkarte pay --amount 2.50 --card purse.json --merchant merchant.json', 'pay 2.50 EUR'],
  ]),
  action('refund', 'Refund to the purse from a merchant card; exit 1 when declined', (y) => amount(merchant(card(y))), [
    ['$0 geldkarte refund --amount 1.00 --card purse.json --merchant merchant.json', 'refund 1.00 EUR'],
  ]),
  action('load', 'Load the purse with PIN and online approval; exit 1 when declined', (y) =>
    issuer(amount(card(y))).option('pin', { type: 'string', demandOption: true, describe: 'the card PIN' }), [
    ['$0 geldkarte load --amount 20 --pin 1234 --card purse.json', 'load 20 EUR'],
    ['$0 geldkarte load --amount 20 --pin 1234 --card purse.json --issuer issuer.json', "load, and keep the purse's debit log for the clearing"],
  ]),
  action('settle', "Submit the merchant card's day summary to the clearing (a summary an interrupted settle left undelivered goes first); exit 1 when refused", (y) =>
    issuer(merchant(y))
      .option('clearing', { type: 'string', describe: 'clearing ledger file (created when missing); default in memory' })
      .option('resubmit', { type: 'boolean', default: false, describe: 'submit the last summary again (the clearing refuses a duplicate)' }), [
    ['$0 geldkarte settle --merchant merchant.json --clearing clearing.json', 'end of day'],
    ['$0 geldkarte settle --merchant merchant.json --clearing clearing.json --issuer issuer.json', 'end of day, resolving payments of unknown outcome'],
  ]),
  action('new', 'Write new purse and/or merchant card files (refuses to overwrite without --force)', (y) =>
    y
      .option('out', { type: 'string', describe: 'write a purse card file here' })
      .option('merchant-out', { type: 'string', describe: 'write a merchant card file here' })
      .option('balance', { type: 'string', describe: 'initial purse balance in EUR (default 6.83, at most the 200.00 maximum)' })
      .option('force', { type: 'boolean', default: false, describe: 'replace existing files (their counters and keys are lost)' }), [
    ['$0 geldkarte new --out purse.json --merchant-out merchant.json', 'create card files'],
  ]),
];

export const geldkarteCommand: CommandModule = {
  command: 'geldkarte',
  describe: 'GeldKarte purse: read the balance and logs (real cards too), pay, refund, load, settle, new card files',
  builder: (y) => {
    let b = y;
    for (const c of subcommands) b = b.command(c);
    return b.demandCommand(1, 'Name a geldkarte subcommand: balance, pay, refund, load, settle, new');
  },
  handler: () => {},
};
