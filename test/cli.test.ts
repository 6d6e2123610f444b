/**
 * The built CLI run as a user runs it (node bin/emvsim.js ...): outputs and
 * exit codes. Bad input exits 2 with one line naming the place, never a stack.
 * dist/ is rebuilt first when a source file is newer than it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromHex } from '../src/apdu/bytes.js';
import { TracingTransport } from '../src/apdu/trace.js';
import { exchange } from '../src/apdu/exchange.js';
import { ensureBuilt, runCli, type Run } from './cli/run-cli.js';

let tmp: string;
const run = (...args: string[]): Promise<Run> => runCli(args);

/** One line on stderr, starting "emvsim:", no stack frames. */
function expectOneLineError(r: Run, pattern: RegExp, code = 2): void {
  expect(r.code).toBe(code);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^emvsim: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

beforeAll(() => {
  ensureBuilt();
  tmp = mkdtempSync(join(tmpdir(), 'emvsim-cli-'));
}, 180_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('emvsim --help', () => {
  it('lists the APDU commands and exits 0', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    for (const c of ['apdu', 'atr', 'trace', 'demo']) expect(r.stdout).toContain(`emvsim ${c}`);
  });
  it('a missing subcommand exits 2', async () => {
    const r = await run('apdu');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/apdu subcommand/);
  });
});

describe('emvsim apdu parse', () => {
  it('decodes SELECT PSE field by field', async () => {
    const r = await run('apdu', 'parse', '00A404000E315041592E5359532E444446303100');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('case  4S');
    expect(r.stdout).toMatch(/INS\s+A4\s+SELECT/);
    expect(r.stdout).toMatch(/P2\s+00\s+by DF name/);
    expect(r.stdout).toMatch(/Lc\s+0E\s+\(14 bytes\)/);
    expect(r.stdout).toContain('"1PAY.SYS.DDF01"');
    expect(r.stdout).toMatch(/Le\s+256 bytes/);
  });
  it('accepts hex split over several arguments and prints JSON with --json', async () => {
    const r = await run('apdu', 'parse', '80A80000', '02 8300', '00', '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ case: '4S', cla: '80', ins: 'A8', name: 'GET PROCESSING OPTIONS', lc: 2, data: '8300', le: 256 });
    expect(json.tlv[0]).toMatchObject({ tag: '83', length: 0 });
  });
  it('never shows the PIN of a VERIFY', async () => {
    const r = await run('apdu', 'parse', '0020008008247391FFFFFFFFFF', '--json');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('7391');
    expect(JSON.parse(r.stdout).data).toBe('XX'.repeat(8));
  });
  it('explains a response with --response', async () => {
    const r = await run('apdu', 'parse', '--response', '63C2');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/63C2\s+Warning: verification failed, 2 retries left/);
  });
  it('an Lc mismatch exits 2 naming the byte offset', async () => {
    expectOneLineError(await run('apdu', 'parse', '00A4040005AABB'), /Lc 5 .* at byte offset 4$/);
  });
  it('bad hex exits 2 naming the character', async () => {
    expectOneLineError(await run('apdu', 'parse', '00A4ZZ00'), /invalid hex digit 'Z' at character 4/);
  });
});

describe('emvsim atr', () => {
  it('lists the protocols (T=0) and the historical bytes', async () => {
    const r = await run('atr', '3B6800000073C84013009000');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Protocols: T=0');
    expect(r.stdout).toContain('Historical bytes (8): 0073C84013009000');
    expect(r.stdout).toContain('TCK  absent');
  });
  it('--json gives the parsed structure', async () => {
    const r = await run('atr', '3BE900008131FE454A434F503431563232A7', '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.protocols).toEqual([1]);
    expect(json.t1).toMatchObject({ ifsc: 254 });
    expect(json.tck).toBe(0xa7);
  });
  it('a wrong TCK exits 2 naming the byte offset', async () => {
    expectOneLineError(await run('atr', '3BE900008131FE454A434F503431563232A6'), /TCK A6 is wrong.* at byte offset 17$/);
  });
});

describe('emvsim trace show', () => {
  it('prints a recorded JSONL trace decoded, without the PIN', async () => {
    const card = {
      name: 'fake',
      protocol: 'T=1' as const,
      transmit: async (c: Uint8Array) => fromHex(c[1] === 0x20 ? '63C2' : '6F098407A00000000310109000'),
      coldReset: async () => fromHex('3B6800000073C84013009000'),
      warmReset: async () => fromHex('3B6800000073C84013009000'),
      close: async () => {},
    };
    const traced = new TracingTransport(card);
    await traced.coldReset();
    await exchange(traced, '00A4040007A000000003101000');
    await exchange(traced, '0020008008247391FFFFFFFFFF');
    const file = join(tmp, 'session.jsonl');
    writeFileSync(file, traced.toJsonl());
    const r = await run('trace', 'show', file);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('cold reset  ATR 3B6800000073C84013009000');
    expect(r.stdout).toContain('SELECT (by DF name, first or only occurrence)');
    expect(r.stdout).toMatch(/84 DF Name \(7\): A0000000031010/);
    expect(r.stdout).toContain('VERIFY (plaintext PIN)');
    expect(r.stdout).toMatch(/63C2 Warning: verification failed, 2 retries left/);
    expect(r.stdout).not.toContain('7391');
  });
  it('reads a JSON array of {command, response} pairs', async () => {
    const file = join(tmp, 'pairs.json');
    writeFileSync(file, JSON.stringify([{ command: '00B2010C00', response: '6A83' }]));
    const r = await run('trace', 'show', file);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('READ RECORD (record 1 of SFI 1)');
    expect(r.stdout).toContain('6A83 Checking error: record not found');
  });
  it('a bad line exits 2 naming file:line', async () => {
    const file = join(tmp, 'bad.jsonl');
    writeFileSync(file, '{"type":"apdu","command":"00A40400","response":"9000"}\n{broken\n');
    expectOneLineError(await run('trace', 'show', file), /bad\.jsonl:2: line: not JSON/);
  });
  it('a missing file exits 3 (the environment, docs/cli.md)', async () => {
    expectOneLineError(await run('trace', 'show', join(tmp, 'nope.jsonl')), /cannot read .*nope\.jsonl: ENOENT/, 3);
  });
});

describe('emvsim demo (npm start)', () => {
  it('runs and exits 0', async () => {
    const r = await run('demo');
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(0);
  });
});
