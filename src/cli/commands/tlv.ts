/**
 * `emvsim tlv decode <hex..> [--json]`: BER-TLV (EMV Book 3 Annex B) printed as
 * a tree with EMV tag names and decoded values, or as JSON; `-` reads the hex from stdin.
 * Malformed input is a one-line error naming the byte offset (exit code 2, src/cli/exit.ts).
 */
import type { Argv, CommandModule } from 'yargs';

interface DecodeArgs {
  hex: string[];
  json: boolean;
}

const decodeCommand: CommandModule<object, DecodeArgs> = {
  command: 'decode <hex..>',
  describe: 'Decode BER-TLV: a tree with EMV tag names and decoded values; `-` reads stdin',
  builder: (y: Argv) =>
    y
      .positional('hex', { type: 'string', array: true, describe: "TLV bytes in hex (several words are joined; colons allowed); '-' reads them from stdin", demandOption: true })
      .option('json', { type: 'boolean', default: false, describe: 'print a JSON array of {tag, name, length, value, decoded, children}' })
      .example('$0 tlv decode 6F1A840E315041592E5359532E4444463031A5088801025F2D02656E', 'FCI of the PSE')
      .example('$0 tlv decode 95050000008000 --json', 'TVR as JSON')
      .example('echo 9F6604B6204000 | $0 tlv decode -', 'hex from stdin') as unknown as Argv<DecodeArgs>,
  handler: async (argv) => {
    const [{ decodeTlv }, { formatTlvTree, tlvToJson }, { hexWords, printJson, println }] = await Promise.all([
      import('../../apdu/tlv.js'),
      import('../../apdu/pretty.js'),
      import('../output.js'),
    ]);
    const list = decodeTlv(await hexWords(argv.hex));
    if (argv.json) printJson(tlvToJson(list));
    else println(formatTlvTree(list));
  },
};

export const tlvCommand: CommandModule = {
  command: 'tlv',
  describe: 'Decode BER-TLV with EMV tag names and decoded values (EMV Book 3 Annex A/B)',
  builder: (y) => y.command(decodeCommand).demandCommand(1, 'Name a tlv subcommand: decode'),
  handler: () => {},
};
