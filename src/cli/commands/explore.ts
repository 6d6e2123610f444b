/**
 * `emvsim explore [--card FILE | --reader NAME] [--json]`: select the PSE and
 * every application, read every record, print the decoded tree.
 * `--contactless`: the contactless inspector instead (Entry Point selection from
 * the PPSE, GPO with a PDOL from --ttq/--amount/..., READ RECORD, ODA); an
 * emulated card is then presented over its contactless interface.
 * Both live in src/terminal/card-inspector; this file parses and prints.
 */
import type { Argv, CommandModule } from 'yargs';
import { withTransportOptions } from '../transport-option.js';

interface ExploreArgs {
  card: string | undefined;
  reader: string | undefined;
  json: boolean;
  contactless: boolean;
  amount: string | undefined;
  ttq: string | undefined;
  un: string | undefined;
  country: string | undefined;
  currency: string | undefined;
  date: string | undefined;
  type: string | undefined;
  'show-pan': boolean;
  'capk-file': string[] | undefined;
  'transaction-limit': string | undefined;
  'floor-limit': string | undefined;
  'cvm-limit': string | undefined;
  'status-check': boolean | undefined;
}

export const exploreCommand: CommandModule<object, ExploreArgs> = {
  command: 'explore',
  describe: 'Explore a card: PSE, every application, every record, counters and log, decoded (--contactless: PPSE, Entry Point, GPO, records, ODA)',
  builder: (y: Argv) =>
    withTransportOptions(y)
      .option('json', { type: 'boolean', default: false, describe: 'print JSON' })
      .option('contactless', { type: 'boolean', default: false, describe: 'contactless inspector (an inspector, not a payment kernel): Entry Point (Book B) selection, GPO, READ RECORD, ODA' })
      .option('amount', { type: 'string', describe: '--contactless: Amount, Authorised in major units of --currency, as for transact (9F02; default 1.00)' })
      .option('ttq', { type: 'string', describe: '--contactless: Terminal Transaction Qualifiers 9F66, 4 bytes hex (default 27000000)' })
      .option('un', { type: 'string', describe: '--contactless: Unpredictable Number 9F37, 4 bytes hex (default random)' })
      .option('country', { type: 'string', describe: '--contactless: terminal country code 9F1A (default 0276)' })
      .option('currency', { type: 'string', describe: '--contactless: transaction currency code 5F2A (default 0978)' })
      .option('date', { type: 'string', describe: '--contactless: transaction date 9A, YYMMDD (default today)' })
      .option('type', { type: 'string', describe: '--contactless: transaction type 9C, hex (default 00)' })
      .option('show-pan', { type: 'boolean', default: false, describe: '--contactless: print the PAN in full (default masked)' })
      .option('transaction-limit', { type: 'string', describe: '--contactless: reader contactless transaction limit, major units (Book B §3.1.1.5)' })
      .option('floor-limit', { type: 'string', describe: '--contactless: reader contactless floor limit, major units (§3.1.1.6)' })
      .option('cvm-limit', { type: 'string', describe: '--contactless: reader CVM required limit, major units (§3.1.1.8)' })
      .option('status-check', { type: 'boolean', describe: '--contactless: status check support (§3.1.1.3)' })
      .option('capk-file', { type: 'string', array: true, describe: '--contactless: extra CA public key file(s) for ODA (scripts/capk format)' })
      .example('$0 explore --card card.json', 'explore an emulated card file')
      .example('$0 explore --contactless --card c.json', 'inspect an emulated card over its contactless interface')
      .example('$0 explore --contactless --reader "ACR122"', 'inspect a contactless card on an NFC reader')
      .example('$0 explore --contactless --card c.json --amount 50.00 --cvm-limit 25.00', 'Entry Point sets TTQ "CVM required" (Book B §3.1.1.12)')
      .example('$0 explore', 'explore the built-in demo card') as unknown as Argv<ExploreArgs>,
  handler: async (argv) => {
    const { openTransport } = await import('../transport-option.js');
    const inspector = await import('../../terminal/card-inspector/index.js');
    const transport = await openTransport({ card: argv.card, reader: argv.reader, contactless: argv.contactless });
    try {
      // A dual-interface reader shows the contactless slot with a PC/SC-synthesised ATR; the PSE is
      // not offered there, so the contactless inspector is what can read the card.
      let contactless = argv.contactless;
      if (!contactless && argv.reader !== undefined && inspector.classifyContactlessAtr(await transport.coldReset()) !== 'not-contactless') {
        process.stderr.write('emvsim: the card is on a contactless interface (PC/SC contactless ATR): using the contactless inspector (--contactless)\n');
        contactless = true;
      }
      if (contactless) {
        const { contactlessLimits, contactlessTerminalData } = await import('../contactless-args.js');
        const result = await inspector.inspectContactless(transport, { terminal: contactlessTerminalData(argv), limits: contactlessLimits(argv), ...(argv['capk-file'] ? { capkFiles: argv['capk-file'] } : {}) });
        const options = { showPan: argv['show-pan'] };
        process.stdout.write((argv.json ? JSON.stringify(inspector.inspectionToJson(result, options), null, 2) : inspector.formatInspection(result, options)) + '\n');
        // Exit 1 (a negative result) when Entry Point found nothing to read or GPO was refused.
        if (result.application?.gpo.sw !== '9000') process.exitCode = 1;
        return;
      }
      const result = await inspector.exploreCard(transport);
      process.stdout.write((argv.json ? JSON.stringify(inspector.exploreToJson(result), null, 2) : inspector.formatExplore(result)) + '\n');
    } finally {
      await transport.close();
    }
  },
};
