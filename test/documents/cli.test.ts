/**
 * Bad documents through the built CLI as a child process: exit code 2 and a
 * one-line message naming file:line:field (issue 17 "Must show").
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, repoRoot as root } from '../built-cli.js';
import { runCli } from '../cli/run-cli.js';

let tmp: string;

const run = (...args: string[]) => runCli(args, { cwd: tmp });

function write(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

beforeAll(() => {
  ensureBuilt();
  tmp = mkdtempSync(join(tmpdir(), 'emvsim-documents-'));
}, 180_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('bad documents through the CLI: exit 2, file:line:field, no stack', () => {
  it('a terminal profile copy with floorLimt: names the line and suggests floorLimitMinor (the floor limit in minor units)', async () => {
    const text = readFileSync(join(root, 'scripts', 'terminals', 'eu-pos-pin.yaml'), 'utf8');
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.includes('floorLimitMinor:'));
    lines[at] = lines[at]!.replace('floorLimitMinor:', 'floorLimt:');
    const file = write('my-terminal.yaml', lines.join('\n'));
    const r = await run('transact', '--terminal', file, '--amount', '12.34', '--pin', '1234');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`emvsim: ${file}:${at + 1}: applications.0.floorLimt: unknown field (did you mean 'floorLimitMinor'?)`);
    expect(r.stdout).toBe('');
  });

  it("the same typo in a scenario's terminal.eachApplication fails the run before any case runs", async () => {
    const file = write(
      'typo-scenario.yaml',
      '- id: floor-typo\n  title: floor limit typo\n  spec: Book 3 §10.6.1\n  terminal: { eachApplication: { floorLimt: 0 } }\n  transaction: { amountMinor: 800 }\n  expect: { outcome: approved }\n',
    );
    const good = join(root, 'scripts', 'conformance', '01-application-selection');
    const r = await run('conform', file, good);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^0 case\(s\)/m);
    expect(r.stderr).toContain(`${file}:4: 0.terminal.eachApplication.floorLimt: unknown field (did you mean 'floorLimitMinor'?)`);
  });

  it('a derived card profile without priority is blamed on the user file, not the shipped base', async () => {
    const file = write('derived.yaml', 'base: visa-cvn18\napplications:\n  - aid: A0000000031010\n    label: VISA\n');
    const r = await run('card', 'new', '--profile', file, '--out', join(tmp, 'c.json'));
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`emvsim: ${file}:3: applications.0.priority: is required`);
  });

  it('a PDOL 9F33FF is rejected at file:line:field, never an ERROR at personalisation', async () => {
    const file = write('pdol.yaml', 'base: visa-cvn18\npdol: 9F33FF\n');
    const r = await run('card', 'new', '--profile', file, '--out', join(tmp, 'c2.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^emvsim: ${file.replace(/[.]/g, '\\.')}:2: pdol: not a data object list`));
  });

  it('a scenario whose card has PDOL 9F33FF fails validation with exit 2 at file:line:field, never ERROR', async () => {
    const file = write(
      'pdol-scenario.yaml',
      'id: pdol-ff\ntitle: PDOL with a length byte FF\nspec: Book 3 §5.4\ncard:\n  set:\n    pdol: 9F33FF\ntransaction: { amountMinor: 800 }\nexpect: { outcome: approved }\n',
    );
    const r = await run('conform', file);
    expect(r.code).toBe(2);
    expect(r.stdout).not.toMatch(/ERROR/);
    expect(r.stderr).toContain(`${file}:6: card.set.pdol: not a data object list (DOL, Book 3 §5.4)`);
  });

  it('a YAML alias bomb is bad input naming the file, not an internal error', async () => {
    const file = write('bomb.yaml', 'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n');
    const r = await run('transact', '--terminal', file, '--amount', '1', '--pin', '1234');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`emvsim: ${file}: (document): too many alias expansions (more than 100; an alias bomb?)`);
  });

  it('tac: 5 in a terminal profile is a wrong type at its line', async () => {
    const file = write('tac.yaml', 'applications:\n  - aid: A0000000031010\n    tac: 5\n');
    const r = await run('transact', '--terminal', file, '--amount', '1', '--pin', '1234');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`emvsim: ${file}:3: applications.0.tac: must be a mapping, got 5`);
  });
});
