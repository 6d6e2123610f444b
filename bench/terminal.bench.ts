/**
 * Terminal kernel bench: complete transactions per second against the
 * in-process emulated card (CDA card, online with ARPC, offline PIN), and the
 * share of that time spent in RSA. ESM exports cannot be wrapped, so the RSA
 * share is measured per operation with the same keys and multiplied by the
 * RSA operations one transaction makes (terminal: issuer and ICC certificate
 * recovery, CDA verification of both GENERATE ACs; card: both CDA signatures).
 */
import { TEST_CA_INDEX } from '../src/crypto/oda/test-ca.js';
import { createCard, type EmulatedCard } from '../src/card/index.js';
import { loadDefaultCapks } from '../src/crypto/capk.js';
import { rsaPrivateOperation, rsaPublicOperation } from '../src/crypto/rsa.js';
import { capkLookup, createTerminal, loadTerminalProfile } from '../src/terminal/index.js';
import { scriptedHostFor } from '../src/testing/index.js';
import { type BenchSuite, opsPerSecond } from './harness.js';

/** What one in-process run of the kernel measured: its rate and the RSA cost beside it. */
export interface KernelMeasurement {
  tps: number;
  approved: number;
  /**
   * RSA private operations the card makes per transaction: one per CDA signature (GENERATE AC
   * with P1 b5) and one per enciphered offline PIN (VERIFY P2 88, Book 2 §7.2), all with the ICC key.
   */
  privateOpsPerTransaction: number;
  /** Of those, the enciphered PIN decipherments (VERIFY P2 88). */
  pinDecipherments: number;
  /** 1024-bit ICC key, per second. */
  privateOpsPerSecond: number;
  publicCaOpsPerSecond: number;
  publicIccOpsPerSecond: number;
  iccBits: number;
}

/**
 * Full transactions per second (eu-pos-pin + mastercard-cda: CDA on both GENERATE ACs, offline
 * enciphered PIN with the ICC key (the profile has no separate PIN key), online approval with ARPC)
 * against cards issued up front, and the RSA operations of the same keys timed in the same run.
 */
export async function measureKernel(ms = 3000): Promise<KernelMeasurement> {
  const config = loadTerminalProfile('eu-pos-pin');
  const capks = capkLookup(loadDefaultCapks());
  let seed = 0;
  let approved = 0;
  // Cards are issued up front (issuing signs certificates): the loop times transactions only.
  const cards = Array.from({ length: 16 }, (_, i) => createCard({ profile: 'mastercard-cda', seed: i }));
  const transact = (card: EmulatedCard, random: number) =>
    createTerminal({
      profile: config,
      host: scriptedHostFor(card),
      cardholder: { pins: ['1234'] },
      clock: new Date('2026-06-15T10:00:00Z'),
      random,
      capks,
      liability: 'default',
    }).transact(card, { amount: 8000 });
  // The card's private operations, counted once in the trace of one transaction (outside the timed loop).
  const probe = await transact(createCard({ profile: 'mastercard-cda', seed: 'probe' }), 0);
  const exchanges = probe.trace.filter((t) => t.type === 'apdu');
  const cdaSignatures = exchanges.filter((t) => t.command.startsWith('80AE') && (parseInt(t.command.slice(4, 6), 16) & 0x10) !== 0).length;
  const pinDecipherments = exchanges.filter((t) => t.command.startsWith('002000') && t.command.slice(6, 8) === '88').length;
  const transaction = async () => {
    const card = cards[seed++ % cards.length]!;
    const o = await transact(card, seed);
    if (o.outcome === 'approved') approved++;
  };
  const tps = await opsPerSecond(transaction, ms);
  // RSA cost per operation with this card's keys.
  const card = createCard({ profile: 'mastercard-cda', seed: 1 });
  const iccKey = card.secrets.iccKey!;
  const ca = loadDefaultCapks().get('A000000004', TEST_CA_INDEX)!;
  // Input blocks made once: building one per operation inside the timed loop cost more than a public operation.
  const block = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i === 0 ? 0x6a : i % 251));
  const caBlock = block(ca.modulus.length);
  const iccBlock = block(iccKey.modulus.length);
  const rsaMs = Math.max(300, ms / 3);
  return {
    tps,
    approved,
    privateOpsPerTransaction: cdaSignatures + pinDecipherments,
    pinDecipherments,
    publicCaOpsPerSecond: await opsPerSecond(() => rsaPublicOperation(ca, caBlock), rsaMs / 2),
    publicIccOpsPerSecond: await opsPerSecond(() => rsaPublicOperation(iccKey, iccBlock), rsaMs / 2),
    privateOpsPerSecond: await opsPerSecond(() => rsaPrivateOperation(iccKey, iccBlock), rsaMs),
    iccBits: iccKey.modulus.length * 8,
  };
}

export const terminalSuite: BenchSuite = {
  name: 'terminal',
  async run() {
    const m = await measureKernel(3000);
    // Per transaction: CA key once (issuer certificate), issuer key once (ICC certificate, ~CA size),
    // ICC key public for each CDA verification and the PIN encipherment, private for each CDA
    // signature and the PIN decipherment.
    const ops = m.privateOpsPerTransaction;
    const rsaMs = (2 * 1000) / m.publicCaOpsPerSecond + (ops * 1000) / m.publicIccOpsPerSecond + (ops * 1000) / m.privateOpsPerSecond;
    const txMs = 1000 / m.tps;
    return [
      { suite: 'terminal', metric: 'transactions (CDA, online, offline PIN)', value: m.tps, unit: 'tx/s', note: `${m.approved} approved; eu-pos-pin + mastercard-cda` },
      { suite: 'terminal', metric: 'time per transaction', value: txMs, unit: 'ms' },
      { suite: 'terminal', metric: 'RSA share of a transaction', value: (100 * rsaMs) / txMs, unit: '%', note: `${rsaMs.toFixed(2)} ms RSA: 2 certificate recoveries, ${ops - m.pinDecipherments} CDA signatures + verifications, ${m.pinDecipherments} enciphered PIN` },
      { suite: 'terminal', metric: 'RSA private (ICC, card side)', value: m.privateOpsPerSecond, unit: 'ops/s', note: `${m.iccBits}-bit` },
    ];
  },
};
