/**
 * `emvsim tlv decode <hex..> [--json]`: BER-TLV (EMV Book 3 Annex B) printed as
 * a tree with EMV tag names and decoded values, or as JSON; `-` reads the hex from stdin.
 * Malformed input is a one-line error naming the byte offset (exit code 2, src/cli/exit.ts).
 */
import type { Argv, CommandModule } from 'yargs';
import { DocumentError } from '../../apdu/errors.js';

interface DecodeArgs {
  hex: string[];
  json: boolean;
  aid?: string;
}

const decodeCommand: CommandModule<object, DecodeArgs> = {
  command: 'decode <hex..>',
  describe: 'Decode BER-TLV: a tree with EMV tag names and decoded values; `-` reads stdin',
  builder: (y: Argv) =>
    y
      .positional('hex', { type: 'string', array: true, describe: "TLV bytes in hex (several words are joined; colons allowed); '-' reads them from stdin", demandOption: true })
      .option('json', { type: 'boolean', default: false, describe: 'print a JSON array of {tag, name, length, value, decoded, children}' })
      .option('aid', { type: 'string', describe: 'AID of the selected application (5 to 16 bytes hex): 9F6C, 9F66, 9F6E, 9F7C, 9F53 read by its scheme (a record carries no 4F)' })
      .check((argv) => {
        if (argv.aid !== undefined && !/^([0-9A-Fa-f]{2}){5,16}$/.test(argv.aid)) throw new DocumentError(`'${argv.aid}' is not an AID (5 to 16 bytes of hex)`, { field: '--aid' });
        return true;
      })
      .example('$0 tlv decode 6F1A840E315041592E5359532E4444463031A5088801025F2D02656E', 'FCI of the PSE')
      .example('$0 tlv decode 95050000008000 --json', 'TVR as JSON')
      .example('echo 9F6604B6204000 | $0 tlv decode -', 'hex from stdin')
      .example('$0 tlv decode 70059F6C020001 --aid A0000000041010', "a Mastercard record's 9F6C (not Visa's CTQ)") as unknown as Argv<DecodeArgs>,
  handler: async (argv) => {
    const [{ decodeTlv }, { formatTlvTree, tlvToJson }, { hexWords, printJson, println }] = await Promise.all([
      import('../../apdu/tlv.js'),
      import('../../apdu/pretty.js'),
      import('../output.js'),
    ]);
    const list = decodeTlv(await hexWords(argv.hex));
    const options = { aid: argv.aid?.toUpperCase() };
    if (argv.json) printJson(tlvToJson(list, options));
    else println(formatTlvTree(list, '  ', options));
  },
};

export const tlvCommand: CommandModule = {
  command: 'tlv',
  describe: 'Decode BER-TLV with EMV tag names and decoded values (EMV Book 3 Annex A/B)',
  builder: (y) => y.command(decodeCommand).demandCommand(1, 'Name a tlv subcommand: decode'),
  handler: () => {},
};
