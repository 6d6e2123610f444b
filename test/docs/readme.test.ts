/**
 * Every block of README.md marked `<!-- runnable -->` is run here, so the front page cannot rot.
 *
 * A runnable block is a fenced `console` block: lines starting with `$ ` are commands, the lines after
 * each command are its expected output (stdout then stderr), compared line by line; a line `...` stands
 * for any number of lines. A block marked `<!-- runnable file=NAME -->` is not run but written to NAME,
 * so that a later console block can run it (`$ node NAME`). All blocks run in order in one scratch
 * folder inside the repository (so `import 'emvsim'` resolves to this package), with `emvsim` on PATH.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliBin, ensureBuilt, repoRoot } from '../built-cli.js';

interface Block {
  line: number;
  file?: string;
  body: string[];
}

/** The marked blocks of a Markdown text, with the line of their marker. */
export function runnableBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const marker = /^<!-- runnable(?: file=(\S+))? -->$/.exec(lines[i]!.trim());
    if (!marker) continue;
    const fence = lines[i + 1] ?? '';
    if (!fence.startsWith('```')) throw new Error(`README.md:${i + 1}: a runnable marker must stand right above a fenced block`);
    const body: string[] = [];
    let j = i + 2;
    for (; j < lines.length && !lines[j]!.startsWith('```'); j++) body.push(lines[j]!);
    blocks.push({ line: i + 1, ...(marker[1] ? { file: marker[1] } : {}), body });
    i = j;
  }
  return blocks;
}

/** Compares output lines with expected lines, where `...` matches any run of lines. */
export function matchesExpected(actual: string[], expected: string[]): boolean {
  const match = (a: number, e: number): boolean => {
    if (e === expected.length) return a === actual.length;
    if (expected[e] === '...') {
      for (let k = a; k <= actual.length; k++) if (match(k, e + 1)) return true;
      return false;
    }
    return a < actual.length && actual[a]!.trimEnd() === expected[e]!.trimEnd() && match(a + 1, e + 1);
  };
  return match(0, 0);
}

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const scratch = join(repoRoot, '.tmp', `readme-${process.pid}`);
const binDir = join(scratch, '.bin');

beforeAll(() => {
  ensureBuilt();
  mkdirSync(binDir, { recursive: true });
  const shim = join(binDir, 'emvsim');
  writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${cliBin}" "$@"\n`);
  chmodSync(shim, 0o755);
}, 300_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('README.md', () => {
  it('stays a front page (at most 300 lines)', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(300);
  });

  it('has runnable blocks', () => {
    expect(runnableBlocks(readme).length).toBeGreaterThan(0);
  });

  it('the ... wildcard matches any run of lines, and nothing else', () => {
    expect(matchesExpected(['a', 'b', 'c'], ['...', 'c'])).toBe(true);
    expect(matchesExpected(['a', 'b', 'c'], ['a', '...'])).toBe(true);
    expect(matchesExpected(['a', 'b', 'c'], ['a', 'c'])).toBe(false);
    expect(matchesExpected(['a'], ['a', 'b'])).toBe(false);
  });

  for (const block of runnableBlocks(readme)) {
    it(`the block at README.md:${block.line} ${block.file ? `(${block.file})` : 'runs as shown'}`, () => {
      if (block.file) {
        writeFileSync(join(scratch, block.file), block.body.join('\n') + '\n');
        return;
      }
      const steps: { command: string; expected: string[] }[] = [];
      for (const l of block.body) {
        if (l.startsWith('$ ')) steps.push({ command: l.slice(2), expected: [] });
        else if (steps.length > 0) steps.at(-1)!.expected.push(l);
        else throw new Error(`README.md:${block.line}: output before the first command`);
      }
      for (const step of steps) {
        let output: string;
        try {
          output = execFileSync('bash', ['-c', `{ ${step.command}\n} 2>&1`], {
            cwd: scratch,
            encoding: 'utf8',
            env: { ...process.env, PATH: `${binDir}:${process.env.PATH}`, NO_COLOR: '1' },
          });
        } catch (e) {
          const err = e as { status?: number; stdout?: string };
          throw new Error(`README.md:${block.line}: \`${step.command}\` exited ${err.status}:\n${err.stdout ?? ''}`);
        }
        const actual = output.replace(/\n$/, '').split('\n');
        if (!matchesExpected(actual, step.expected)) {
          expect(actual.join('\n'), `README.md:${block.line}: output of \`${step.command}\``).toBe(step.expected.join('\n'));
        }
      }
    }, 120_000);
  }
});
