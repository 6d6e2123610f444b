/** Replaying recorded traces: same answers, typed mismatch errors, ATR from the trace. */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/apdu/bytes.js';
import { DocumentError, TransportError } from '../../src/apdu/errors.js';
import { exchange } from '../../src/apdu/exchange.js';
import {
  ReplayExhaustedError,
  ReplayMismatchError,
  ReplayTransport,
  firstDifference,
  loadReplayTrace,
} from '../../src/apdu/replay-transport.js';
import { TracingTransport, parseTraceJsonl } from '../../src/apdu/trace.js';
import type { CardTransport } from '../../src/apdu/transport.js';

const FCI = '6F1A840E315041592E5359532E4444463031A5088801025F2D02656E';
const SELECT_PSE = '00A404000E315041592E5359532E444446303100';
const ATR = '3B6800000073C84013009000';

/** A T=0 card that needs GET RESPONSE, so the trace holds the raw T=0 exchanges. */
function t0Card(): CardTransport {
  return {
    name: 'T=0 card',
    protocol: 'T=0',
    async transmit(c) {
      const hex = toHex(c);
      if (hex.startsWith('00A40400')) return fromHex('611C');
      if (hex === '00C000001C') return fromHex(FCI + '9000');
      if (hex.startsWith('00200080')) return fromHex(hex.includes('241234') ? '9000' : '63C2');
      return fromHex('6D00');
    },
    coldReset: async () => fromHex(ATR),
    warmReset: async () => fromHex(ATR),
    close: async () => {},
  };
}

async function recorded(): Promise<string> {
  const traced = new TracingTransport(t0Card());
  await traced.coldReset();
  await exchange(traced, SELECT_PSE);
  await exchange(traced, '0020008008241234FFFFFFFFFF');
  return traced.toJsonl();
}

describe('ReplayTransport', () => {
  it('plays a recorded JSONL trace back through the exchange layer', async () => {
    const replay = new ReplayTransport(parseTraceJsonl(await recorded()));
    expect(replay.protocol).toBe('T=0');
    expect(toHex(await replay.coldReset())).toBe(ATR);
    const r = await exchange(replay, SELECT_PSE);
    expect(toHex(r.data)).toBe(FCI);
    expect(r.sw).toBe(0x9000);
    // The PIN was masked in the trace: the replay accepts the VERIFY whatever the PIN.
    expect((await exchange(replay, '0020008008241234FFFFFFFFFF')).sw).toBe(0x9000);
    expect(replay.remaining).toBe(0);
  });

  it('a different command is a ReplayMismatchError with the exchange index and byte offset', async () => {
    const replay = new ReplayTransport(parseTraceJsonl(await recorded()));
    await replay.coldReset();
    await replay.transmit(fromHex('00A404000E315041592E5359532E4444463031'));
    let caught: unknown;
    try {
      await replay.transmit(fromHex('00C000001D'));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ReplayMismatchError);
    expect(caught).toBeInstanceOf(TransportError);
    expect((caught as ReplayMismatchError).exchangeIndex).toBe(1);
    expect((caught as ReplayMismatchError).offset).toBe(4);
    expect((caught as Error).message).toBe(
      'replay: command of exchange 1 differs from the trace at byte offset 4 (sent 00C000001D, recorded 00C000001C)',
    );
  });

  it('a command past the end of the trace is a ReplayExhaustedError', async () => {
    const replay = new ReplayTransport([{ command: '00B2010C00', response: '6A83' }]);
    expect(toHex(await replay.transmit(fromHex('00B2010C00')))).toBe('6A83');
    await expect(replay.transmit(fromHex('00B2020C00'))).rejects.toBeInstanceOf(ReplayExhaustedError);
  });

  it('never prints a PIN in its error messages', async () => {
    const replay = new ReplayTransport([]);
    await expect(replay.transmit(fromHex('0020008008247391FFFFFFFFFF'))).rejects.toThrow(/0020008008XXXXXXXXXXXXXXXX/);
  });

  it('never prints a recorded PIN in a mismatch message, even from a partly masked or clear pair', async () => {
    for (const recorded of ['0020008008247391FFFFFFFFFF', '0020008008XX7391FFFFFFFFFF', '00200080082473XXFFFFFFFFFF']) {
      const replay = new ReplayTransport([{ command: recorded, response: '9000' }]);
      // Enciphered PIN (P2 88) sent where the trace has plaintext (P2 80): mismatch at offset 3.
      const caught = await replay.transmit(fromHex('0020008808247391FFFFFFFFFF')).catch((e: unknown) => e);
      expect(caught).toBeInstanceOf(ReplayMismatchError);
      expect((caught as ReplayMismatchError).offset).toBe(3);
      const message = (caught as Error).message;
      expect(message).toContain('recorded 0020008008XXXXXXXXXXXXXXXX');
      expect(message).not.toMatch(/7391|2473/);
    }
  });

  it('a JSONL trace with a partly masked PIN change replays and its mismatch shows no digits', async () => {
    const records = loadReplayTrace('{"command":"8424000208XX5678FFFFFFFFFF00","response":"9000"}\n');
    const replay = new ReplayTransport(records);
    const caught = await replay.transmit(fromHex('8424000108245678FFFFFFFFFF00')).catch((e: unknown) => e);
    expect(caught).toBeInstanceOf(ReplayMismatchError);
    expect((caught as Error).message).not.toContain('5678');
  });

  it('a shorter command differs where it ends', () => {
    expect(firstDifference(fromHex('00A404'), fromHex('00A40400'))).toBe(3);
    expect(firstDifference(fromHex('00A40400'), fromHex('00A40400'))).toBe(-1);
    expect(firstDifference(fromHex('00A40401'), fromHex('00A40400'), [false, false, false, true])).toBe(-1);
  });

  it('takes the ATR from options when the trace has no reset', async () => {
    const replay = new ReplayTransport([], { atr: '3BE900008131FE454A434F503431563232A7', protocol: 'T=1' });
    expect(toHex(await replay.coldReset())).toBe('3BE900008131FE454A434F503431563232A7');
    expect(replay.protocol).toBe('T=1');
  });

  it('loads a JSON array of {command, response} pairs', async () => {
    const pairs = loadReplayTrace(JSON.stringify([{ command: SELECT_PSE, response: FCI + '9000' }]));
    const replay = new ReplayTransport(pairs, { protocol: 'T=1' });
    expect(toHex((await exchange(replay, SELECT_PSE)).data)).toBe(FCI);
  });

  it('rejects a pair that is not hex, naming the index', () => {
    expect(() => new ReplayTransport([{ command: 'zz', response: '9000' }])).toThrow(DocumentError);
    expect(() => new ReplayTransport([{ command: '00A4', response: '90' }])).toThrow(/\[0\]\.response/);
    expect(() => loadReplayTrace('[1]', 'pairs.json')).toThrow(/pairs\.json: \[0\]/);
  });
});
