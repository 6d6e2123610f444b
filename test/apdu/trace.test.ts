/** The tracing decorator, PIN masking, JSONL round trip and the text formatter. */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/apdu/bytes.js';
import { DocumentError } from '../../src/apdu/errors.js';
import { exchange } from '../../src/apdu/exchange.js';
import {
  TracingTransport,
  maskCommandHex,
  parseMaskedHex,
  parseTraceJsonl,
  toJsonl,
  type TraceExchange,
} from '../../src/apdu/trace.js';
import { formatTrace } from '../../src/apdu/trace-format.js';
import { commandName, describeReferenceControl } from '../../src/apdu/command-names.js';
import type { CardTransport } from '../../src/apdu/transport.js';

const FCI = '6F1A840E315041592E5359532E4444463031A5088801025F2D02656E';
const PIN_BLOCK = '247391FFFFFFFFFF'; // ISO 9564 format 2, PIN 7391 (Book 3 §6.5.12)
const VERIFY = '0020008008' + PIN_BLOCK;

/** A small card: answers by command prefix. */
function fakeCard(answers: Record<string, string>): CardTransport {
  return {
    name: 'fake card',
    protocol: 'T=1',
    async transmit(command) {
      const hex = toHex(command);
      const key = Object.keys(answers).find((k) => hex.startsWith(k));
      return fromHex(key ? answers[key]! : '6D00');
    },
    async coldReset() {
      return fromHex('3B6800000073C84013009000');
    },
    async warmReset() {
      return fromHex('3B6800000073C84013009000');
    },
    async close() {},
  };
}

const fixedClock = () => new Date('2025-01-02T03:04:05.000Z');

async function session(): Promise<TracingTransport> {
  const traced = new TracingTransport(
    fakeCard({
      '00A40400': FCI + '9000',
      '00200080': '63C2',
      '80AE9000': '77149F2701809F360200019F26080123456789ABCDEF9000',
      '80CA9F17': '9F1701039000',
    }),
    { clock: fixedClock },
  );
  await traced.coldReset();
  await exchange(traced, '00A404000E315041592E5359532E444446303100');
  await exchange(traced, VERIFY);
  await exchange(traced, '80AE90000400000000' + '00');
  await exchange(traced, '80CA9F1700');
  return traced;
}

describe('TracingTransport', () => {
  it('records resets and exchanges with names, parameters and SW meanings', async () => {
    const records = (await session()).records;
    expect(records[0]).toEqual({
      type: 'reset',
      index: 0,
      time: '2025-01-02T03:04:05.000Z',
      kind: 'cold',
      atr: '3B6800000073C84013009000',
      protocol: 'T=1',
    });
    const [select, verify, genAc, getData] = records.slice(1) as TraceExchange[];
    expect(select).toMatchObject({ name: 'SELECT', params: 'by DF name, first or only occurrence', sw: '9000' });
    expect(select!.response).toBe(FCI + '9000');
    expect(verify).toMatchObject({ name: 'VERIFY', params: 'plaintext PIN', sw: '63C2', masked: true });
    expect(verify!.status).toMatch(/2 retries left/);
    // Book 3 §6.5.5.2 Table 12: P1 90 = ARQC (10b) with CDA (b5).
    expect(genAc).toMatchObject({ name: 'GENERATE AC', params: 'ARQC requested, CDA signature requested' });
    expect(getData).toMatchObject({ name: 'GET DATA', params: 'tag 9F17' });
  });

  it('masks the PIN block of VERIFY before storing it, in every representation', async () => {
    const traced = await session();
    const verify = traced.records[2] as TraceExchange;
    expect(verify.command).toBe('0020008008' + 'XX'.repeat(8));
    const everything = [JSON.stringify(traced.records), traced.toJsonl(), formatTrace(traced.records)];
    for (const text of everything) {
      expect(text).not.toContain(PIN_BLOCK);
      expect(text).not.toContain('7391');
      expect(text).not.toContain('247391');
    }
    expect(formatTrace(traced.records)).toContain('8 bytes masked (PIN)');
  });

  it('renders records when read, the same as recording them at once (onRecord), PIN masked either way', async () => {
    const streamed: unknown[] = [];
    const eager = new TracingTransport(fakeCard({ '00200080': '9000', '00A40400': FCI + '9000' }), { clock: fixedClock, onRecord: (r) => streamed.push(r) });
    const lazy = new TracingTransport(fakeCard({ '00200080': '9000', '00A40400': FCI + '9000' }), { clock: fixedClock });
    // A VERIFY whose Lc does not add up (everything after the header is masked) and a well-formed one.
    const odd = fromHex('0020008009' + PIN_BLOCK);
    for (const t of [eager, lazy]) {
      await t.transmit(fromHex(VERIFY));
      await t.transmit(odd);
      await t.transmit(fromHex('00A404000E315041592E5359532E444446303100'));
    }
    odd.fill(0x77); // the caller reuses its buffer: the trace keeps what was sent
    const timeless = (records: unknown[]) => records.map((r) => ({ ...(r as TraceExchange), durationMs: 0 }));
    expect(timeless(lazy.records)).toEqual(timeless(eager.records));
    expect(timeless(eager.records)).toEqual(timeless(streamed));
    expect((lazy.records[1] as TraceExchange).command).toBe('00200080' + 'XX'.repeat(9));
    expect(JSON.stringify(lazy.records)).not.toContain('7391');
    // A snapshot covers the records made before it, rendered once.
    const snapshot = lazy.recordsSoFar();
    await lazy.transmit(fromHex('00A404000E315041592E5359532E444446303100'));
    expect(snapshot()).toHaveLength(3);
    expect(snapshot()).toBe(snapshot());
    expect(lazy.records).toHaveLength(4);
  });

  it('masks PIN CHANGE, CHANGE REFERENCE DATA and RESET RETRY COUNTER data, not PIN UNBLOCK (MAC only)', () => {
    expect(maskCommandHex(fromHex('8424000208' + PIN_BLOCK + '00')).hex).toBe('8424000208' + 'XX'.repeat(8) + '00');
    expect(maskCommandHex(fromHex('0024000110' + PIN_BLOCK + PIN_BLOCK)).masked).toBe(true);
    expect(maskCommandHex(fromHex('002C000008' + PIN_BLOCK)).masked).toBe(true);
    expect(maskCommandHex(fromHex('842400000401020304')).masked).toBe(false);
    expect(maskCommandHex(fromHex('00B2010C00')).masked).toBe(false);
    // Lengths that do not add up: everything after the header is masked.
    expect(maskCommandHex(fromHex('0020008009' + PIN_BLOCK)).hex).toBe('00200080' + 'XX'.repeat(9));
  });

  it('JSONL export and import give the same records', async () => {
    const traced = await session();
    const jsonl = traced.toJsonl();
    expect(jsonl.split('\n').filter(Boolean)).toHaveLength(5);
    const back = parseTraceJsonl(jsonl, 'session.jsonl');
    expect(back).toEqual(traced.records);
    expect(toJsonl(back)).toBe(jsonl);
  });

  it('re-masks a PIN left in clear in a hand-written trace', () => {
    const [r] = parseTraceJsonl(JSON.stringify({ type: 'apdu', command: VERIFY, response: '9000' }));
    expect((r as TraceExchange).command).not.toContain('7391');
    expect((r as TraceExchange).masked).toBe(true);
  });

  it('a partly masked VERIFY in a trace file is masked in full, not kept as written (Book 3 §6.5.12)', () => {
    // One 'XX' in the file must not make the importer trust the rest of the text.
    const jsonl = '{"command":"0020008008XX1234FFFFFFFFFF","response":"9000"}';
    const [r] = parseTraceJsonl(jsonl) as TraceExchange[];
    expect(r!.command).toBe('0020008008' + 'XX'.repeat(8));
    expect(r!.masked).toBe(true);
    expect(JSON.stringify(r)).not.toContain('1234');
    expect(toJsonl([r!])).not.toContain('1234');
    expect(formatTrace([r!])).not.toContain('1234');
  });

  it('keeps a header byte masked in the file masked, and masks the data by the rule', () => {
    // XX over P2 (a hand-redacted trace): kept; the PIN block after it is masked by the VERIFY rule.
    const [r] = parseTraceJsonl('{"command":"002000XX08247391FFFFFFFFFF","response":"9000"}') as TraceExchange[];
    expect(r!.command).toBe('002000XX08' + 'XX'.repeat(8));
    // A masked Lc: the data length is unknown, so everything after the header is masked.
    const [s] = parseTraceJsonl('{"command":"00200080XX247391FFFFFFFFFF","response":"9000"}') as TraceExchange[];
    expect(s!.command).toBe('00200080' + 'XX'.repeat(9));
  });

  it('masks partly masked PIN CHANGE/UNBLOCK (INS 24) data (Book 3 §6.5.10)', () => {
    // New PIN 5678 and old PIN 7391 (CHANGE REFERENCE DATA, two PIN blocks), one byte pre-masked.
    const jsonl = [
      '{"command":"8424000208XX5678FFFFFFFFFF00","response":"9000"}',
      '{"command":"0024000110' + PIN_BLOCK + 'XX5678FFFFFFFFFF","response":"9000"}',
    ].join('\n');
    const records = parseTraceJsonl(jsonl) as TraceExchange[];
    expect(records[0]!.command).toBe('8424000208' + 'XX'.repeat(8) + '00');
    expect(records[1]!.command).toBe('0024000110' + 'XX'.repeat(16));
    const all = JSON.stringify(records) + formatTrace(records);
    expect(all).not.toContain('5678');
    expect(all).not.toContain('7391');
  });

  it('import errors name file:line and the field', () => {
    const bad = `${JSON.stringify({ type: 'apdu', command: '00A4', response: '9000' })}\n`;
    expect(() => parseTraceJsonl(bad, 't.jsonl')).toThrow(/t\.jsonl:1: command: a command needs at least 4 bytes/);
    expect(() => parseTraceJsonl('\n{oops', 't.jsonl')).toThrow(DocumentError);
    expect(() => parseTraceJsonl('\n{oops', 't.jsonl')).toThrow(/t\.jsonl:2: line: not JSON/);
    expect(() => parseTraceJsonl('{"command":"00A4040Z","response":"9000"}')).toThrow(/command: '00A4040Z' is not hex/);
    expect(() => parseTraceJsonl('{"type":"x"}')).toThrow(/unknown record type/);
  });
});

describe('formatTrace', () => {
  it('decodes TLV data with tag names, the cryptogram type and the SW meaning', async () => {
    const text = formatTrace((await session()).records);
    expect(text).toContain('#0 cold reset  ATR 3B6800000073C84013009000');
    expect(text).toContain('SELECT (by DF name, first or only occurrence)');
    expect(text).toMatch(/84 DF Name.*: 315041592E5359532E4444463031 .*1PAY\.SYS\.DDF01/);
    expect(text).toContain('9000 Normal processing');
    expect(text).toContain('cryptogram: ARQC returned');
    expect(text).toMatch(/63C2 Warning: verification failed, 2 retries left/);
  });
});

describe('command names (EMV Book 3 §6.5, ISO/IEC 7816-4)', () => {
  it('names the EMV commands', () => {
    const table: Array<[number, number, string]> = [
      [0x00, 0xa4, 'SELECT'],
      [0x00, 0xb2, 'READ RECORD'],
      [0x80, 0xa8, 'GET PROCESSING OPTIONS'],
      [0x80, 0xca, 'GET DATA'],
      [0x00, 0x20, 'VERIFY'],
      [0x80, 0xae, 'GENERATE AC'],
      [0x00, 0x88, 'INTERNAL AUTHENTICATE'],
      [0x00, 0x82, 'EXTERNAL AUTHENTICATE'],
      [0x00, 0x84, 'GET CHALLENGE'],
      [0x00, 0xc0, 'GET RESPONSE'],
      [0x84, 0x24, 'PIN CHANGE/UNBLOCK'],
      [0x00, 0x24, 'CHANGE REFERENCE DATA'],
      [0x84, 0x1e, 'APPLICATION BLOCK'],
      [0x84, 0x18, 'APPLICATION UNBLOCK'],
      [0x84, 0x16, 'CARD BLOCK'],
      [0x04, 0xda, 'PUT DATA'],
      [0x04, 0xdc, 'UPDATE RECORD'],
      [0x00, 0x99, 'UNKNOWN (INS 99)'],
    ];
    for (const [cla, ins, name] of table) expect(commandName(cla, ins)).toBe(name);
  });
  it('reads the GENERATE AC reference control parameter (Book 3 Table 12)', () => {
    expect(describeReferenceControl(0x00)).toMatchObject({ cryptogram: 'AAC', cda: false });
    expect(describeReferenceControl(0x40)).toMatchObject({ cryptogram: 'TC', cda: false });
    expect(describeReferenceControl(0x80)).toMatchObject({ cryptogram: 'ARQC', cda: false });
    expect(describeReferenceControl(0x50)).toMatchObject({ cryptogram: 'TC', cda: true });
  });
  it('parseMaskedHex marks masked bytes', () => {
    const { bytes, masked } = parseMaskedHex('0020XX');
    expect(toHex(bytes)).toBe('002000');
    expect(masked).toEqual([false, false, true]);
  });
});
