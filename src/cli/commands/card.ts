/**
 * `emvsim card new|show|profiles`: issue emulated cards from profiles
 * (scripts/cards/*.yaml) and inspect card files. Implementation in
 * src/cli/card/card-commands.ts, loaded lazily.
 */
import type { Argv, CommandModule } from 'yargs';

const newCommand: CommandModule = {
  command: 'new',
  describe: 'Issue a card from a profile: new ICC key, certificates under the emvsim test CA, card file',
  builder: (y: Argv) =>
    y
      .option('profile', { type: 'string', default: 'visa-cvn18', describe: 'profile name (scripts/cards/NAME.yaml) or a YAML file' })
      .option('out', { type: 'string', demandOption: true, describe: 'card file to write (JSON)' })
      .option('seed', { type: 'string', describe: 'deterministic PAN' })
      .option('force', { type: 'boolean', default: false, describe: 'replace an existing card file (its counters and keys are lost)' })
      .option('json', { type: 'boolean', default: false, describe: 'print JSON (pan, pin, aid, file, ...)' })
      .example('$0 card new --profile mastercard-cda --out mc.json', 'a Mastercard-like CDA card'),
  handler: async (argv) => {
    const { cardNew } = await import('../card/card-commands.js');
    cardNew(argv as unknown as Parameters<typeof cardNew>[0]);
  },
};

const showCommand: CommandModule = {
  command: 'show <file>',
  describe: 'Show a card file: counters, flags and every record, decoded',
  builder: (y: Argv) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: 'card file' })
      .option('json', { type: 'boolean', default: false, describe: 'print JSON' })
      .example('$0 card show card.json', 'ATC, PIN tries left, flags, log and every record, decoded')
      .example('$0 card show card.json --json', 'the same as JSON'),
  handler: async (argv) => {
    const { cardShow } = await import('../card/card-commands.js');
    await cardShow({ file: String(argv.file), json: Boolean(argv.json) });
  },
};

const profilesCommand: CommandModule = {
  command: 'profiles',
  describe: 'List the shipped card profiles',
  builder: (y: Argv) => y.option('json', { type: 'boolean', default: false, describe: 'print JSON' }).example('$0 card profiles', 'name, protocol, ODA method and description of each profile'),
  handler: async (argv) => {
    const { cardProfiles } = await import('../card/card-commands.js');
    cardProfiles({ json: Boolean(argv.json) });
  },
};

export const cardCommand: CommandModule = {
  command: 'card',
  describe: 'Emulated EMV cards: issue from a profile, show a card file, list profiles',
  builder: (y) =>
    y
      .command(newCommand)
      .command(showCommand)
      .command(profilesCommand)
      .demandCommand(1, 'Name a card subcommand: new, show, profiles')
      .example('$0 card new --profile girocard --out card.json', 'issue a girocard-like card file (PIN 1234)')
      .example('$0 card show card.json', 'its counters and records'),
  handler: () => {},
};
