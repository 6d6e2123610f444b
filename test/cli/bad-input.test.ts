/**
 * The bad-input table (bad-input-cases.ts) against the built CLI, and the issue-17 "Must show" checks
 * that need a shell, a second process or a pseudo-terminal. Every error is one line starting
 * "emvsim:", never a stack trace, with the exit code of the contract (docs/cli.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BAD_INPUT_CASES } from './bad-input-cases.js';
import { bin, ensureBuilt, runCli } from './run-cli.js';

let tmp: string;

beforeAll(() => {
  ensureBuilt();
  tmp = mkdtempSync(join(tmpdir(), 'emvsim-bad-input-'));
}, 180_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('bad-input table', () => {
  it('holds at least 60 rows covering exit codes 1, 2 and 3', () => {
    expect(BAD_INPUT_CASES.length).toBeGreaterThanOrEqual(60);
    for (const code of [1, 2, 3]) expect(BAD_INPUT_CASES.some((c) => c.code === code)).toBe(true);
  });

  it.concurrent.each(BAD_INPUT_CASES.map((c, i) => [i, c] as const))('%i %s', async (i, c) => {
    const dir = join(tmp, `case-${i}`);
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(c.files ?? {})) writeFileSync(join(dir, name), text.replaceAll('$TMP', dir));
    const r = await runCli(c.args.map((a) => a.replaceAll('$TMP', dir)), { cwd: dir, ...(c.stdin !== undefined ? { stdin: c.stdin } : {}), ...(c.env ? { env: c.env } : {}) });
    const where = `${c.what}: emvsim ${c.args.join(' ')}\nstdout: ${r.stdout.slice(-400)}\nstderr: ${r.stderr}`;
    expect(r.code, where).toBe(c.code);
    expect(r.stderr, where).not.toMatch(/\n\s+at |internal error/);
    const stream = c.stream ?? (c.code === 1 ? 'stdout' : 'stderr');
    if (stream === 'stderr') {
      const lines = r.stderr.trim().split('\n');
      expect(lines, where).toHaveLength(1);
      expect(lines[0], where).toMatch(/^emvsim: /);
    }
    const text = stream === 'stderr' ? r.stderr : r.stdout;
    if (typeof c.message === 'string') expect(text, where).toContain(c.message);
    else expect(text, where).toMatch(c.message);
  }, 60_000);
});

/** Runs a shell pipeline; returns the first command's status (PIPESTATUS) and the output. */
function pipeline(command: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('bash', ['-c', `${command}; exit \${PIPESTATUS[0]}`], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('pipes (EPIPE handled once, for every command)', () => {
  for (const cmd of ['geldkarte balance', 'demo', 'conform --reporter json', 'card profiles', 'tlv decode 6F1A840E315041592E5359532E4444463031A5088801025F2D02656E']) {
    it(`emvsim ${cmd} | head -1 prints one line, no stack`, () => {
      const r = pipeline(`node ${bin} ${cmd} | head -1`);
      expect(r.stdout.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toBe('');
      expect([0, 141]).toContain(r.status);
    }, 60_000);
  }
});

describe('--version', () => {
  it("prints emvsim's own version from any working directory", async () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
    const other = join(tmp, 'consumer');
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, 'package.json'), JSON.stringify({ name: 'consumer', version: '9.9.9' }));
    for (const flag of ['--version', '-v']) {
      const r = await runCli([flag], { cwd: other });
      expect(r.stdout.trim()).toBe(pkg.version);
    }
  });
});

describe('card file lock', () => {
  it('two concurrent transact --card on one file end with ATC 2', async () => {
    const dir = join(tmp, 'lock');
    mkdirSync(dir, { recursive: true });
    const card = join(dir, 'same.json');
    expect((await runCli(['card', 'new', '--out', card])).code).toBe(0);
    const args = ['transact', '--card', card, '--amount', '1.00', '--pin', '1234', '--online', 'approve'];
    const [a, b] = await Promise.all([runCli(args), runCli(args)]);
    const codes = [a.code, b.code].sort();
    if (codes[1] === 3) {
      expect(a.stderr + b.stderr).toMatch(/in use by process \d+/);
    } else {
      expect(codes).toEqual([0, 0]);
      expect(JSON.parse(readFileSync(card, 'utf8')).state.atc).toBe(2);
    }
  }, 60_000);
});

describe('PIN prompt on a terminal', () => {
  const python = spawnSync('python3', ['-c', 'import pty'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!python)('prompts without echo, shows the tries left, and takes the PIN', () => {
    // A pseudo-terminal from Python's pty module: stdin and stderr are TTYs, as for a user.
    const script = [
      'import os, pty, sys, time, select',
      'pid, fd = pty.fork()',
      'if pid == 0:',
      '    os.execvp(sys.argv[1], sys.argv[1:])',
      'out = b""',
      'def pump(t):',
      '    global out',
      '    r, _, _ = select.select([fd], [], [], t)',
      '    if not r: return True',
      '    try: d = os.read(fd, 4096)',
      '    except OSError: return False',
      '    out += d',
      '    return bool(d)',
      'deadline = time.time() + 30',
      'while b"Enter PIN" not in out and time.time() < deadline and pump(0.1): pass',
      'os.write(fd, b"1234\\r")',
      'while time.time() < deadline and pump(0.1): pass',
      '_, status = os.waitpid(pid, 0)',
      'sys.stdout.write(out.decode("utf8", "replace"))',
      'sys.exit(os.waitstatus_to_exitcode(status))',
    ].join('\n');
    const r = spawnSync('python3', ['-c', script, process.execPath, bin, 'transact', '--amount', '12.34', '--online', 'approve'], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', EMVSIM_PIN: '' },
      timeout: 60_000,
    });
    expect(r.stdout).toMatch(/Enter PIN, 3 tries left; empty to bypass: \*{4}/);
    expect(r.stdout).not.toMatch(/: 1234/);
    expect(r.stdout).toContain('PIN verified by the card');
    expect(r.stdout).toContain('OUTCOME      APPROVED');
    expect(r.status).toBe(0);
  }, 60_000);
});

describe('environment errors', () => {
  it('a port in use is exit 3 naming the port', async () => {
    const { createServer } = await import('node:net');
    const server = createServer();
    await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
    const port = (server.address() as { port: number }).port;
    try {
      const r = await runCli(['host', '--listen', `127.0.0.1:${port}`, '--db', join(tmp, 'port.sqlite')]);
      expect(r.code).toBe(3);
      expect(r.stderr.trim()).toBe(`emvsim: 127.0.0.1:${port} is in use: choose another port or stop the process that holds it`);
    } finally {
      server.close();
    }
  }, 60_000);
});

describe('internal errors', () => {
  it('are never exit 2 and show the stack only under --debug', () => {
    // A defect simulated through the module the CLI uses to classify errors.
    const code = `import('${join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli', 'exit.js')}').then((m) => { process.exitCode = m.reportError(new TypeError('x is undefined'), process.argv.includes('--debug')); })`;
    const plain = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
    expect(plain.status).toBe(70);
    expect(plain.stderr).toMatch(/^emvsim: internal error \(please report\): TypeError: x is undefined \(run with --debug for the stack\)\n$/);
    const debug = spawnSync(process.execPath, ['-e', code, '--', '--debug'], { encoding: 'utf8' });
    expect(debug.status).toBe(70);
    expect(debug.stderr).toMatch(/\n\s+at /);
    void execFileSync;
  });
});

describe('Ctrl-C', () => {
  /** Starts the built CLI (or a dist/ script), sends SIGINT after `ms`, resolves with its exit. */
  async function interrupt(script: string[], ms: number): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, script, { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGINT'), ms);
    return new Promise((resolveExit) =>
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        resolveExit({ code, signal, stdout, stderr });
      }),
    );
  }

  it('conform --out writes the partial report marked incomplete (or the whole one when it was done)', async () => {
    const out = join(tmp, 'partial.xml');
    const r = await interrupt([bin, 'conform', '--reporter', 'junit', '--out', out], 2500);
    const xml = readFileSync(out, 'utf8');
    if (r.code === 130) {
      expect(xml).toMatch(/<!-- INCOMPLETE: interrupted after \d+ of \d+ case\(s\) -->/);
      expect(xml).toContain('<testcase classname="incomplete" name="interrupted"');
      expect(xml.trimEnd().endsWith('</testsuites>')).toBe(true);
      expect(r.stderr).toMatch(/interrupted after \d+ of \d+ case\(s\); the incomplete report is in/);
    } else {
      expect(r.code).toBe(0);
      expect(xml).not.toContain('INCOMPLETE');
    }
  }, 120_000);

  it('the fuzz runner prints the summary of what ran', async () => {
    const fuzz = join(import.meta.dirname, '..', '..', 'dist', 'bench', 'fuzz.js');
    const r = await interrupt([fuzz, '2000000'], 2500);
    expect(r.code).toBe(130);
    expect(r.stdout).toMatch(/^fuzz interrupted; summary of the cases run:\napdu .*: \d+ cases, \d+ typed errors, 0 findings/);
  }, 120_000);
});

describe('completion', () => {
  it('emvsim completion prints a shell completion script', async () => {
    const r = await runCli(['completion']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('###-begin-emvsim-completions-###');
    expect(r.stdout).toContain('--get-yargs-completions');
  });
});
