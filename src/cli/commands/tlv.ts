/**
 * `emvsim tlv decode <hex> [--json]`: BER-TLV (EMV Book 3 Annex B) printed as
 * a tree with EMV tag names and decoded values, or as JSON. Malformed input is
 * a one-line error naming the byte offset (exit code 2, via reportError).
 */
import type { CommandModule } from 'yargs';

interface TlvArgs {
  action: 'decode';
  hex: string[];
  json: boolean;
}

export const tlvCommand: CommandModule<object, TlvArgs> = {
  command: 'tlv <action> <hex..>',
  describe: 'Decode BER-TLV with EMV tag names and decoded values (EMV Book 3 Annex A/B)',
  builder: (y) =>
    y
      .positional('action', { choices: ['decode'] as const, describe: 'what to do', demandOption: true })
      .positional('hex', { type: 'string', array: true, describe: 'TLV bytes in hex (several words are joined; colons allowed)', demandOption: true })
      .option('json', { type: 'boolean', default: false, describe: 'print a JSON array of {tag, name, length, value, decoded, children}' })
      .example('$0 tlv decode 6F1A840E315041592E5359532E4444463031A5088801025F2D02656E', 'FCI of the PSE')
      .example('$0 tlv decode 95050000008000 --json', 'TVR as JSON'),
  handler: async (argv) => {
    const [{ decodeTlv }, { formatTlvTree, tlvToJson }, { printJson, println }] = await Promise.all([
      import('../../apdu/tlv.js'),
      import('../../apdu/pretty.js'),
      import('../output.js'),
    ]);
    const list = decodeTlv(argv.hex.map(String).join(' '));
    if (argv.json) printJson(tlvToJson(list));
    else println(formatTlvTree(list));
  },
};
