/**
 * Robustness: random card and terminal profiles never crash the kernel (a
 * terminated outcome with a reason at worst), and fuzzed card responses
 * (mutated TLV, wrong status words, a mute card) end in a defined outcome.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MutatingTransport } from '../../bench/fuzz-terminal.js';
import type { CardTransport } from '../../src/apdu/transport.js';
import { ScriptedHost } from '../../src/testing/index.js';
import { card, hostFor, run, terminal } from './harness.js';

const PROFILES = ['visa-cvn18', 'mastercard-cda', 'girocard', 'sda-only', 'signature', 'no-cvm-list', 'pin-blocked', 'expired'];
const TERMINALS = ['eu-pos-pin', 'unattended-parking', 'girocard-online'];

describe('kernel robustness', () => {
  it('random card and terminal profiles end in a defined outcome', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...PROFILES),
        fc.constantFrom(...TERMINALS),
        fc.integer({ min: 1, max: 2_000_000 }),
        fc.constantFrom('00000000 00000000 4103 4203 1E03 1F03', '00000000 00000000 0000', '000003E8 00002710 4106 4407 0208 1E09 1F00', '00000000 00000000 3F00 5F03', null),
        fc.constantFrom('approve', 'decline', 'unreachable') as fc.Arbitrary<'approve' | 'decline' | 'unreachable'>,
        fc.array(fc.constantFrom('1234', '0000', 'bypass', 'fail'), { maxLength: 4 }),
        fc.record({ pinPadWorking: fc.boolean(), capabilities: fc.constantFrom('E0F8C8', 'E00800', 'E0B048', '600848'), terminalType: fc.constantFrom(0x21, 0x22, 0x23, 0x25, 0x26) }),
        fc.integer({ min: 0, max: 1000 }),
        async (profile, term, amount, cvmList, mode, pins, t, seed) => {
          const c = card(profile, cvmList === null ? undefined : { cvmList }, seed);
          const config = terminal(term, { pinPad: { present: true, working: t.pinPadWorking }, capabilities: t.capabilities, terminalType: t.terminalType });
          const { outcome } = await run({ transport: c, config, host: hostFor(c, { mode }), cardholder: { pins }, request: { amountMinor: amount }, seed });
          expect(['approved', 'declined', 'terminated']).toContain(outcome.outcome);
          expect(outcome.reason).not.toMatch(/^internal error/);
          expect(outcome.error).toBeUndefined();
          expect(outcome.liability.reason.length).toBeGreaterThan(0);
          expect(outcome.tvr).toMatch(/^[0-9A-F]{10}$/);
        },
      ),
      { numRuns: 60, seed: 20260615 },
    );
  });

  it('fuzzed card responses never escape as exceptions', async () => {
    let terminated = 0;
    for (let seed = 1; seed <= 150; seed++) {
      const inner = card(seed % 3 === 0 ? 'mastercard-cda' : 'visa-cvn18', undefined, seed);
      const transport = new MutatingTransport(inner, seed * 7919, 0.15);
      const { outcome } = await run({ transport, host: new ScriptedHost({ mode: seed % 2 ? 'approve' : 'unreachable' }), request: { amountMinor: 1000 + seed * 37 }, seed });
      expect(['approved', 'declined', 'terminated']).toContain(outcome.outcome);
      expect(outcome.reason, `seed ${seed}`).not.toMatch(/^internal error/);
      expect(outcome.error, `seed ${seed}`).toBeUndefined();
      if (outcome.outcome === 'terminated') terminated++;
    }
    expect(terminated).toBeGreaterThan(0);
  });

  it('a mute card terminates with a reason', async () => {
    const mute: CardTransport = {
      name: 'mute',
      protocol: 'T=1',
      transmit: async () => {
        throw new Error('no answer within the work waiting time');
      },
      coldReset: async () => Uint8Array.of(0x3b, 0x00),
      warmReset: async () => Uint8Array.of(0x3b, 0x00),
      close: async () => {},
    };
    const { outcome } = await run({ transport: mute });
    expect(outcome.outcome).toBe('terminated');
    expect(outcome.reason).toMatch(/did not answer/);
    expect(outcome.liability.rule).toBe('no-payment');
  });
});
