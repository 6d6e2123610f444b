/**
 * `emvsim transact --host HOST:PORT`: the transact command function against a
 * real ISO 8583 issuer host (src/issuer/server.ts) on an ephemeral loopback
 * port; the host's ledger books what the terminal was told. An unreachable
 * host takes Book 3 §10.9 "unable to go online" (default action analysis,
 * ARC Z3 when TVR & TAC-default match). Also: the step printer, `emvsim host`'s
 * default rules.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { fromHex, toHex, xor } from '../../src/apdu/bytes.js';
import { runTransact, type TransactOptions } from '../../src/cli/commands/transact.js';
import { rulesFileOf, shippedRulesPath } from '../../src/cli/host/serve.js';
import { loadCard, loadProfile, newCardFile } from '../../src/card/index.js';
import { createInProcessHost, Iso8583HostClient, Iso8583Server, ledgerRows, loadRules, reconcile, type IssuerHost } from '../../src/issuer/index.js';
import { stanCounter } from '../../src/terminal/environment.js';
import { card, run } from './harness.js';

const base: TransactOptions = { terminal: 'eu-pos-pin', type: 'goods', json: false, seed: 1, trace: false, forceOnline: false, amount: '60.00', pin: ['1234'] };
const dir = mkdtempSync(path.join(tmpdir(), 'emvsim-transact-host-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let running: { server: Iso8583Server; issuer: IssuerHost } | undefined;
afterEach(async () => {
  await running?.server.close();
  running?.issuer.db.close();
  running = undefined;
});

/** `emvsim host --listen 127.0.0.1:0` in this process: the shipped cards, no enrolment of unknown PANs. */
async function startHost(macKeys?: Map<string, Uint8Array>): Promise<{ address: string; issuer: IssuerHost }> {
  const issuer = createInProcessHost({ enrolUnknownCards: false });
  const server = new Iso8583Server({ host: issuer, ...(macKeys ? { macKeys } : {}) });
  const { port } = await server.listen(0, '127.0.0.1');
  running = { server, issuer };
  return { address: `127.0.0.1:${port}`, issuer };
}

describe('emvsim transact --host (ISO 8583 over TCP)', () => {
  it('demo card, offline PIN, 60.00 online: approved by the TCP host, the ledger holds the amount', async () => {
    const { address, issuer } = await startHost();
    const lines: string[] = [];
    const o = await runTransact({ ...base, host: address }, (l) => lines.push(l));
    expect(lines[0]).toBe(`Host: ISO 8583 to ${address}`);
    expect(o.outcome).toBe('approved');
    expect(o.authorisationResponseCode).toBe('00');
    const rows = ledgerRows(issuer.db);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'authorisation', pan: '4761739001010010', terminalId: 'EMVPOS01', amountMinor: 6000, responseCode: '00' });
    expect(reconcile(issuer.db).reduce((sum, a) => sum + a.heldMinor, 0)).toBe(6000);
  });

  it('online PIN on a PIN-blocked card file: approved, PIN UNBLOCK in 72 resets the saved card, 9F5B successful', async () => {
    const { address } = await startHost();
    const file = path.join(dir, 'pin-blocked.json');
    newCardFile(loadProfile('pin-blocked'), file, { seed: 'pin-blocked', freshIccKey: false });
    const lines: string[] = [];
    const o = await runTransact({ ...base, card: file, amount: '12.34', host: address }, (l) => lines.push(l));
    expect(o.outcome).toBe('approved');
    expect(o.cvmResults).toBe('420300');
    expect(o.issuerScriptResults).toMatch(/^20[0-9A-F]{8}$/);
    expect(lines).toContain(`script results ${o.issuerScriptResults}`);
    expect(loadCard(file).state.pinTryCounter).toBe(3);
    // The clear format 0 block (ISO 9564-1 §9.3.1) appears nowhere in what was printed or in the outcome.
    const pan = loadCard(file).secrets.pan;
    const clear = toHex(xor(fromHex('041234FFFFFFFFFF'), fromHex('0000' + pan.slice(0, -1).slice(-12))));
    expect((lines.join('\n') + JSON.stringify(o)).toUpperCase()).not.toContain(clear);
  });

  it('wrong online PIN over TCP: 55, 55, then 75 from the issuer counter', async () => {
    const { address } = await startHost();
    const client = new Iso8583HostClient({ port: Number(address.split(':')[1]), timeoutMs: 2000 });
    const c = card('visa-cvn18', { cvmList: '00000000 00000000 4203' }, 'visa-cvn18');
    const stan = stanCounter(100);
    const codes: (string | undefined)[] = [];
    try {
      for (const pin of ['1111', '2222', '3333']) codes.push((await run({ transport: c, host: client, stan, cardholder: { pins: [pin] } })).outcome.authorisationResponseCode);
    } finally {
      client.close();
    }
    expect(codes).toEqual(['55', '55', '75']);
  });

  it('with a terminal MAC key the host that requires it approves', async () => {
    const key = '00112233445566778899AABBCCDDEEFF';
    const { address } = await startHost(new Map([['EMVPOS01', fromHex(key)]]));
    const o = await runTransact({ ...base, host: address, macKey: key }, () => {});
    expect(o.authorisationResponseCode).toBe('00');
  });

  it('unreachable host: unable to go online, TAC-default matches "floor limit exceeded": AAC, ARC Z3', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const o = await runTransact({ ...base, host: `127.0.0.1:${port}`, hostTimeoutMs: 500 }, () => {});
    expect(o.outcome).toBe('declined');
    expect(o.authorisationResponseCode).toBe('Z3');
    expect(o.cryptogram).toBe('AAC');
    const online = o.steps.find((s) => s.name === 'online-processing')!;
    expect(online.decisions.map((d) => d.text).join('\n')).toMatch(/unable to go online \(.*\): default action analysis decides/);
  });

  it('refuses --host with --online, a bad address, and --mac-key without --host or of the wrong length', async () => {
    await expect(runTransact({ ...base, host: '127.0.0.1:1', online: 'approve' }, () => {})).rejects.toThrow(/--host/);
    await expect(runTransact({ ...base, host: 'nowhere' }, () => {})).rejects.toThrow(/'nowhere' is not host:port/);
    await expect(runTransact({ ...base, macKey: '00'.repeat(16) }, () => {})).rejects.toThrow(/--mac-key: a MAC key is for the ISO 8583 link/);
    await expect(runTransact({ ...base, host: '127.0.0.1:1', macKey: '0011' }, () => {})).rejects.toThrow(/not a 16-byte key/);
  });
});

describe('the step printer', () => {
  it('prints each step header once; the outcome keeps the application-selection self-transition', async () => {
    const lines: string[] = [];
    const o = await runTransact({ ...base, online: 'approve' }, (l) => lines.push(l));
    expect(lines.filter((l) => l === '> application-selection')).toHaveLength(1);
    expect(o.transitions.some((t) => t.from === 'application-selection' && t.to === 'application-selection')).toBe(true);
  });
});

describe('emvsim host --rules', () => {
  it('loads the shipped scripts/issuer/rules.yaml by default; none / --no-rules disable it', () => {
    expect(rulesFileOf(undefined)).toBe(shippedRulesPath());
    const rules = loadRules(shippedRulesPath()).rules;
    expect(rules.length).toBe((readFileSync(shippedRulesPath(), 'utf8').match(/^\s*- name:/gm) ?? []).length);
    expect(rules.length).toBeGreaterThan(0);
    expect(rulesFileOf('none')).toBeUndefined();
    expect(rulesFileOf(false)).toBeUndefined();
    expect(rulesFileOf('my-rules.yaml')).toBe('my-rules.yaml');
  });
});

describe('emvsim transact --host with the wrong --mac-key', () => {
  it('reports the MAC failure as such, not as "no answer"', async () => {
    const { address } = await startHost(new Map([['EMVPOS01', fromHex('0123456789ABCDEFFEDCBA9876543210')]]));
    const lines: string[] = [];
    const o = await runTransact({ ...base, host: address, macKey: '11111111111111111111111111111111', hostTimeoutMs: 300 }, (l) => lines.push(l));
    const text = lines.join('\n');
    expect(text).toMatch(/response code 63, security violation.*MAC does not verify under the terminal MAC key.*check the MAC key \(--mac-key\)/);
    expect(text).not.toMatch(/no answer from/);
    expect(o.outcome).not.toBe('approved');
  });
});
