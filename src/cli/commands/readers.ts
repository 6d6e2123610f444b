/** `emvsim readers`: the PC/SC readers, their cards and (with --features) their Part 10 features. */
import type { CommandModule } from 'yargs';

interface ReadersArgs {
  json: boolean;
  features: boolean;
}

export const readersCommand: CommandModule<object, ReadersArgs> = {
  command: 'readers',
  describe: 'List PC/SC readers and the cards in them (pcscd)',
  builder: (y) =>
    y
      .option('json', { type: 'boolean', default: false, describe: 'print JSON' })
      .option('features', { type: 'boolean', default: false, describe: 'ask each reader with a card for its PC/SC Part 10 features (PIN pad)' })
      .example('$0 readers', 'list readers')
      .example('$0 readers --json', 'the same as JSON'),
  handler: async (argv) => {
    const { listPcscReaders, openPcscReader } = await import('../../reader/pcsc-transport.js');
    const { discoverSecurePinPad, parseFeatureList, CM_IOCTL_GET_FEATURE_REQUEST, describeFeatures } = await import('../../reader/part10.js');
    const readers = await listPcscReaders();
    const rows: Array<{ name: string; card: string; atr?: string; features?: string[] }> = [];
    for (const r of readers) {
      const row: (typeof rows)[number] = { ...r };
      if (argv.features && r.card === 'present') {
        const t = await openPcscReader(r.name, { waitMs: 0 });
        try {
          const answer = await t.control(CM_IOCTL_GET_FEATURE_REQUEST).catch(() => new Uint8Array(0));
          row.features = describeFeatures(parseFeatureList(answer));
          if (await discoverSecurePinPad(t)) row.features.push('secure PIN entry: yes');
        } finally {
          await t.close();
        }
      }
      rows.push(row);
    }
    if (argv.json) {
      process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
      return;
    }
    if (rows.length === 0) {
      process.stdout.write('no PC/SC readers (pcscd is running but sees none)\n');
      return;
    }
    const width = Math.max(...rows.map((r) => r.name.length));
    for (const r of rows) {
      process.stdout.write(`${r.name.padEnd(width)}  ${r.card === 'present' ? `card  ATR ${r.atr ?? ''}` : r.card === 'absent' ? 'empty' : r.card}\n`);
      if (r.features) for (const f of r.features.length ? r.features : ['no Part 10 features']) process.stdout.write(`${' '.repeat(width)}  ${f}\n`);
    }
  },
};
