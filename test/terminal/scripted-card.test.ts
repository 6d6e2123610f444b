/**
 * Branches the emulated card does not reach, with a small scripted card:
 * application selection (PSE 6A82, priorities, confirmation, 6283 blocked,
 * partial match with next occurrence), Book 3 §10.2 redundant or missing
 * data, invalid GENERATE AC answers; and issuer scripts (71/72) with 9F5B.
 */
import { describe, expect, it } from 'vitest';
import { type Bytes, ascii, concat, fromHex, toHex } from '../../src/apdu/bytes.js';
import { encodeTlv } from '../../src/apdu/tlv.js';
import type { CardTransport } from '../../src/apdu/transport.js';
import { ScriptedHost } from '../../src/testing/index.js';
import { card, hostFor, minimalCardRecord, run, scriptedTransport, terminal } from './harness.js';

const ok = (data: Bytes) => concat(data, fromHex('9000'));
const sw = (s: string) => fromHex(s);

interface AppSpec {
  aid: string;
  label: string;
  priority?: number;
  selectSw?: string;
}

/** A minimal card: no ODA, no CVM (AIP 0000), CDOL1/2 with amount and UN, format 1 GENERATE AC. */
function scriptedCard(o: { pse?: AppSpec[]; apps: AppSpec[]; records?: Bytes[]; cid?: number; gpo?: (aid: string) => Bytes }): CardTransport & { log: string[] } {
  let selected = '';
  const occurrence = new Map<string, number>();
  const fci = (a: AppSpec) =>
    encodeTlv('6F', [
      { tag: '84', value: fromHex(a.aid) },
      { tag: 'A5', children: [{ tag: '50', value: ascii(a.label) }, ...(a.priority !== undefined ? [{ tag: '87', value: Uint8Array.of(a.priority) }] : [])] },
    ]);
  const records = o.records ?? [minimalCardRecord()];
  return scriptedTransport('scripted card', (c) => {
    const ins = c[1];
    if (ins === 0xa4) {
      const name = toHex(c.subarray(5, 5 + c[4]!));
      if (name === toHex(ascii('1PAY.SYS.DDF01'))) {
        if (!o.pse) return sw('6A82');
        return ok(encodeTlv('6F', [{ tag: '84', value: ascii('1PAY.SYS.DDF01') }, { tag: 'A5', children: [{ tag: '88', value: Uint8Array.of(1) }] }]));
      }
      // Partial selection: P2 = 02 returns the next application whose AID starts with the name.
      const matches = o.apps.filter((a) => a.aid.startsWith(name));
      const n = c[3] === 0x02 ? (occurrence.get(name) ?? 0) + 1 : 0;
      occurrence.set(name, n);
      const a = matches[n];
      if (!a) return sw('6A82');
      selected = a.aid;
      return concat(fci(a), sw(a.selectSw ?? '9000'));
    }
    if (ins === 0xb2) {
      const rec = c[2]!;
      const sfi = c[3]! >> 3;
      if (sfi === 1 && o.pse) {
        if (rec > 1) return sw('6A83');
        return ok(encodeTlv('70', o.pse.map((a) => ({ tag: '61', children: [{ tag: '4F', value: fromHex(a.aid) }, { tag: '50', value: ascii(a.label) }, ...(a.priority !== undefined ? [{ tag: '87', value: Uint8Array.of(a.priority) }] : [])] }))));
      }
      const r = records[rec - 1];
      return r ? ok(r) : sw('6A83');
    }
    if (ins === 0xa8) return o.gpo ? o.gpo(selected) : ok(encodeTlv('80', fromHex(`0000 ${toHex(Uint8Array.of(0x10))}01${toHex(Uint8Array.of(records.length))}00`)));
    if (ins === 0xca) return sw('6A88');
    if (ins === 0xae) {
      const requested = c[2]! & 0xc0;
      return ok(encodeTlv('80', concat(Uint8Array.of(o.cid ?? requested), fromHex('0001'), fromHex('1122334455667788'))));
    }
    return sw('6D00');
  });
}

const cfg = (delta = {}) =>
  terminal('eu-pos-pin', delta, { randomSelection: { thresholdMinor: 0, targetPercent: 0, maxTargetPercent: 0 } });

describe('application selection (Book 1 §12)', () => {
  it('PSE absent (6A82): the list of AIDs is used', async () => {
    const c = scriptedCard({ apps: [{ aid: 'A0000000031010', label: 'VISA' }] });
    const { outcome } = await run({ transport: c, config: cfg() });
    expect(outcome.application?.aid).toBe('A0000000031010');
    expect(c.log.filter((l) => l.startsWith('00A40400')).length).toBeGreaterThan(1);
  });
  it('several candidates: ordered by priority, the cardholder chooses', async () => {
    const apps = [{ aid: 'A0000000041010', label: 'MC', priority: 2 }, { aid: 'A0000000031010', label: 'VISA', priority: 1 }];
    const c = scriptedCard({ pse: apps, apps });
    const { outcome, cardholder } = await run({ transport: c, config: cfg() });
    expect(cardholder.choices[0]!.map((x) => x.label)).toEqual(['VISA', 'MC']);
    expect(outcome.application?.aid).toBe('A0000000031010');
  });
  it('priority 0 (no priority) sorts after numbered priorities', async () => {
    const apps = [{ aid: 'A0000000041010', label: 'MC', priority: 0 }, { aid: 'A0000000031010', label: 'VISA', priority: 5 }];
    const c = scriptedCard({ pse: apps, apps });
    const { cardholder } = await run({ transport: c, config: cfg(), cardholder: { pins: [], choose: 1 } });
    expect(cardholder.choices[0]!.map((x) => x.label)).toEqual(['VISA', 'MC']);
  });
  it('a single application requiring confirmation, refused: terminated', async () => {
    const apps = [{ aid: 'A0000000031010', label: 'VISA', priority: 0x81 }];
    const c = scriptedCard({ pse: apps, apps });
    const { outcome } = await run({ transport: c, config: cfg(), cardholder: { confirm: false } });
    expect(outcome.outcome).toBe('terminated');
  });
  it('a single application requiring confirmation, confirmed', async () => {
    const apps = [{ aid: 'A0000000031010', label: 'VISA', priority: 0x81 }];
    const c = scriptedCard({ pse: apps, apps });
    const { outcome } = await run({ transport: c, config: cfg() });
    expect(outcome.outcome).not.toBe('terminated');
  });
  it('blocked application (6283) is skipped, the other one is used', async () => {
    const c = scriptedCard({ apps: [{ aid: 'A0000000031010', label: 'VISA', selectSw: '6283' }, { aid: 'A0000000041010', label: 'MC' }] });
    const { outcome } = await run({ transport: c, config: cfg({ usePse: false }) });
    expect(outcome.application?.aid).toBe('A0000000041010');
    expect(outcome.steps[0]!.decisions.some((d) => /blocked \(6283\)/.test(d.text))).toBe(true);
  });
  it('partial selection finds every occurrence (SELECT next)', async () => {
    const apps = [{ aid: 'A000000003101001', label: 'VISA 1', priority: 2 }, { aid: 'A000000003101002', label: 'VISA 2', priority: 1 }];
    const c = scriptedCard({ apps });
    const config = cfg({ usePse: false });
    config.applications = config.applications.filter((a) => a.aid === 'A0000000031010');
    const { cardholder } = await run({ transport: c, config });
    expect(cardholder.choices[0]!.map((x) => x.aid)).toEqual(['A000000003101002', 'A000000003101001']);
    expect(c.log.some((l) => l.startsWith('00A40402'))).toBe(true);
  });
  it('GPO 6985 removes the application and selects the next candidate', async () => {
    const apps = [{ aid: 'A0000000031010', label: 'VISA', priority: 1 }, { aid: 'A0000000041010', label: 'MC', priority: 2 }];
    const base = scriptedCard({ apps });
    const c = scriptedCard({ apps, gpo: (aid) => (aid === 'A0000000031010' ? sw('6985') : ok(encodeTlv('80', fromHex('0000 08010100')))) });
    void base;
    const { outcome } = await run({ transport: c, config: cfg({ usePse: false }) });
    expect(outcome.application?.aid).toBe('A0000000041010');
    expect(outcome.transitions.filter((t) => t.to === 'application-selection').length).toBeGreaterThanOrEqual(3);
  });
});

describe('read application data (Book 3 §10.2)', () => {
  const apps = [{ aid: 'A0000000031010', label: 'VISA' }];
  it('redundant primitive data terminates', async () => {
    const rec = encodeTlv('70', [{ tag: '5A', value: fromHex('4761739001010010') }, { tag: '5F24', value: fromHex('291231') }, { tag: '8C', value: fromHex('9F0206') }, { tag: '8D', value: fromHex('8A02') }]);
    const dup = encodeTlv('70', [{ tag: '5A', value: fromHex('4761739001010010') }]);
    const { outcome } = await run({ transport: scriptedCard({ apps, records: [rec, dup] }), config: cfg() });
    expect(outcome.outcome).toBe('terminated');
    expect(outcome.reason).toMatch(/redundant data: tag 5A/);
  });
  for (const missing of ['5A', '5F24', '8C', '8D']) {
    it(`missing mandatory ${missing} terminates`, async () => {
      const all = [{ tag: '5A', value: fromHex('4761739001010010') }, { tag: '5F24', value: fromHex('291231') }, { tag: '8C', value: fromHex('9F0206') }, { tag: '8D', value: fromHex('8A02') }];
      const rec = encodeTlv('70', all.filter((t) => t.tag !== missing));
      const { outcome } = await run({ transport: scriptedCard({ apps, records: [rec] }), config: cfg() });
      expect(outcome.outcome).toBe('terminated');
      expect(outcome.reason).toContain(`(${missing})`);
    });
  }
  it('a record that is not a 70 template terminates (SFI 1-10)', async () => {
    const { outcome } = await run({ transport: scriptedCard({ apps, records: [encodeTlv('71', fromHex('5A01FF'))] }), config: cfg() });
    expect(outcome.outcome).toBe('terminated');
  });
});

describe('GENERATE AC answers (Book 3 §6.5.5.4)', () => {
  const apps = [{ aid: 'A0000000031010', label: 'VISA' }];
  it('a TC answered to an ARQC request terminates', async () => {
    const { outcome } = await run({ transport: scriptedCard({ apps, cid: 0x40 }), config: cfg({}), request: { amountMinor: 9000 } });
    expect(outcome.outcome).toBe('terminated');
    expect(outcome.reason).toMatch(/answered TC to a request for ARQC/);
  });
  it('a reserved CID (C0) terminates', async () => {
    const { outcome } = await run({ transport: scriptedCard({ apps, cid: 0xc0 }), config: cfg() });
    expect(outcome.outcome).toBe('terminated');
  });
  it('AAC to a TC request: declined offline Z1', async () => {
    const { outcome } = await run({ transport: scriptedCard({ apps, cid: 0x00 }), config: cfg() });
    expect(outcome.outcome).toBe('declined');
    expect(outcome.authorisationResponseCode).toBe('Z1');
    expect(outcome.tvr.slice(0, 2)).toBe('80'); // ODA not performed (AIP 0000)
  });
});

describe('issuer scripts (Book 3 §10.10)', () => {
  const script = (tag: '71' | '72', id: string, commands: string[]) =>
    encodeTlv(tag, [{ tag: '9F18', value: fromHex(id) }, ...commands.map((c) => ({ tag: '86', value: fromHex(c) }))]);
  it('script 71 succeeds, script 72 fails on its second command: TVR, TSI and 9F5B', async () => {
    const c = card();
    const host = hostFor(c, { issuerScripts: [script('71', '00000001', ['80CA9F1700']), script('72', '00000002', ['80CA9F1700', '84DA9F580501020304050000'])] });
    const { outcome } = await run({ transport: c, host, request: { amountMinor: 6000 } });
    expect(outcome.outcome).toBe('approved');
    const tvr5 = parseInt(outcome.tvr.slice(8, 10), 16);
    expect(tvr5 & 0x20).toBe(0); // before final GENERATE AC: fine
    expect(tvr5 & 0x10).toBe(0x10); // after final GENERATE AC: failed
    expect(parseInt(outcome.tsi.slice(0, 2), 16) & 0x04).toBe(0x04);
    // 9F5B: script 1 successful (2x), script 2 failed at command 2 (12).
    expect(outcome.issuerScriptResults).toBe('2000000001' + '1200000002');
  });
  it('a script 71 whose command fails sets "failed before final GENERATE AC"', async () => {
    const c = card();
    const host = hostFor(c, { issuerScripts: [script('71', '0000000A', ['84DA9F580501020304050000'])] });
    const { outcome } = await run({ transport: c, host, request: { amountMinor: 6000 } });
    expect(parseInt(outcome.tvr.slice(8, 10), 16) & 0x20).toBe(0x20);
    expect(outcome.issuerScriptResults).toBe('110000000A');
  });
  it('no scripts: TSI script bit clear', async () => {
    const c = card();
    const { outcome } = await run({ transport: c, host: hostFor(c), request: { amountMinor: 6000 } });
    expect(parseInt(outcome.tsi.slice(0, 2), 16) & 0x04).toBe(0);
    expect(outcome.issuerScriptResults).toBeUndefined();
  });
  it('the host is given full chip data and a format 0 PIN block for online PIN', async () => {
    const c = card('visa-cvn18', { cvmList: '00000000 00000000 4203' });
    const host = hostFor(c);
    await run({ transport: c, host, request: { amountMinor: 6000 } });
    const req = host.requests[0]!;
    for (const t of ['9F26', '9F27', '9F10', '9F36', '95', '9F37', '82', '9F02', '5F2A', '9A', '9C', '9F34']) expect(req.iccData.has(t), t).toBe(true);
    expect(req.pinBlock?.format).toBe(0);
    expect(req.posEntryMode).toBe('051');
    expect(new ScriptedHost({ mode: 'approve' }).requests).toEqual([]);
  });
});
