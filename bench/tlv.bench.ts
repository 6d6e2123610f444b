/**
 * BER-TLV throughput on a realistic set of EMV responses (the fuzz seeds:
 * FCIs, GPO and GENERATE AC responses, a full READ RECORD, terminal data):
 * decode and encode in MB/s, the pretty-printer and CDOL1 data building in ops/s.
 */
import { fromHex, type Bytes } from '../src/apdu/bytes.js';
import { buildDolData, parseDol } from '../src/apdu/dol.js';
import { formatTlvTree } from '../src/apdu/pretty.js';
import { decodeTlv, encodeTlvList, flattenTlv } from '../src/apdu/tlv.js';
import { TLV_SEEDS } from './fuzz-tlv.js';
import { type BenchSuite, opsPerSecond } from './harness.js';

const RECORDS: Bytes[] = TLV_SEEDS.map((h) => fromHex(h));
const TOTAL_BYTES = RECORDS.reduce((n, r) => n + r.length, 0);
const DECODED = RECORDS.map((r) => decodeTlv(r));
const CDOL1 = parseDol('9F02069F03069F1A0295055F2A029A039C019F37048202 9F3602');
const TERMINAL_DATA = flattenTlv(DECODED.flat());

export const tlvBench: BenchSuite = {
  name: 'tlv',
  async run() {
    const decode = await opsPerSecond(() => {
      for (const r of RECORDS) decodeTlv(r);
    });
    const encode = await opsPerSecond(() => {
      for (const l of DECODED) encodeTlvList(l);
    });
    const pretty = await opsPerSecond(() => {
      for (const l of DECODED) formatTlvTree(l);
    });
    const dol = await opsPerSecond(() => buildDolData(CDOL1, (tag) => TERMINAL_DATA.get(tag)));
    const mb = (ops: number) => (ops * TOTAL_BYTES) / 1e6;
    const note = `${RECORDS.length} records, ${TOTAL_BYTES} bytes`;
    return [
      { suite: 'tlv', metric: 'decodeTlv (recursive)', value: mb(decode), unit: 'MB/s', note },
      { suite: 'tlv', metric: 'encodeTlvList', value: mb(encode), unit: 'MB/s', note },
      { suite: 'tlv', metric: 'formatTlvTree (record set)', value: pretty, unit: 'ops/s', note },
      { suite: 'tlv', metric: 'buildDolData (CDOL1, 11 entries)', value: dol, unit: 'ops/s' },
    ];
  },
};
