/**
 * `emvsim lab`: the terminal test lab (src/lab). emvsim plays the card of each
 * case of a plan; the terminal under test is a command (placeholders from the
 * case), a person (--manual), or emvsim's own kernel (--in-process); every
 * case is judged from what the card saw. `lab serve` is the automation server
 * (JSON lines over TCP, docs/lab.md). Exit 0 all pass, 1 a case failed or was
 * inconclusive, 2 an invalid plan or option.
 */
import type { Argv, CommandModule } from 'yargs';
import { DocumentError } from '../../apdu/errors.js';
import { untilInterrupted } from '../streams.js';

interface RunArgs {
  plan: string;
  'in-process': boolean;
  'reader-slot'?: number;
  'terminal-cmd'?: string;
  manual: boolean;
  reporter: 'table' | 'json' | 'junit' | 'html';
  out?: string;
  filter: string[];
  timeout: number;
  'terminal-profile': string;
  'terminal-module'?: string;
}

function modeOf(argv: RunArgs, prompt: (text: string) => void) {
  const external = [argv['terminal-cmd'] !== undefined, argv.manual].filter(Boolean).length;
  if (argv['in-process']) {
    if (external > 0 || argv['reader-slot'] !== undefined) throw new DocumentError('--in-process runs emvsim\'s kernel in this process: leave out --reader-slot, --terminal-cmd and --manual', { field: '--in-process' });
    return undefined;
  }
  if (argv['reader-slot'] === undefined) throw new DocumentError('give --reader-slot N (the vpcd slot the terminal reads) or --in-process', { field: '--reader-slot' });
  if (external !== 1) throw new DocumentError('give exactly one trigger: --terminal-cmd \'...\' or --manual', { field: '--terminal-cmd' });
  const slot = argv['reader-slot'];
  if (!Number.isInteger(slot) || slot < 0 || slot > 9) throw new DocumentError(`--reader-slot must be 0..9, got ${slot}`, { field: '--reader-slot' });
  return argv.manual ? { kind: 'manual' as const, slot, prompt } : { kind: 'command' as const, command: argv['terminal-cmd']!, slot };
}

const runSubcommand: CommandModule<object, RunArgs> = {
  command: 'run <plan>',
  describe: 'Run a terminal test plan: per case personalise the card, insert it, trigger the terminal, judge from what the card saw',
  builder: (y: Argv) =>
    y
      .positional('plan', { type: 'string', demandOption: true, describe: 'plan file, directory, or a name under scripts/lab/ (e.g. contact-terminal)' })
      .option('in-process', { type: 'boolean', default: false, describe: "emvsim's kernel as the terminal, in this process (no pcscd)" })
      .option('reader-slot', { type: 'number', describe: 'vpcd slot the card is inserted into (reader "Virtual PCD 00 0N")' })
      .option('terminal-cmd', { type: 'string', describe: 'command run per case; placeholders {amount} {amountMinor} {pin} {type} {host} {seed} {case} {reader}' })
      .option('manual', { type: 'boolean', default: false, describe: 'a person operates the terminal: shows what to enter, waits per case' })
      .option('reporter', { choices: ['table', 'json', 'junit', 'html'] as const, default: 'table' as const, describe: 'report format' })
      .option('out', { type: 'string', describe: 'write the report to this file (the table still goes to stdout)' })
      .option('filter', { type: 'string', array: true, default: [] as string[], describe: 'keep cases with this id or tag (repeatable)' })
      .option('timeout', { type: 'number', default: 30000, describe: 'per-run time-out of the terminal, ms' })
      .option('terminal-profile', { type: 'string', default: 'eu-pos-pin', describe: 'terminal profile of the in-process kernel' })
      .option('terminal-module', { type: 'string', describe: "with --in-process: your Node terminal, a module whose default export is { name, run(card, request) }; its import of 'smartcard' gets the lab's card in a fake reader (docs/lab.md)" })
      .example('$0 lab run contact-terminal --in-process', "the shipped plan against emvsim's own kernel")
      .example(
        `$0 lab run contact-terminal --reader-slot 1 --terminal-cmd 'node bin/emvsim.js transact --reader "Virtual PCD 00 01" --amount {amount} --pin {pin} --host {host} --seed {seed}' --reporter html --out lab.html`,
        'a terminal process through pcscd + vpcd, HTML report',
      ) as unknown as Argv<RunArgs>,
  handler: async (argv) => {
    const { loadPlan, planFiles, runLabCases, kernelTerminal, formatLabReport, labExitCode, loadTerminalModule, labPcsc } = await import('../../lab/index.js');
    const { writeFileSync } = await import('node:fs');
    const prompt = (text: string) => process.stderr.write(`${text}\n`);
    const external = modeOf(argv, prompt);
    const plans = planFiles(argv.plan).map(loadPlan);
    const keep = new Set(argv.filter.map(String));
    const cases = plans.flatMap((p) => p.cases).filter((c) => keep.size === 0 || keep.has(c.id) || c.tags.some((t) => keep.has(t)));
    if (cases.length === 0) throw new DocumentError(`no case matches --filter ${[...keep].join(' ')}`, { field: '--filter' });
    const started = performance.now();
    const tty = process.stderr.isTTY;
    if (argv['terminal-module'] !== undefined && external) throw new DocumentError('--terminal-module runs in this process: give --in-process', { field: '--terminal-module' });
    const module = argv['terminal-module'];
    const terminal = module !== undefined ? await loadTerminalModule(module) : kernelTerminal(argv['terminal-profile']);
    const results = await runLabCases(cases, {
      mode: external ?? { kind: 'in-process', terminal, ...(module !== undefined ? { pcsc: labPcsc() } : {}) },
      timeoutMs: argv.timeout,
      ...(tty ? { onResult: (r) => process.stderr.write(`${r.verdict.padEnd(12)} ${r.id}\n`) } : {}),
    });
    const ms = performance.now() - started;
    const title = `emvsim lab: ${plans.map((p) => p.name).join(', ')}`;
    if (argv.out !== undefined) {
      writeFileSync(argv.out, formatLabReport(argv.reporter, results, ms, title));
      process.stdout.write(formatLabReport('table', results, ms, title));
      process.stdout.write(`${argv.reporter} report written to ${argv.out}\n`);
    } else {
      process.stdout.write(formatLabReport(argv.reporter, results, ms, title));
    }
    process.exitCode = labExitCode(results);
  },
};

const listSubcommand: CommandModule<object, { plan?: string }> = {
  command: 'list [plan]',
  describe: 'List the shipped plans, or the cases of a plan',
  builder: (y: Argv) => y.positional('plan', { type: 'string', describe: 'plan file or name' }) as unknown as Argv<{ plan?: string }>,
  handler: async (argv) => {
    const { loadPlan, planFiles, shippedPlans } = await import('../../lab/index.js');
    if (argv.plan === undefined) {
      for (const name of shippedPlans()) process.stdout.write(`${name}\n`);
      return;
    }
    for (const p of planFiles(argv.plan).map(loadPlan)) {
      for (const c of p.cases) process.stdout.write(`${c.id.padEnd(40)} ${c.spec.padEnd(28)} ${c.title}\n`);
    }
  },
};

interface ServeArgs {
  port: number;
  host: string;
  'reader-slot'?: number;
  'in-process': boolean;
  timeout: number;
}

const serveSubcommand: CommandModule<object, ServeArgs> = {
  command: 'serve',
  describe: 'Automation server: JSON lines over TCP (list, select, insert, wait, verdict, remove; docs/lab.md)',
  builder: (y: Argv) =>
    y
      .option('port', { type: 'number', default: 7000, describe: 'TCP port (0 = any free port, printed)' })
      .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to listen on (loopback by default)' })
      .option('reader-slot', { type: 'number', describe: 'vpcd slot the card is inserted into' })
      .option('in-process', { type: 'boolean', default: false, describe: "emvsim's kernel plays the terminal as soon as the card is inserted (no pcscd)" })
      .option('timeout', { type: 'number', default: 30000, describe: 'default wait time-out, ms' })
      .example('$0 lab serve --port 7000 --reader-slot 1', 'a test rig drives the lab; the terminal reads "Virtual PCD 00 01"')
      .example('python3 examples/lab-client/client.py --port 7000', 'the Python example client') as unknown as Argv<ServeArgs>,
  handler: async (argv) => {
    const { LabServer } = await import('../../lab/server.js');
    if (argv['in-process'] === (argv['reader-slot'] !== undefined)) throw new DocumentError('give --reader-slot N or --in-process', { field: '--reader-slot' });
    const server = new LabServer({ ...(argv['reader-slot'] !== undefined ? { slot: argv['reader-slot'] } : {}), defaultTimeoutMs: argv.timeout, log: (l) => process.stderr.write(`${l}\n`) });
    const address = await server.listen(argv.port, argv.host);
    process.stdout.write(`emvsim lab server on ${address.address}:${address.port} (${argv['in-process'] ? 'in-process kernel' : `vpcd slot ${argv['reader-slot']}`}); JSON lines, see docs/lab.md\n`);
    await untilInterrupted(false); // the server keeps Node alive
    await server.close();
  },
};

export const labCommand: CommandModule = {
  command: 'lab',
  describe: 'Terminal test lab: run YOUR terminal against simulated cards, judged from what the card saw',
  builder: (y) =>
    y
      .command(runSubcommand)
      .command(listSubcommand)
      .command(serveSubcommand)
      .demandCommand(1, 'Name a lab subcommand: run, list, serve')
      .example('$0 lab list contact-terminal', 'the cases of the shipped plan')
      .example('$0 lab run contact-terminal --in-process --reporter junit --out lab.xml', 'JUnit XML for CI'),
  handler: () => {},
};
