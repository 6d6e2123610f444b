/** `emvsim watch`: reader and card events as they happen, until Ctrl-C. Survives pcscd restarts. */
import type { CommandModule } from 'yargs';
import { untilInterrupted } from '../streams.js';

interface WatchArgs {
  json: boolean;
}

export const watchCommand: CommandModule<object, WatchArgs> = {
  command: 'watch',
  describe: 'Print PC/SC reader and card events as they happen (Ctrl-C to stop)',
  builder: (y) =>
    y
      .option('json', { type: 'boolean', default: false, describe: 'one JSON object per line' })
      .example('$0 watch', 'reader attached/removed and card inserted/removed events with their time, until Ctrl-C')
      .example('$0 watch --json', 'the same as JSON lines, e.g. {"type":"reader-attached","reader":"Virtual PCD 00 00"}'),
  handler: async (argv) => {
    const { watchReaders } = await import('../../reader/pcsc-watch.js');
    const { describeEvent } = await import('../../reader/reader-events.js');
    const stamp = () => new Date().toISOString().slice(11, 23);
    const watch = await watchReaders((e) => {
      process.stdout.write(argv.json ? JSON.stringify({ time: new Date().toISOString(), ...e }) + '\n' : `${stamp()}  ${describeEvent(e)}\n`);
    });
    if (!argv.json) process.stderr.write('watching PC/SC readers; Ctrl-C to stop\n');
    await untilInterrupted(true);
    await watch.stop();
  },
};
