/**
 * `emvsim explore [--card FILE | --reader NAME] [--json]`: select the PSE and
 * every application, read every record, print the decoded tree.
 */
import type { Argv, CommandModule } from 'yargs';
import { withTransportOptions } from '../transport-option.js';

interface ExploreArgs {
  card: string | undefined;
  reader: string | undefined;
  json: boolean;
}

export const exploreCommand: CommandModule<object, ExploreArgs> = {
  command: 'explore',
  describe: 'Explore a card: PSE, every application, every record, counters and log, decoded',
  builder: (y: Argv) =>
    withTransportOptions(y)
      .option('json', { type: 'boolean', default: false, describe: 'print JSON' })
      .example('$0 explore --card card.json', 'explore an emulated card file')
      .example('$0 explore', 'explore the built-in demo card') as unknown as Argv<ExploreArgs>,
  handler: async (argv) => {
    const { openTransport } = await import('../transport-option.js');
    const { exploreCard } = await import('../explore-card.js');
    const { formatExplore, exploreToJson } = await import('../explore-format.js');
    const transport = await openTransport({ card: argv.card, reader: argv.reader });
    try {
      const result = await exploreCard(transport);
      process.stdout.write((argv.json ? JSON.stringify(exploreToJson(result), null, 2) : formatExplore(result)) + '\n');
    } finally {
      await transport.close();
    }
  },
};
