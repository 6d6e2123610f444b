/**
 * Readers: APDUs and transactions per second through the real stack (our
 * PC/SC driver -> pcscd -> vpcd -> vpcd bridge -> emulated card), beside the
 * same card in-process and beside a raw loop of the `smartcard` binding's
 * Card.transmit against the same vpcd card, measured in the same run. Goal:
 * our transport at 80% or more of the raw loop. Skips (one row with the
 * reason) when pcscd is not available.
 */
import { fromHex } from '../src/apdu/bytes.js';
import { createDemoCard } from '../src/card/index.js';
import { loadPcscBinding } from '../src/reader/pcsc-binding.js';
import { preparePcscd } from '../src/reader/pcscd-daemon.js';
import { openPcscReader } from '../src/reader/pcsc-transport.js';
import { VpcdBridge } from '../src/reader/vpcd-bridge.js';
import { opsPerSecond, type BenchRow, type BenchSuite } from './harness.js';
import { runPurchase } from './reader-purchase.js';

const SUITE = 'reader';
/** READ RECORD SFI 1 record 1 of the PSE: a short, stateless command. */
const READ_RECORD = fromHex('00B2010C00');
const MS = 3000;

export const readerBench: BenchSuite = {
  name: SUITE,
  async run(): Promise<BenchRow[]> {
    const rows: BenchRow[] = [];
    const row = (metric: string, value: number, unit: string, note?: string) => rows.push({ suite: SUITE, metric, value, unit, ...(note ? { note } : {}) });

    const local = createDemoCard();
    await local.coldReset();
    row('APDU in-process', await opsPerSecond(() => local.transmit(READ_RECORD), MS), 'APDU/s', 'READ RECORD, emulated card, no I/O');
    row('transaction in-process', await opsPerSecond(() => runPurchase(local), MS), 'tx/s', 'purchase, PIN, online, in-process issuer');

    const availability = await preparePcscd();
    if (!availability.ok) {
      row('pcscd', 0, '-', `skipped: ${availability.reason}`);
      return rows;
    }
    const env = availability.env;
    const bridge = new VpcdBridge(createDemoCard(), { port: env.port });
    try {
      bridge.start();
      await bridge.insert();
      // Raw: the binding's own Card.transmit in a tight loop, same reader, same card.
      const binding = await loadPcscBinding();
      const context = new binding.Context();
      const transport = await openPcscReader(env.readerName, { waitMs: 5000 });
      let raw = 0;
      let ours = 0;
      try {
        const reader = context.listReaders().find((r) => r.name === env.readerName)!;
        const card = await reader.connect(binding.SCARD_SHARE_SHARED, binding.SCARD_PROTOCOL_T0 | binding.SCARD_PROTOCOL_T1);
        const command = Buffer.from(READ_RECORD);
        // Alternate the two loops and keep each one's best round, so warm-up and noise hit both alike.
        for (let round = 0; round < 5; round++) {
          raw = Math.max(raw, await opsPerSecond(() => card.transmit(command), MS / 5));
          ours = Math.max(ours, await opsPerSecond(() => transport.transmit(READ_RECORD), MS / 5));
        }
        card.disconnect(binding.SCARD_LEAVE_CARD);
      } finally {
        context.close();
        await transport.close();
      }
      row('APDU raw smartcard loop', raw, 'APDU/s', `Card.transmit via pcscd + vpcd (${env.readerName})`);
      row('APDU PcscTransport', ours, 'APDU/s', 'our driver, same card');
      row('PcscTransport / raw', (100 * ours) / raw, '%', ours >= 0.8 * raw ? 'goal >= 80%: met' : 'goal >= 80%: MISSED');
      const viaPcsc = await openPcscReader(env.readerName, { waitMs: 5000 });
      try {
        row('transaction via pcscd', await opsPerSecond(() => runPurchase(viaPcsc), MS), 'tx/s', 'same purchase through pcscd + vpcd');
      } finally {
        await viaPcsc.close();
      }
    } finally {
      await bridge.stop();
      await env.stop();
    }
    return rows;
  },
};
