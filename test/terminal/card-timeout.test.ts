/** A bounded wait per card command (terminal profile cardTimeoutMs): a silent card ends in a defined outcome. */
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../src/apdu/bytes.js';
import type { CardTransport } from '../../src/apdu/transport.js';
import { parseTerminalProfile } from '../../src/terminal/config-loader.js';
import { DEFAULT_CARD_TIMEOUT_MS } from '../../src/terminal/config.js';
import { memoryTransactionLog } from '../../src/terminal/environment.js';
import { run, terminal } from './harness.js';

/** A card that answers reset and then never answers a command. */
const silentCard: CardTransport = {
  name: 'silent',
  protocol: 'T=1',
  coldReset: async () => fromHex('3B00'),
  warmReset: async () => fromHex('3B00'),
  close: async () => {},
  transmit: () => new Promise(() => {}),
};

describe('bounded wait per card command', () => {
  it('a card that never answers SELECT: terminated after cardTimeoutMs, naming the command', async () => {
    const started = Date.now();
    const { outcome } = await run({ transport: silentCard, config: terminal('eu-pos-pin', { cardTimeoutMs: 40 }) });
    expect(outcome.outcome).toBe('terminated');
    expect(outcome.reason).toMatch(/card did not answer SELECT PSE within 40 ms/);
    expect(outcome.error).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(DEFAULT_CARD_TIMEOUT_MS);
  });

  it('is read from the terminal profile, with a default, and refuses 0', () => {
    const base = 'applications:\n  - aid: A0000000031010\n    label: VISA\n';
    expect(parseTerminalProfile(base, 't.yaml').cardTimeoutMs).toBe(DEFAULT_CARD_TIMEOUT_MS);
    expect(parseTerminalProfile(`${base}cardTimeoutMs: 2500\n`, 't.yaml').cardTimeoutMs).toBe(2500);
    expect(() => parseTerminalProfile(`${base}cardTimeoutMs: 0\n`, 't.yaml')).toThrow(/t\.yaml:\d+.*cardTimeoutMs/);
  });
});

describe('terminal transaction log (Book 3 §10.6.1)', () => {
  it('answers the most recent entry of the PAN, optionally matching the PAN sequence number', () => {
    const log = memoryTransactionLog([{ pan: '4761730000000001', amountMinor: 2500 }, { pan: '4761730000000001', panSequenceNumber: '01', amountMinor: 1000 }]);
    expect(log.mostRecentFor('4761730000000001', '01')?.amountMinor).toBe(1000);
    expect(log.mostRecentFor('4761730000000001', '02')?.amountMinor).toBe(2500); // the entry without a PSN still matches
    log.record('4761730000000001', '01', 700);
    expect(log.mostRecentFor('4761730000000001', '01')?.amountMinor).toBe(700);
    expect(log.mostRecentFor('5413330000000001', undefined)).toBeUndefined();
  });
});
