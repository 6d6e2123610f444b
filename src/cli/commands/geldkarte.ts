/**
 * `emvsim geldkarte <action>`: the GeldKarte electronic purse. `balance` reads
 * any purse, real ones too (--reader, standard SELECT + READ RECORD only);
 * pay, refund, load and settle run the modelled purse / merchant card protocol
 * against emulated cards (without --card / --merchant: fresh demo cards).
 */
import type { CommandModule } from 'yargs';

const ACTIONS = ['balance', 'pay', 'refund', 'load', 'settle', 'new'] as const;

export const geldkarteCommand: CommandModule = {
  command: 'geldkarte <action>',
  describe: 'GeldKarte purse: read the balance and logs (real cards too), pay, refund, load, settle, new card files',
  builder: (y) =>
    y
      .positional('action', { choices: ACTIONS, describe: 'what to do' })
      .option('card', { type: 'string', describe: 'purse card file (emvsim geldkarte new); default: a fresh demo purse (6.83 EUR, PIN 1234)' })
      .option('reader', { type: 'string', describe: 'balance only: read the purse in this PC/SC reader' })
      .option('merchant', { type: 'string', describe: 'merchant card file; default: a fresh demo merchant card' })
      .option('amount', { type: 'string', describe: 'amount in EUR, e.g. 2.50' })
      .option('pin', { type: 'string', describe: 'load: the card PIN' })
      .option('clearing', { type: 'string', describe: 'settle: clearing ledger file (created when missing); default in memory' })
      .option('resubmit', { type: 'boolean', default: false, describe: 'settle: submit the last summary again (the clearing refuses a duplicate)' })
      .option('out', { type: 'string', describe: 'new: write a purse card file here' })
      .option('merchant-out', { type: 'string', describe: 'new: write a merchant card file here' })
      .option('balance', { type: 'string', describe: 'new: initial purse balance in EUR (default 6.83)' })
      .option('json', { type: 'boolean', default: false, describe: 'print JSON' })
      .conflicts('reader', 'card')
      .example('$0 geldkarte balance', 'balance, limits and logs of the demo purse')
      .example('$0 geldkarte balance --reader "Virtual PCD"', 'read a real GeldKarte through PC/SC')
      .example('$0 geldkarte new --out purse.json --merchant-out merchant.json', 'create card files')
      .example('$0 geldkarte pay --amount 2.50 --card purse.json --merchant merchant.json', 'pay 2.50 EUR, no PIN')
      .example('$0 geldkarte load --amount 20 --pin 1234 --card purse.json', 'load 20 EUR with PIN and online approval')
      .example('$0 geldkarte settle --merchant merchant.json --clearing clearing.json', 'end of day'),
  handler: async (argv) => {
    const { runGeldkarte } = await import('../geldkarte/run.js');
    await runGeldkarte(argv as never);
  },
};
