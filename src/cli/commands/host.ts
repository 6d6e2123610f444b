/**
 * `emvsim host`: the issuer host. Without a subcommand it serves ISO 8583 on
 * --listen (loopback by default); `host card add|list|block` manages card
 * records and `host ledger` prints the books. Implementations in src/cli/host/.
 */
import type { Argv, CommandModule } from 'yargs';

/** host card / host ledger read an existing database: a typo in --db must not create and seed a new one. */
const existingDb = { type: 'string', default: 'host.sqlite', describe: 'issuer database (SQLite) made by `emvsim host`; must exist' } as const;
const dbOption = { type: 'string', default: 'host.sqlite', describe: 'issuer database (SQLite; created and seeded with the shipped cards when new)' } as const;

export const hostCommand: CommandModule = {
  command: 'host',
  describe: 'Issuer host: ARQC/ARPC, risk rules, SQLite ledger, ISO 8583 over TCP',
  builder: (y: Argv) =>
    y
      .command({
        command: '$0',
        describe: 'serve ISO 8583 (0100/0200/0400/0800) on --listen',
        builder: (s: Argv) =>
          s
            .option('listen', { type: 'string', default: '127.0.0.1:8583', describe: 'address:port to listen on (loopback unless told otherwise)' })
            .option('db', dbOption)
            .option('rules', { type: 'string', describe: "risk rules YAML (default: the shipped scripts/issuer/rules.yaml; 'none' or --no-rules: no rules)" })
            .option('atc-window', { type: 'number', default: 50, describe: 'ATC jump beyond the last seen that is declined as a suspected clone' })
            .option('enrol', { type: 'boolean', default: false, describe: 'enrol unknown PANs of a shipped BIN on first sight' })
            .option('quiet', { type: 'boolean', default: false, describe: 'do not print each decision' })
            .option('idle-timeout', { type: 'number', describe: 'seconds before an idle or stalled-mid-frame connection is closed (default 30)' })
            .option('max-connections', { type: 'number', describe: 'connections held at once (default 1024); when full, the one idle longest makes room' })
            .option('max-per-peer', { type: 'number', describe: 'connections held at once from one address (default 256)' })
            .option('message-deadline', { type: 'number', describe: 'seconds a message may take from its first byte to its last (default 10)' })
            .option('mac-key', {
              type: 'string',
              array: true,
              describe: 'TERMINAL=KEY (32 hex digits): require an ANSI X9.19 MAC (field 64/128) from that terminal; repeatable; with any, unlisted terminals get 63',
            })
            .example('$0 host --listen 127.0.0.1:8583 --db host.sqlite', 'serve with the shipped rules (scripts/issuer/rules.yaml)')
            .example('$0 host --listen 127.0.0.1:8583 --rules none', 'serve without risk rules'),
        handler: async (argv) => (await import('../host/serve.js')).serve(argv as never),
      })
      .command({
        command: 'card',
        describe: 'add, list or block card records',
        builder: (s: Argv) =>
          s
            .command({
              command: 'add',
              describe: 'add a card record (keys and cryptogram settings of a card profile)',
              builder: (a: Argv) =>
                a
                  .option('db', existingDb)
                  .option('pan', { type: 'string', demandOption: true, describe: 'PAN' })
                  .option('psn', { type: 'string', describe: 'PAN sequence number, 2 digits' })
                  .option('profile', { type: 'string', default: 'visa-cvn18', describe: 'card profile whose keys and cryptogram settings the card uses' })
                  .option('expiry', { type: 'string', describe: 'YYMM' })
                  .option('pin', { type: 'string', describe: 'online PIN; the host stores its IBM 3624 offset' })
                  .option('balance', { type: 'string', describe: "opening balance in major units of the card's currency, e.g. 2500.00" })
                  .option('daily-limit', { type: 'string', describe: "daily amount limit in major units of the card's currency" })
                  .option('travel', { type: 'boolean', describe: 'travel-enabled' })
                  .option('json', { type: 'boolean', default: false })
                  .example('$0 host card add --pan 4761739001010028 --pin 4321 --balance 2500.00', 'add a visa-cvn18 card'),
              handler: async (argv) => (await import('../host/cards.js')).cardCommand({ ...(argv as object), action: 'add' } as never),
            })
            .command({
              command: 'list',
              describe: 'list the card records',
              builder: (a: Argv) => a.option('db', existingDb).option('json', { type: 'boolean', default: false }),
              handler: async (argv) => (await import('../host/cards.js')).cardCommand({ ...(argv as object), action: 'list' } as never),
            })
            .command({
              command: 'block',
              describe: 'set the status of a card (lost, stolen, blocked, active)',
              builder: (a: Argv) =>
                a
                  .option('db', existingDb)
                  .option('pan', { type: 'string', demandOption: true, describe: 'PAN' })
                  .option('psn', { type: 'string', describe: 'PAN sequence number, 2 digits' })
                  .option('status', { choices: ['lost', 'stolen', 'blocked', 'active'] as const, default: 'blocked', describe: 'new status' })
                  .option('json', { type: 'boolean', default: false })
                  .example('$0 host card block --pan 4761739001010010 --status stolen', 'report a card stolen'),
              handler: async (argv) => (await import('../host/cards.js')).cardCommand({ ...(argv as object), action: 'block' } as never),
            })
            .demandCommand(1, 'Name a host card subcommand: add, list, block'),
        handler: () => undefined,
      })
      .command({
        command: 'ledger',
        describe: 'print the authorisations, holds and balances',
        builder: (s: Argv) =>
          s
            .option('db', existingDb)
            .option('limit', { type: 'number', default: 20, describe: 'last N authorisations' })
            .option('json', { type: 'boolean', default: false }),
        handler: async (argv) => (await import('../host/ledger.js')).ledgerCommand(argv as never),
      }),
  handler: () => undefined,
};
