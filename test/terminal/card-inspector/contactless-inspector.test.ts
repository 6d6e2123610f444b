/** The contactless inspector against the emulated contactless card, and against fuzzed card answers. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { type Bytes, fromHex, toHex } from '../../../src/apdu/bytes.js';
import { EmvsimError, TransportError } from '../../../src/apdu/errors.js';
import type { CardTransport, Protocol } from '../../../src/apdu/transport.js';
import { createCard } from '../../../src/card/index.js';
import { formatInspection, inspectContactless, inspectionToJson } from '../../../src/terminal/card-inspector/index.js';
import { appFci, ppseFci } from '../entry-point/fixtures.js';

const fixed = { terminal: { unpredictableNumber: '01020304', date: '261204' } };

describe('inspector on the emulated contactless card (contactless-dual)', () => {
  it('selects by priority, sends the PDOL data, reads every AFL record and verifies DDA (Book 2 §6.5)', async () => {
    const card = createCard({ profile: 'contactless-dual', interface: 'contactless', seed: 5 });
    const r = await inspectContactless(card, fixed);
    expect(r.atr.startsWith('3B8E8001')).toBe(true);
    expect(r.entryPoint.directory.map((d) => d.adfName && toHex(d.adfName))).toEqual(['A0000000031010', 'A0000000032010']);
    const app = r.application!;
    expect(app.adfName).toBe('A0000000031010');
    // PDOL 9F66 04 9F02 06 9F03 06 9F1A 02 5F2A 02 9A 03 9C 01 9F37 04 filled from the terminal data.
    expect(app.pdolData).toBe('27000000' + '000000000100' + '000000000000' + '0276' + '0978' + '261204' + '00' + '01020304');
    expect(app.gpo.sw).toBe('9000');
    expect(app.records.map((x) => `${x.sfi}:${x.record}:${x.sw}:${x.oda}`)).toEqual(['1:1:9000:false', '2:1:9000:true', '2:2:9000:true', '3:1:9000:false', '3:2:9000:false']);
    expect(app.oda?.method).toBe('DDA');
    expect(app.oda?.verdict).toBe('verified');
    expect(r.entryPoint.outcome.parameters.status).toBe('n/a');
  });

  it('masks the PAN everywhere by default (text and JSON, decoded and hex) and shows it with showPan', async () => {
    const card = createCard({ profile: 'contactless-dual', interface: 'contactless', seed: 5 });
    const pan = card.secrets.pan;
    const r = await inspectContactless(card, fixed);
    const text = formatInspection(r);
    const json = JSON.stringify(inspectionToJson(r));
    expect(text).not.toContain(pan);
    expect(json).not.toContain(pan);
    expect(text).toContain(`${pan.slice(0, 6)}******${pan.slice(-4)}`);
    expect(formatInspection(r, { showPan: true })).toContain(pan);
    expect(text).toContain('not an EMV contactless kernel');
  });

  it('sets TTQ byte 2 b7 "CVM required" above the CVM required limit (Book B §3.1.1.12) and sends that copy', async () => {
    const card = createCard({ profile: 'contactless-dual', interface: 'contactless', seed: 5 });
    const r = await inspectContactless(card, { ...fixed, terminal: { ...fixed.terminal, amount: 5000 }, combinations: [{ aid: 'A000000003', kernelId: '03', ttq: '27000000', readerCvmRequiredLimit: 3000 }] });
    expect(r.application!.terminalData['9F66']).toBe('27400000');
  });

  it('a CDA card: certificates verified, no GENERATE AC sent', async () => {
    const card = createCard({ profile: 'contactless-dual', interface: 'contactless', seed: 6, overrides: { oda: 'cda' } });
    const sent: string[] = [];
    const spy: CardTransport = { name: 'spy', protocol: 'T=1', transmit: async (c) => (sent.push(toHex(c)), card.transmit(c)), coldReset: () => card.coldReset(), warmReset: () => card.warmReset(), close: () => card.close() };
    const r = await inspectContactless(spy, fixed);
    expect(r.application!.oda).toMatchObject({ method: 'CDA', verdict: 'certificates verified' });
    expect(sent.some((c) => c.startsWith('80AE'))).toBe(false);
  });

  it('over contact the same card has no PPSE: End Application (Book B §3.3.2.3, §3.3.2.7)', async () => {
    const r = await inspectContactless(createCard({ profile: 'contactless-dual', seed: 5 }), fixed);
    expect(r.application).toBeUndefined();
    expect(r.entryPoint.outcome.parameters.status).toBe('end-application');
  });
});

/** A card whose answers are drawn by fast-check: PPSE, SELECT, GPO and READ RECORD. */
class FuzzCard implements CardTransport {
  readonly name = 'fuzz card';
  readonly protocol: Protocol = 'T=1';
  private n = 0;
  constructor(private readonly answers: Bytes[]) {}
  async transmit(): Promise<Bytes> {
    return this.answers[this.n++ % this.answers.length]!;
  }
  async coldReset(): Promise<Bytes> {
    return fromHex('3B8080010101');
  }
  async warmReset(): Promise<Bytes> {
    return this.coldReset();
  }
  async close(): Promise<void> {}
}

describe('fuzzed PPSE / FCI / GPO / record answers never crash the inspector', () => {
  const ppse = fromHex(ppseFci([{ aid: 'A0000000031010', priority: 1, kernelId: '03' }, { aid: 'A0000000041010', kernelId: '02' }]) + '9000');
  const fci = fromHex(appFci('A0000000031010', '9F66049F02069F3704') + '9000');
  const gpo = fromHex('770E8202200094080801010010010200' + '9000');
  const mutate = (b: Bytes) =>
    fc.tuple(fc.integer({ min: 0, max: b.length - 1 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: b.length })).map(([at, v, cut]) => {
      const out = b.slice(0, Math.max(cut, 0));
      if (at < out.length) out[at] = v;
      return out;
    });
  const keepOrMutate = (b: Bytes) => fc.oneof(fc.constant(b), mutate(b));
  const record = fc.oneof(fc.constant(fromHex('70035F2001419000')), fc.uint8Array({ maxLength: 40 }));
  // The card answers in the order Entry Point and the inspector ask: PPSE, SELECT, GPO, records.
  const answers = fc.tuple(keepOrMutate(ppse), keepOrMutate(fci), keepOrMutate(gpo), fc.array(record, { maxLength: 4 })).map(([a, b, c, d]) => [a, b, c, ...d]);

  it('ends with a result or a typed EmvsimError', async () => {
    const seen = { results: 0, applications: 0, errors: 0 };
    await fc.assert(
      fc.asyncProperty(answers, async (answers) => {
        try {
          const r = await inspectContactless(new FuzzCard(answers), fixed);
          seen.results++;
          if (r.application) seen.applications++;
          expect(typeof formatInspection(r)).toBe('string');
          expect(JSON.stringify(inspectionToJson(r)).length).toBeGreaterThan(0);
        } catch (err) {
          seen.errors++;
          expect(err).toBeInstanceOf(EmvsimError);
        }
      }),
      { numRuns: 400, seed: 1616 },
    );
    // The inputs reach every stage: outcomes without an application, applications read, typed errors.
    expect(seen.applications).toBeGreaterThan(10);
    expect(seen.results - seen.applications).toBeGreaterThan(10);
    expect(seen.errors).toBeGreaterThan(0);
  });
});

describe('a DDA card that refuses INTERNAL AUTHENTICATE over contactless', () => {
  it('reports the certificates and the refusal, not a failed DDA', async () => {
    const card = createCard({ profile: 'contactless-dual', interface: 'contactless', seed: 5 });
    const refusing: CardTransport = {
      name: 'refusing', protocol: 'T=1',
      transmit: async (c) => (c[1] === 0x88 ? fromHex('6D00') : card.transmit(c)),
      coldReset: () => card.coldReset(), warmReset: () => card.warmReset(), close: () => card.close(),
    };
    const r = await inspectContactless(refusing, fixed);
    expect(r.application?.oda).toMatchObject({ method: 'DDA', verdict: 'certificates verified' });
    expect(r.application?.oda?.notes.join()).toMatch(/INTERNAL AUTHENTICATE answered 6D00/);
  });

  it('a reader time-out during INTERNAL AUTHENTICATE gives certificates only with the reason', async () => {
    const card = createCard({ profile: 'contactless-dual', interface: 'contactless', seed: 5 });
    const slow: CardTransport = {
      name: 'slow', protocol: 'T=1',
      transmit: async (c) => {
        if (c[1] === 0x88) throw new TransportError('TIMEOUT', 'slow: no answer within 2000 ms');
        return card.transmit(c);
      },
      coldReset: () => card.coldReset(), warmReset: () => card.warmReset(), close: () => card.close(),
    };
    const r = await inspectContactless(slow, fixed);
    expect(r.application?.oda?.verdict).toBe('certificates verified');
    expect(r.application?.oda?.notes.join()).toMatch(/no answer within 2000 ms/);
  });
});
