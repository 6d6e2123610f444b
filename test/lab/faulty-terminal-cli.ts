/**
 * A faulty terminal as a program, for `emvsim lab run --terminal-cmd` through
 * pcscd + vpcd: `emvsim transact --reader ...` with one fault of
 * faulty-terminals.ts wrapped around the reader's transport. Test-only:
 *
 *   node --import tsx test/lab/faulty-terminal-cli.ts --fault skips-external-authenticate \
 *     --reader "Virtual PCD 00 01" --amount 80.00 --pin 1234 --host 127.0.0.1:PORT --seed 7
 */
import { parseArgs } from 'node:util';
import { runTransact } from '../../src/cli/commands/transact.js';
import { openTransport } from '../../src/cli/transport-option.js';
import { FAULTS, InterceptingTransport, type FaultName } from './faulty-terminals.js';

const { values, positionals } = parseArgs({
  options: {
    fault: { type: 'string' },
    reader: { type: 'string' },
    amount: { type: 'string' },
    type: { type: 'string', default: 'goods' },
    pin: { type: 'string', multiple: true, default: [] },
    host: { type: 'string' },
    seed: { type: 'string', default: '1' },
  },
  allowPositionals: true,
});
const fault = values.fault as FaultName;
if (!(fault in FAULTS) || !values.reader || !values.amount) {
  process.stderr.write(`usage: --fault ${Object.keys(FAULTS).join('|')} --reader NAME --amount A [--pin P ...] [--host H:P] [--seed N]\n`);
  process.exit(2);
}
const outcome = await runTransact(
  {
    reader: values.reader,
    terminal: 'eu-pos-pin',
    amount: values.amount,
    type: values.type as 'goods',
    // yargs-style `--pin 1111 1234` (as {pin} expands): the further PINs arrive as positionals.
    pin: [...(values.pin ?? []), ...positionals],
    ...(values.host ? { host: values.host } : {}),
    json: false,
    seed: Number(values.seed),
    trace: false,
    forceOnline: false,
  },
  (line) => process.stdout.write(`${line}\n`),
  { openTransport: async (choice) => new InterceptingTransport(await openTransport(choice), FAULTS[fault]()) },
);
process.stdout.write(`faulty terminal (${fault}): ${outcome.outcome}\n`);
process.exitCode = outcome.outcome === 'approved' ? 0 : 1;
