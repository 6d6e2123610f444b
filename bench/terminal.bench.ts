/**
 * Terminal kernel bench: complete transactions per second against the
 * in-process emulated card (CDA card, online with ARPC, offline PIN), and the
 * share of that time spent in RSA. ESM exports cannot be wrapped, so the RSA
 * share is measured per operation with the same keys and multiplied by the
 * RSA operations one transaction makes (terminal: issuer and ICC certificate
 * recovery, CDA verification of both GENERATE ACs; card: both CDA signatures).
 */
import { TEST_CA_INDEX } from '../src/crypto/oda/test-ca.js';
import { createCard } from '../src/card/index.js';
import { loadDefaultCapks } from '../src/crypto/capk.js';
import { rsaPrivateOperation, rsaPublicOperation } from '../src/crypto/rsa.js';
import { capkLookup, createTerminal, loadTerminalProfile } from '../src/terminal/index.js';
import { scriptedHostFor } from '../src/testing/index.js';
import { type BenchSuite, opsPerSecond } from './harness.js';

export const terminalSuite: BenchSuite = {
  name: 'terminal',
  async run() {
    const config = loadTerminalProfile('eu-pos-pin');
    const capks = capkLookup(loadDefaultCapks());
    let seed = 0;
    let approved = 0;
    let cardPrivateOps = 0;
    // Cards are issued up front (issuing signs certificates): the loop times transactions only.
    const cards = Array.from({ length: 16 }, (_, i) => createCard({ profile: 'mastercard-cda', seed: i }));
    const transaction = async () => {
      const card = cards[seed++ % cards.length]!;
      const terminal = createTerminal({
        profile: config,
        host: scriptedHostFor(card),
        cardholder: { pins: ['1234'] },
        clock: new Date('2026-06-15T10:00:00Z'),
        random: seed,
        capks,
        liability: 'default',
      });
      const o = await terminal.transact(card, { amount: 8000 });
      if (o.outcome === 'approved') approved++;
      cardPrivateOps = o.trace.filter((t) => t.type === 'apdu' && t.command.startsWith('80AE') && (parseInt(t.command.slice(4, 6), 16) & 0x10) !== 0).length;
    };
    const tps = await opsPerSecond(transaction, 3000);
    // RSA cost per operation with this card's keys.
    const card = createCard({ profile: 'mastercard-cda', seed: 1 });
    const iccKey = card.secrets.iccKey!;
    const ca = loadDefaultCapks().get('A000000004', TEST_CA_INDEX)!;
    const block = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i === 0 ? 0x6a : i % 251));
    const pubCa = await opsPerSecond(() => rsaPublicOperation(ca, block(ca.modulus.length)), 500);
    const pubIcc = await opsPerSecond(() => rsaPublicOperation(iccKey, block(iccKey.modulus.length)), 500);
    const privIcc = await opsPerSecond(() => rsaPrivateOperation(iccKey, block(iccKey.modulus.length)), 1000);
    // Per transaction: CA key once (issuer certificate), issuer key once (ICC certificate, ~CA size),
    // ICC key public for each CDA verification, ICC key private for each CDA signature.
    const rsaMs = (2 * 1000) / pubCa + (cardPrivateOps * 1000) / pubIcc + (cardPrivateOps * 1000) / privIcc;
    const txMs = 1000 / tps;
    return [
      { suite: 'terminal', metric: 'transactions (CDA, online, offline PIN)', value: tps, unit: 'tx/s', note: `${approved} approved; eu-pos-pin + mastercard-cda` },
      { suite: 'terminal', metric: 'time per transaction', value: txMs, unit: 'ms' },
      { suite: 'terminal', metric: 'RSA share of a transaction', value: (100 * rsaMs) / txMs, unit: '%', note: `${(rsaMs).toFixed(2)} ms RSA: 2 certificate recoveries, ${cardPrivateOps} CDA signatures + verifications` },
      { suite: 'terminal', metric: 'RSA private (ICC, card side)', value: privIcc, unit: 'ops/s', note: `${iccKey.modulus.length * 8}-bit` },
    ];
  },
};
