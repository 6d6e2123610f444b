/**
 * `emvsim liability explain <outcome.json>`: which liability rule applied to
 * a transaction outcome (from `emvsim transact --json`) and why: the facts,
 * each earlier rule and the condition that did not hold, the matching rule.
 */
import type { CommandModule } from 'yargs';

const explainCommand: CommandModule = {
  command: 'explain <outcome>',
  describe: 'Which liability rule applied to a transaction outcome, and why',
  builder: (y) =>
    y
      .positional('outcome', { type: 'string', describe: "outcome JSON file written by `emvsim transact --json`; '-' reads stdin" })
      .option('rules', { type: 'string', default: 'default', describe: 'liability rules: name under scripts/liability/ or a path' })
      .option('json', { type: 'boolean', default: false, describe: 'print the explanation as JSON' })
      .example('$0 transact --amount 12.34 --pin 1234 --json > out.json && $0 liability explain out.json', 'why the issuer carries it'),
  handler: async (argv) => {
    const { readFileSync } = await import('node:fs');
    const { DocumentError } = await import('../../apdu/errors.js');
    const { explainLiability, loadLiabilityTable, liabilityTablePath } = await import('../../terminal/index.js');
    const file = String(argv.outcome);
    let outcome: { facts?: Record<string, unknown> };
    try {
      const { isStdinArg, readStdin } = await import('../output.js');
      outcome = JSON.parse(isStdinArg(file) ? await readStdin() : readFileSync(file, 'utf8')) as typeof outcome;
    } catch (err) {
      throw new DocumentError(`not a readable JSON outcome: ${(err as Error).message}`, { file, field: '(file)' });
    }
    if (!outcome.facts || typeof outcome.facts !== 'object') throw new DocumentError('has no facts object (write it with emvsim transact --json)', { file, field: 'facts' });
    const rulesArg = String(argv.rules);
    const rulesFile = liabilityTablePath(rulesArg);
    const table = loadLiabilityTable(rulesFile);
    const e = explainLiability(outcome.facts as never, table.rules);
    if (argv.json) {
      process.stdout.write(JSON.stringify(e, null, 2) + '\n');
      return;
    }
    const out = (s = '') => process.stdout.write(s + '\n');
    out(`Rules: ${table.name} (${rulesFile}), first match wins`);
    out('Facts:');
    for (const [k, v] of Object.entries(outcome.facts)) out(`  ${k.padEnd(26)} ${JSON.stringify(v)}`);
    out('Rules not applying:');
    for (const s of e.skipped) out(`  ${s.rule.padEnd(42)} ${s.because}`);
    const rule = table.rules.find((r) => r.id === e.rule);
    out(`Applied: ${e.rule}${rule?.line ? ` (${rulesFile}:${rule.line})` : ''}`);
    for (const m of e.matched) out(`  ${m.fact} = ${JSON.stringify(m.actual)} matches ${JSON.stringify(m.expected)}`);
    out(`Liable party: ${e.party}`);
    out(`Reason: ${e.reason}`);
  },
};

export const liabilityCommand: CommandModule = {
  command: 'liability',
  describe: 'Explain the liability determination of a transaction outcome (rules: scripts/liability/*.yaml)',
  builder: (y) => y.command(explainCommand).demandCommand(1, 'Name a liability subcommand: explain'),
  handler: () => {},
};
