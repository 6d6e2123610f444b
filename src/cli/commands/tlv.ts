import type { CommandModule } from 'yargs';

export const tlvCommand: CommandModule = {
  command: 'tlv <action> <hex>',
  describe: 'Decode BER-TLV with EMV tag names (EMV Book 3 Annex B)',
  builder: (y) =>
    y
      .positional('action', { choices: ['decode'] as const, describe: 'what to do' })
      .positional('hex', { type: 'string', describe: 'TLV bytes in hex (spaces and colons allowed)' })
      .option('json', { type: 'boolean', default: false, describe: 'print a JSON array' })
      .example('$0 tlv decode 6F1A840E315041592E5359532E4444463031A5088801025F2D02656E', 'FCI of the PSE'),
  handler: async (argv) => {
    const { decodeTlv } = await import('../../apdu/tlv.js');
    const { toHex } = await import('../../apdu/bytes.js');
    const list = decodeTlv(String(argv.hex));
    type Node = { tag: string; length: number; value: string; children?: Node[] };
    const toJson = (l: ReturnType<typeof decodeTlv>): Node[] =>
      l.map((o) => ({ tag: o.tag, length: o.length, value: toHex(o.value), ...(o.children ? { children: toJson(o.children) } : {}) }));
    process.stdout.write(JSON.stringify(toJson(list), null, 2) + '\n');
  },
};
