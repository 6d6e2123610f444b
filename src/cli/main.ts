/**
 * The emvsim command line. Each command lives in src/cli/commands/ and is thin:
 * it parses arguments, calls a module, prints. Heavy modules are imported
 * inside handlers so that `emvsim --help` starts fast. Exit codes, pipes and
 * signals are handled here once for every command (exit.ts, streams.ts).
 */
import { useBuiltDocuments } from './built-documents.js';
import { loadYargs } from './load-yargs.js';
import { commands } from './commands/index.js';
import { EXIT, EXIT_CODES_HELP, reportError } from './exit.js';
import { installStreamGuards } from './streams.js';
import { ownVersion } from './version.js';
import { STDIN_ARG } from './output.js';

export async function main(argv: string[]): Promise<void> {
  const { yargs } = await loadYargs();
  let cli = yargs(argv)
    .scriptName('emvsim')
    .usage('$0 <command> [options]\n\nEMV and Geldkarte chip-card workbench: emulated card, terminal kernel, issuer host, readers.')
    .strict()
    .demandCommand(1, 'Name a command; see the list above.')
    .recommendCommands()
    .option('debug', { type: 'boolean', global: true, hidden: true, describe: 'print the stack of an internal error' })
    .help()
    .alias('h', 'help')
    // The version of emvsim itself, not of the package.json nearest the working directory.
    .version(ownVersion())
    .alias('v', 'version')
    .completion('completion', 'Print a bash/zsh completion script (emvsim completion >> ~/.bashrc)')
    // No wrapping: an example's long hex must stay on one line so it can be copied (yargs
    // would otherwise split it across two, mid-argument); the terminal soft-wraps instead.
    .wrap(null)
    .fail((msg, err) => {
      if (err) throw err;
      // One line, as every other error: yargs lists "Invalid values:\n  Argument: ..." over two.
      process.stderr.write(`emvsim: ${msg.trim().replace(/:\s*\n\s*/g, ': ').replace(/\s*\n\s*/g, '; ')} (see emvsim --help)\n`);
      process.exit(EXIT.badInput);
    });
  for (const c of commands) cli = cli.command(c);
  cli = cli
    .example('$0 tlv decode 6F1A840E315041592E5359532E4444463031A5088801025F2D02656E', 'decode BER-TLV with EMV tag names')
    .example('$0 apdu parse 00A404000E315041592E5359532E444446303100', 'decode a command APDU')
    .example('$0 atr 3B6800000073C84013009000', 'explain an Answer-To-Reset')
    .epilogue(EXIT_CODES_HELP);
  try {
    await cli.parseAsync();
  } catch (err) {
    process.exitCode = reportError(err);
  }
}

/** The process's command line: `emvsim ...` as typed (no top-level await: the bundle is a script, run with a code cache). */
async function run(): Promise<void> {
  installStreamGuards();
  const { hideBin } = await loadYargs();
  useBuiltDocuments();
  // yargs drops a bare `-`; rename it so `tlv decode -`, `apdu parse -`, `trace show -` read stdin.
  await main(hideBin(process.argv).map((a) => (a === '-' ? STDIN_ARG : a)));
}

void run();
