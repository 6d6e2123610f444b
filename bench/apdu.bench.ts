/** APDU layer throughput: command encode+decode, response decode, ATR parse, a T=0 exchange with GET RESPONSE. */
import { fromHex } from '../src/apdu/bytes.js';
import { decodeCommand, decodeResponse, encodeCommand } from '../src/apdu/command.js';
import { parseAtr } from '../src/apdu/atr.js';
import { exchange } from '../src/apdu/exchange.js';
import type { CardTransport } from '../src/apdu/transport.js';
import { type BenchSuite, opsPerSecond } from './harness.js';

const SELECT_PSE = fromHex('00A404000E315041592E5359532E444446303100');
const FCI_9000 = fromHex('6F1A840E315041592E5359532E4444463031A5088801025F2D02656E9000');
const ATR = fromHex('3BE900008131FE454A434F503431563232A7');

/** A T=0 card in memory: answers 611C then the FCI to GET RESPONSE. */
const t0Card: CardTransport = {
  name: 'bench card',
  protocol: 'T=0',
  async transmit(c) {
    return c[1] === 0xc0 ? FCI_9000 : Uint8Array.of(0x61, 0x1c);
  },
  coldReset: async () => ATR,
  warmReset: async () => ATR,
  close: async () => {},
};

export const apduBench: BenchSuite = {
  name: 'apdu',
  async run() {
    const encodeDecode = await opsPerSecond(() => encodeCommand(decodeCommand(SELECT_PSE)));
    const response = await opsPerSecond(() => decodeResponse(FCI_9000));
    const atr = await opsPerSecond(() => parseAtr(ATR));
    const t0 = await opsPerSecond(() => exchange(t0Card, SELECT_PSE));
    return [
      { suite: 'apdu', metric: 'command decode+encode (SELECT PSE)', value: encodeDecode, unit: 'ops/s' },
      { suite: 'apdu', metric: 'response decode (FCI)', value: response, unit: 'ops/s' },
      { suite: 'apdu', metric: 'parseAtr (T=1 ATR with TCK)', value: atr, unit: 'ops/s' },
      { suite: 'apdu', metric: 'T=0 exchange (case 4 + GET RESPONSE)', value: t0, unit: 'ops/s', note: 'in-memory card' },
    ];
  },
};
