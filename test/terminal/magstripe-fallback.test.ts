/**
 * Magstripe fallback (Book 4 §6.3.1; src/terminal/magstripe-fallback.ts): the swiped track 2 is split by
 * the shared track 2 parser (src/apdu/track2.ts), its service code tells a chip card, and a track that
 * is not track 2 ends the transaction naming why.
 */
import { describe, expect, it } from 'vitest';
import { capksForTerminal } from '../../src/terminal/capk-lookup.js';
import { ScriptedCardholder } from '../../src/terminal/cardholder.js';
import { type KernelEnvironment, fixedClock, memoryTransactionLog, seededRandom } from '../../src/terminal/environment.js';
import { runTransaction } from '../../src/terminal/kernel.js';
import { ScriptedHost } from '../../src/testing/index.js';
import { NOW, liabilityRules, scriptedTransport, terminal } from './harness.js';

async function fallbackWith(track2: string) {
  const config = terminal('eu-pos-pin', { chipReaderWorking: false, magstripeFallbackAllowed: true });
  const host = new ScriptedHost({ mode: 'approve' });
  const env: KernelEnvironment = {
    transport: scriptedTransport('unused', () => Uint8Array.of(0x6f, 0x00)),
    config,
    cardholder: new ScriptedCardholder({ pins: [] }),
    host,
    clock: fixedClock(NOW),
    random: seededRandom(7),
    capks: capksForTerminal(config),
    transactionLog: memoryTransactionLog(),
    liabilityRules,
    magstripe: { swipe: async () => ({ track2 }) },
  };
  return { outcome: await runTransaction(env, { amountMinor: 1234, transactionType: 'goods' }), host };
}

describe('magstripe fallback', () => {
  it('a chip card swiped (service code 201): PAN and expiry taken from track 2, fallback flagged, authorised online', async () => {
    const { outcome, host } = await fallbackWith('4761739001010010=29122011234567');
    const text = JSON.stringify(outcome);
    expect(text).toContain('track 2 read: service code 201 (chip card: fallback flagged)');
    expect(host.requests).toHaveLength(1);
    // 57 in EMV's nibble form (F pad), 5F24 the end of the expiry month.
    expect(host.requests[0]).toMatchObject({ pan: '4761739001010010', posEntryMode: '801', expiry: '291231', track2: '4761739001010010D29122011234567F' });
  });

  it('a stripe-only card (service code 101) is not flagged as a chip card', async () => {
    const { outcome } = await fallbackWith('4761739001010010D2912101');
    expect(JSON.stringify(outcome)).toContain('track 2 read: service code 101"');
  });

  it('a track that is not track 2 ends the transaction with the reason (month 13)', async () => {
    const { outcome, host } = await fallbackWith('4761739001010010=29132011234567');
    expect(JSON.stringify(outcome)).toContain('magstripe fallback: no readable track 2 (expiry month 13 is not 01..12)');
    expect(host.requests).toHaveLength(0);
  });
});
