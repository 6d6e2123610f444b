/**
 * `emvsim demo` (what `npm start` runs): a full online EMV transaction with
 * offline PIN and DDA between the terminal kernel (eu-pos-pin profile) and the
 * embedded emulated demo card (PIN 1234), authorised by the in-process issuer
 * host, ending in the outcome and the liability line.
 */
import type { CommandModule } from 'yargs';

export const demoCommand: CommandModule = {
  command: 'demo',
  describe: 'Run a full online EMV transaction with PIN against the embedded emulated card (what npm start shows)',
  builder: (y) =>
    y
      .option('trace', { type: 'boolean', default: false, describe: 'also print the APDU trace (PIN masked)' })
      .example('$0 demo', 'EUR 60.00 with PIN 1234 at an EU POS, authorised online: ends APPROVED with the liability line')
      .example('$0 demo --trace', 'the same, followed by every APDU exchanged (the PIN in VERIFY masked)'),
  handler: async (argv) => {
    const { runTransact, printVerdictLine } = await import('./transact.js');
    const out = (s = '') => printVerdictLine(s);
    out('emvsim demo: EUR 60.00 at an attended EU POS (eu-pos-pin) with the embedded demo card, PIN 1234,');
    out('authorised online by the in-process issuer host.');
    out();
    await runTransact(
      { terminal: 'eu-pos-pin', amount: '60.00', type: 'goods', pin: ['1234'], json: false, seed: 1, trace: Boolean(argv.trace), forceOnline: false },
      out,
    );
  },
};
