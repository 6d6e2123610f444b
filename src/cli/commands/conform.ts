/**
 * `emvsim conform [paths...]`: runs conformance scenarios (terminal kernel
 * against emulated cards, judged on TVR/TSI/cryptogram/decision) and card
 * scripts (C-APDUs with expected R-APDUs, also against a real card with
 * --reader). Exit 0 all pass, 1 a case failed, 2 an invalid script or nothing to run,
 * 3 a report path that cannot be written (checked before the run).
 */
import type { CommandModule } from 'yargs';
import { availableParallelism } from 'node:os';
import { DocumentError } from '../../apdu/errors.js';

/** --jobs: at least 1, at most the cores of this machine (more threads only contend for them). */
function checkJobs(jobs: unknown): void {
  const cores = availableParallelism();
  if (typeof jobs !== 'number' || !Number.isInteger(jobs) || jobs < 1 || jobs > cores) {
    throw new DocumentError(`'${String(jobs)}' is not a number of worker threads from 1 to ${cores} (the cores of this machine)`, { field: '--jobs' });
  }
}

export const conformCommand: CommandModule = {
  command: 'conform [paths..]',
  describe: 'Run conformance scenarios and card scripts (default: scripts/conformance/); exit 1 on a failure, 2 on an invalid script or nothing to run, 3 when --out cannot be written',
  builder: (y) =>
    y
      .positional('paths', { type: 'string', array: true, describe: 'YAML files or directories' })
      .option('reader', { type: 'string', describe: 'run card scripts against the card in this PC/SC reader (scenarios keep the emulated card)' })
      .option('reporter', { choices: ['table', 'json', 'junit', 'html'] as const, default: 'table' as const, describe: 'report format' })
      .option('out', { type: 'string', describe: 'write the report to this file' })
      .option('filter', { type: 'string', array: true, default: [] as string[], describe: "keep cases with this tag or id; '!tag' drops them (repeatable)" })
      .option('shard', { type: 'string', describe: 'run shard i of n (e.g. 2/4): a deterministic partition over the sorted case ids' })
      .option('jobs', { type: 'number', default: 1, describe: `worker threads, 1 to the number of cores (${availableParallelism()} here)` })
      .check((argv) => {
        checkJobs(argv.jobs);
        return true;
      })
      .option('strict-xfail', { type: 'boolean', default: false, describe: 'fail when a case marked expect.xfail passes' })
      .example('$0 conform', 'the shipped suite')
      .example('$0 conform scripts/conformance/05-cvm --reporter junit --out cvm.xml --jobs 2', 'one step, JUnit XML for CI')
      .example('$0 conform --reporter html --out conform.html', 'a self-contained HTML report (one file, no network)')
      .example('$0 conform --filter card-script --reader "Virtual PCD"', 'card scripts against a real card'),
  handler: async (argv) => {
    const { conform } = await import('../../conformance/conform.js');
    const { onInterrupt } = await import('../streams.js');
    const { paintVerdicts } = await import('../output.js');
    let transport;
    if (argv.reader !== undefined) {
      const { openTransport } = await import('../transport-option.js');
      transport = await openTransport({ reader: String(argv.reader) });
    }
    try {
      const run = await conform({
        paths: ((argv.paths as string[] | undefined) ?? []).map(String),
        reporter: argv.reporter as 'table' | 'json' | 'junit' | 'html',
        ...(argv.out !== undefined ? { out: String(argv.out) } : {}),
        filter: (argv.filter as string[]).map(String),
        ...(argv.shard !== undefined ? { shard: String(argv.shard) } : {}),
        jobs: Number(argv.jobs),
        ...(transport ? { transport } : {}),
        strictXfail: Boolean(argv['strict-xfail']),
        onPartialReport: (writePartial) => onInterrupt(writePartial),
        write: (text: string) => process.stdout.write(argv.reporter === 'table' ? text.split('\n').map((l) => paintVerdicts(l)).join('\n') : text),
      });
      process.exitCode = run.exitCode;
    } finally {
      await transport?.close();
    }
  },
};
