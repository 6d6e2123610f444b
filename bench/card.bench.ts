/**
 * Emulated card throughput through the in-process CardTransport: simple APDUs
 * per second (GET DATA, READ RECORD), and the whole card-side work of a CDA
 * transaction (SELECT, GPO, 5 READ RECORDs, VERIFY, GENERATE AC with CDA
 * signature, second GENERATE AC with CDA) on the mastercard-cda profile (T=0,
 * so GET RESPONSE rounds are included via the exchange rules), and card creation.
 */
import { fromHex } from '../src/apdu/bytes.js';
import { exchange } from '../src/apdu/exchange.js';
import { createCard } from '../src/card/index.js';
import { opsPerSecond, type BenchRow, type BenchSuite } from './harness.js';

const CDOL1 = '000000001000' + '000000000000' + '0840' + '0000000000' + '0840' + '250615' + '00' + '12345678' + '22' + '1F0302';
const TRANSACTION = [
  '00A4040007A000000004101000',
  '80A800000C830A0000000010000840084000',
  '00B2010C00',
  '00B2011400',
  '00B2021400',
  '00B2011C00',
  '00B2021C00',
  '0020008008241234FFFFFFFFFF',
  `80AE900021${CDOL1}00`,
  '80AE5000153030' + '00'.repeat(10) + '0000000000' + '12345678' + '00',
].map(fromHex);

export const cardBench: BenchSuite = {
  name: 'card',
  async run(): Promise<BenchRow[]> {
    const card = createCard({ profile: 'visa-cvn18', seed: 'bench' });
    await card.transmit(fromHex('00A4040007A000000003101000'));
    const getData = fromHex('80CA9F3600');
    const readRecord = fromHex('00B2011400');
    const apduPerSecond = await opsPerSecond(() => card.transmit(getData));
    const readPerSecond = await opsPerSecond(() => card.transmit(readRecord), 500);

    const cda = createCard({ profile: 'mastercard-cda', seed: 'bench-cda', overrides: { pinTryLimit: 15 } });
    let sws = '';
    const transactionsPerSecond = await opsPerSecond(async () => {
      await cda.coldReset();
      for (const c of TRANSACTION) sws = (await exchange(cda, c)).sw.toString(16);
    }, 2000);
    if (sws !== '9000') throw new Error(`CDA transaction ended with ${sws}`);

    let n = 0;
    const createPerSecond = await opsPerSecond(() => createCard({ profile: 'visa-cvn18', seed: n++ }), 1000);
    return [
      { suite: 'card', metric: 'GET DATA through the in-process transport', value: apduPerSecond, unit: 'APDU/s', note: 'visa-cvn18, T=1' },
      { suite: 'card', metric: 'READ RECORD through the in-process transport', value: readPerSecond, unit: 'APDU/s' },
      { suite: 'card', metric: 'card side of a CDA transaction', value: transactionsPerSecond, unit: 'txn/s', note: 'mastercard-cda T=0: 10 commands + GET RESPONSEs, 2 RSA-1024 signatures' },
      { suite: 'card', metric: 'createCard (pooled ICC key, new ICC certificate)', value: createPerSecond, unit: 'cards/s' },
    ];
  },
};
