/**
 * The emvsim command line. Each command lives in src/cli/commands/ and is thin:
 * it parses arguments, calls a module, prints. Heavy modules are imported
 * inside handlers so that `emvsim --help` starts fast.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../crypto/package-root.js';
import { useBuiltDocuments } from './built-documents.js';
import { loadYargs } from './load-yargs.js';
import { commands } from './commands/index.js';
import { reportError } from './output.js';

const { yargs, hideBin } = await loadYargs();
useBuiltDocuments();

export async function main(argv: string[]): Promise<void> {
  let cli = yargs(argv)
    .scriptName('emvsim')
    .usage('$0 <command> [options]\n\nEMV and Geldkarte chip-card workbench: emulated card, terminal kernel, issuer host, readers.')
    .strict()
    .demandCommand(1, 'Name a command; see the list above.')
    .recommendCommands()
    .help()
    .alias('h', 'help')
    // emvsim's own version: yargs alone reads the package.json above the current directory (the
    // user's project under `npx emvsim`, "unknown" elsewhere).
    .version((JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version)
    // No wrapping: an example's long hex must stay on one line so it can be copied (yargs
    // would otherwise split it across two, mid-argument); the terminal soft-wraps instead.
    .wrap(null)
    .fail((msg, err) => {
      if (err) throw err;
      process.stderr.write(`emvsim: ${msg}\n(see emvsim --help)\n`);
      process.exit(2);
    });
  for (const c of commands) cli = cli.command(c);
  cli = cli
    .example('$0 tlv decode 6F1A840E315041592E5359532E4444463031A5088801025F2D02656E', 'decode BER-TLV with EMV tag names')
    .example('$0 apdu parse 00A404000E315041592E5359532E444446303100', 'decode a command APDU')
    .example('$0 atr 3B6800000073C84013009000', 'explain an Answer-To-Reset');
  try {
    await cli.parseAsync();
  } catch (err) {
    process.exitCode = reportError(err);
  }
}

await main(hideBin(process.argv));
