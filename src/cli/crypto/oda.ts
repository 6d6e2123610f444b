/**
 * `emvsim crypto oda`: verifies an offline data authentication chain as a kernel would
 * (EMV Book 2 §5-§6, Book 3 §10.3), step by step, naming every failed check.
 * Registered as a subcommand by src/cli/commands/crypto.ts.
 */
import type { Argv, CommandModule } from 'yargs';
import type { OdaArgs } from './oda-run.js';

export type { OdaArgs };

function builder(y: Argv): Argv {
  return y
    .option('capk', { type: 'string', describe: 'CA public key RID:INDEX from the CAPK store (e.g. A000000003:E5, the emvsim test CA)' })
    .option('capk-modulus', { type: 'string', describe: 'CA public key modulus in hex (instead of --capk)' })
    .option('capk-exponent', { type: 'string', default: '03', describe: 'CA public key exponent in hex' })
    .option('capk-file', { type: 'string', array: true, describe: 'extra CAPK JSON file(s) added to the store' })
    .option('pan', { type: 'string', describe: 'Application PAN (5A), digits' })
    .option('date', { type: 'string', describe: 'transaction date YYMMDD (9A) for the expiry checks; default today' })
    .option('tag', { type: 'string', array: true, describe: 'card data TAG=HEX: 90 92 9F32 9F46 9F48 9F47 93 9F4B 9F2D 9F2F 9F2E 8F 5A' })
    .option('input', { type: 'string', describe: 'JSON file {capk, pan, date, tags: {TAG: HEX}, staticData, dynamicData, cda}' })
    .option('static-data', { type: 'string', describe: 'static data to be authenticated in hex (ODA records + AIP)' })
    .option('dynamic-data', { type: 'string', describe: 'DDA: DDOL data sent in INTERNAL AUTHENTICATE (e.g. 9F37 value)' })
    .option('method', { choices: ['sda', 'dda', 'cda'] as const, describe: 'default: from the tags given' })
    .option('unpredictable-number', { type: 'string', describe: 'CDA: terminal unpredictable number (9F37)' })
    .option('cid', { type: 'string', describe: 'CDA: CID (9F27) returned in the GENERATE AC response' })
    .option('pdol-data', { type: 'string', describe: 'CDA: PDOL data sent in GET PROCESSING OPTIONS' })
    .option('cdol1-data', { type: 'string', describe: 'CDA: CDOL1 data' })
    .option('cdol2-data', { type: 'string', describe: 'CDA: CDOL2 data (second GENERATE AC)' })
    .option('response', { type: 'string', describe: 'CDA: GENERATE AC response TLVs (77 template)' })
    .option('transaction-data-hash', { type: 'string', describe: 'CDA: expected transaction data hash code (instead of the data)' })
    .option('json', { type: 'boolean', default: false, describe: 'print the steps as JSON' })
    .example('$0 crypto oda --input scripts/ca/example-dda-chain.json', 'verify the shipped DDA example chain (exit 0)')
    .example('$0 crypto oda --input scripts/ca/example-sda-chain.json --capk A000000003:E5 --date 261121 --json', 'SDA under the emvsim test CA, as JSON')
    .example('$0 crypto oda --input scripts/ca/example-sda-chain.json --tag 9F32=03', 'a wrong issuer exponent: the hash fails (exit 1)');
}

export const odaCommand: CommandModule = {
  command: 'oda',
  describe: 'Verify an offline data authentication chain (SDA/DDA/CDA) step by step (EMV Book 2 §5-§6)',
  builder,
  handler: async (argv) => {
    const { runOda } = await import('./oda-run.js');
    process.exitCode = await runOda(argv as unknown as OdaArgs);
  },
};
