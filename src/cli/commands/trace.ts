/** `emvsim trace show <file>`: print a JSON-lines APDU trace decoded (src/apdu/trace.ts). */
import type { Argv, CommandModule } from 'yargs';

interface ShowArgs {
  file: string;
  json: boolean;
}

const showSubcommand: CommandModule<object, ShowArgs> = {
  command: 'show <file>',
  describe: 'Print a JSONL trace with command names, decoded TLV data and status word meanings',
  builder: (y: Argv) =>
    y
      .positional('file', { type: 'string', demandOption: true, describe: "trace file (JSON lines, or a JSON array of {command, response}); '-' reads stdin" })
      .option('json', { type: 'boolean', default: false, describe: 'print the records as JSON lines' })
      .example('$0 apdu --card card.json --json 00A4040007A000000003101000 80CA9F3600 > trace.jsonl', 'record a trace (JSON lines)')
      .example('$0 trace show trace.jsonl', 'print it decoded: command names, TLV trees, status words') as unknown as Argv<ShowArgs>,
  handler: async (argv) => {
    const { readFile } = await import('node:fs/promises');
    const { TransportError } = await import('../../apdu/errors.js');
    const { loadReplayTrace } = await import('../../apdu/replay-transport.js');
    const { recordExchange, toJsonl } = await import('../../apdu/trace.js');
    const { formatTrace } = await import('../../apdu/trace-format.js');
    const { fromHex } = await import('../../apdu/bytes.js');
    let text: string;
    try {
      const { isStdinArg, readStdin } = await import('../output.js');
      text = isStdinArg(argv.file) ? await readStdin() : await readFile(argv.file, 'utf8');
    } catch (err) {
      throw new TransportError('FILE', `cannot read ${argv.file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    const loaded = loadReplayTrace(text, argv.file);
    // A pair list has no names yet: build the same records a recording would have made.
    const records = loaded.map((r, i) =>
      'type' in r ? r : recordExchange(i, new Date(0), 0, parseCommandHex(r.command, fromHex), fromHex(r.response)),
    );
    process.stdout.write(argv.json ? toJsonl(records) : formatTrace(records) + '\n');
  },
};

/** Masked bytes ('XX') read as 00 so a masked pair list can be shown. */
function parseCommandHex(hex: string, fromHex: (h: string) => Uint8Array): Uint8Array {
  return fromHex(hex.replace(/XX/gi, '00'));
}

export const traceCommand: CommandModule = {
  command: 'trace',
  describe: 'APDU traces: show a recorded trace decoded',
  builder: (y) =>
    y
      .command(showSubcommand)
      .demandCommand(1, 'Name a trace subcommand: show')
      .example('$0 trace show trace.jsonl', 'a trace recorded with `emvsim apdu --json`, decoded'),
  handler: () => {},
};
