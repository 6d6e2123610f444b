/**
 * `emvsim apdu send [--card FILE | --reader NAME] <hex..>`: send raw command
 * APDUs (one per argument) to a card and print the decoded trace. With an
 * emulated card file the card's new state is written back to the file.
 * By default the T=0/T=1 exchange rules apply (61xx -> GET RESPONSE, 6Cxx ->
 * repeat with Le, Book 1 §9.3); --raw sends each APDU exactly as given.
 */
import type { Argv, CommandModule } from 'yargs';
import { withTransportOptions } from '../transport-option.js';

interface SendArgs {
  hex: string[];
  card: string | undefined;
  reader: string | undefined;
  raw: boolean;
  reset: boolean;
  json: boolean;
}

export const apduSendSubcommand: CommandModule<object, SendArgs> = {
  command: 'send <hex..>',
  describe: 'Send raw APDUs to a card (--card FILE, --reader NAME, or the demo card) and print the decoded trace',
  builder: (y: Argv) =>
    withTransportOptions(y)
      .positional('hex', { type: 'string', array: true, demandOption: true, describe: 'command APDUs in hex, one per argument' })
      .option('raw', { type: 'boolean', default: false, describe: 'no T=0 exchange rules: send exactly these bytes' })
      .option('reset', { type: 'boolean', default: true, describe: 'cold reset first (--no-reset to skip)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the trace as JSON lines' })
      .example('$0 apdu send --card card.json 00A4040007A000000003101000 80CA9F3600', 'SELECT then GET DATA ATC') as unknown as Argv<SendArgs>,
  handler: async (argv) => {
    const { fromHex } = await import('../../apdu/bytes.js');
    const { exchange } = await import('../../apdu/exchange.js');
    const { TracingTransport } = await import('../../apdu/trace.js');
    const { formatTrace } = await import('../../apdu/trace-format.js');
    const { openTransport } = await import('../transport-option.js');
    const { decodeCommand } = await import('../../apdu/command.js');
    const commands = argv.hex.map((h) => fromHex(h));
    // Check every APDU before sending any: a typo in the third must not leave the first two half-done.
    if (!argv.raw) commands.forEach((c) => decodeCommand(c));
    const inner = await openTransport({ card: argv.card, reader: argv.reader });
    const traced = new TracingTransport(inner);
    try {
      if (argv.reset) await traced.coldReset();
      for (const c of commands) {
        if (argv.raw) await traced.transmit(c);
        else await exchange(traced, c);
      }
    } finally {
      await traced.close();
    }
    process.stdout.write(argv.json ? traced.toJsonl() : formatTrace(traced.records) + '\n');
  },
};
