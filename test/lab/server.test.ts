import { execFile, spawnSync } from 'node:child_process';
import net from 'node:net';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernelTerminal, LabServer } from '../../src/lab/index.js';
import { faultyTerminal } from './faulty-terminals.js';

type Answer = Record<string, unknown> & { ok: boolean; error?: { field: string; message: string } };

/** A raw JSON-lines connection: send text, read answer lines. */
class Connection {
  private buffer = '';
  private waiting: ((line: string) => void)[] = [];
  private lines: string[] = [];
  readonly socket: net.Socket;
  constructor(port: number) {
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.setEncoding('utf8');
    this.socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        const w = this.waiting.shift();
        if (w) w(line);
        else this.lines.push(line);
      }
    });
  }
  next(): Promise<Answer> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(JSON.parse(line) as Answer);
    return new Promise((resolve) => this.waiting.push((l) => resolve(JSON.parse(l) as Answer)));
  }
  send(text: string): void {
    this.socket.write(text);
  }
  request(o: Record<string, unknown>): Promise<Answer> {
    this.send(JSON.stringify(o) + '\n');
    return this.next();
  }
}

let server: LabServer;
let port: number;
beforeAll(async () => {
  server = new LabServer({ terminal: kernelTerminal() });
  port = (await server.listen(0)).port;
});
afterAll(() => server.close());

describe('lab server (JSON lines over TCP)', () => {
  it('lists plans and cases, runs a case step by step and gives the verdict with the decoded log', async () => {
    const c = new Connection(port);
    const list = await c.request({ id: 1, op: 'list' });
    expect(list.ok).toBe(true);
    const plans = list.plans as { name: string; cases: { id: string }[] }[];
    expect(plans.find((p) => p.name === 'contact-terminal')!.cases.length).toBeGreaterThanOrEqual(60);
    expect((await c.request({ id: 2, op: 'select', plan: 'contact-terminal', case: 'cvm-no-verify-after-63c0' })).selected).toMatchObject({ case: 'cvm-no-verify-after-63c0', transaction: { pin: ['1111', '1234'] } });
    expect(await c.request({ id: 3, op: 'insert' })).toMatchObject({ id: 3, ok: true, inserted: true, reader: '(in-process)' });
    expect(await c.request({ id: 4, op: 'wait', timeoutMs: 20000 })).toMatchObject({ ok: true, done: true });
    const verdict = await c.request({ id: 5, op: 'verdict' });
    expect(verdict).toMatchObject({ id: 5, ok: true, verdict: 'pass', case: 'cvm-no-verify-after-63c0' });
    expect((verdict.log as string[]).join('\n')).toMatch(/VERIFY -> 63C0/);
    expect(await c.request({ id: 6, op: 'remove' })).toMatchObject({ ok: true, removed: true });
    c.socket.destroy();
  });

  it("a case with two runs ('run' op); in-process the terminal's own output is judged", async () => {
    const c = new Connection(port);
    const r = await c.request({ op: 'run', plan: 'contact-terminal', case: 'data-un-differs', timeoutMs: 20000 });
    expect(r).toMatchObject({ ok: true, verdict: 'pass' });
    await c.request({ op: 'select', plan: 'contact-terminal', case: 'onl-issuer-declines' });
    await c.request({ op: 'insert' });
    await c.request({ op: 'wait' });
    const v = await c.request({ op: 'verdict' });
    expect(v.verdict).toBe('pass');
    c.socket.destroy();
  });

  it('answers garbage with errors naming the field and keeps serving', async () => {
    const c = new Connection(port);
    const cases: [string, string, RegExp][] = [
      ['not json at all\n', '(line)', /not JSON/],
      ['[1,2,3]\n', '(line)', /JSON object/],
      ['{"id":7}\n', 'op', /'op' must be a non-empty string/],
      ['{"op":"fly"}\n', 'op', /unknown op 'fly'/],
      ['{"op":"select","plan":"contact-terminal"}\n', 'case', /'case' must be/],
      ['{"op":"select","plan":"contact-terminal","case":"no-such-case"}\n', 'case', /no case 'no-such-case'/],
      ['{"op":"select","plan":"../../etc/passwd","case":"x"}\n', 'plan', /no plan/],
      ['{"op":"insert"}\n', 'op', /select a case first/],
      ['{"op":"wait"}\n', 'op', /no card inserted/],
      ['{"op":"list","plan":42}\n', 'plan', /must be a non-empty string/],
      ['{"op":"wait","timeoutMs":"soon"}\n', 'timeoutMs', /./],
      ['\u0000\u00ff\u0001garbage\n', '(line)', /not JSON/],
    ];
    for (const [text, field, message] of cases) {
      c.send(text);
      const a = await c.next();
      expect(a.ok, text).toBe(false);
      if (field === 'timeoutMs') {
        expect(a.error!.field).toMatch(/op|timeoutMs/);
        continue;
      }
      expect(a.error!.field, text).toBe(field);
      expect(a.error!.message, text).toMatch(message);
    }
    c.send('x'.repeat(70 * 1024));
    expect((await c.next()).error!.message).toMatch(/line longer than/);
    c.send('\n');
    expect(await c.request({ id: 'still-alive', op: 'ping' })).toEqual({ id: 'still-alive', ok: true, pong: true });
    c.socket.destroy();
    // A client that drops in the middle of a case does not hurt the next one.
    const d = new Connection(port);
    await d.request({ op: 'select', plan: 'contact-terminal', case: 'oda-dda' });
    await d.request({ op: 'insert' });
    d.socket.destroy();
    const e = new Connection(port);
    expect(await e.request({ op: 'ping' })).toMatchObject({ ok: true });
    e.socket.destroy();
  });

  it('survives random lines and random requests (property test), answering each with one JSON line', async () => {
    const c = new Connection(port);
    const ops = fc.constantFrom('ping', 'list', 'select', 'insert', 'wait', 'verdict', 'remove', 'run', 'nope', '', 42, null);
    const request = fc.record({ op: ops, plan: fc.oneof(fc.string(), fc.integer(), fc.constant(null)), case: fc.oneof(fc.string(), fc.constant([])), timeoutMs: fc.oneof(fc.integer(), fc.string()), terminal: fc.anything() }, { requiredKeys: ['op'] });
    const line = fc.oneof(fc.string({ maxLength: 200 }).map((t) => t.replace(/\n/g, ' ')), request.map((r) => JSON.stringify(r)));
    await fc.assert(
      fc.asyncProperty(line, async (text) => {
        if (text.trim() === '') return;
        c.send(text + '\n');
        const a = await c.next();
        expect(typeof a.ok).toBe('boolean');
        if (!a.ok) expect(a.error!.field.length).toBeGreaterThan(0);
      }),
      { numRuns: 300, seed: 14 },
    );
    expect(await c.request({ op: 'ping' })).toMatchObject({ ok: true, pong: true });
    c.socket.destroy();
  });

  it('a faulty terminal behind the server gets a failing verdict naming the fault', async () => {
    const faulty = new LabServer({ terminal: faultyTerminal('skips-external-authenticate') });
    const p = (await faulty.listen(0)).port;
    try {
      const c = new Connection(p);
      const r = await c.request({ op: 'run', plan: 'contact-terminal', case: 'onl-external-authenticate' });
      expect(r.verdict).toBe('fail');
      expect(JSON.stringify(r.findings)).toContain('skips EXTERNAL AUTHENTICATE');
      c.socket.destroy();
    } finally {
      await faulty.close();
    }
  });
});

const python = spawnSync('python3', ['--version']).status === 0;
describe.skipIf(!python)('the Python example client (stdlib only)', () => {
  it('lists, selects, inserts, waits and fetches the verdicts', async () => {
    const { stdout } = await promisify(execFile)('python3', ['examples/lab-client/client.py', '--port', String(port), '--case', 'cvm-offline-pin-ok', '--case', 'data-un-differs'], { timeout: 60_000 });
    expect(stdout).toMatch(/plan contact-terminal: \d+ cases/);
    expect(stdout).toMatch(/cvm-offline-pin-ok: amount 8.00, PIN 1234, 1 run\(s\)/);
    expect(stdout.match(/verdict: pass/g)).toHaveLength(2);
  });
});

describe('the Node example client', () => {
  it('runs a case and exits 0 on pass', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['examples/lab-client/client.mjs', '--port', String(port), '--case', 'trm-new-card'], { timeout: 60_000 });
    expect(stdout).toMatch(/trm-new-card: card in \(in-process\)/);
    expect(stdout).toMatch(/verdict: pass/);
  });
});
