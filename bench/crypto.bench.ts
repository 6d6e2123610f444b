/**
 * Symmetric EMV crypto throughput: ARQC generation as an issuer host does it
 * per transaction (derive the AC session key from the ICC master key, then the
 * retail MAC over the CDOL1 data), plus the primitives underneath.
 */
import { fromHex } from '../src/apdu/bytes.js';
import { aesCmac, arpcMethod1, deriveCommonSessionKey, deriveIccMasterKey, generateApplicationCryptogram, retailMac } from '../src/crypto/index.js';
import { opsPerSecond, type BenchRow, type BenchSuite } from './harness.js';

const IMK = fromHex('0123456789ABCDEFFEDCBA9876543210');
const CDOL1_DATA = fromHex('000000002000000000000000012400000080000124110309003804823E58000001');
const AES_KEY = fromHex('2B7E151628AED2A6ABF7158809CF4F3C');

export const cryptoSuite: BenchSuite = {
  name: 'crypto',
  async run(): Promise<BenchRow[]> {
    const mk = deriveIccMasterKey(IMK, '5413330089020011', '01', 'A');
    const atc = new Uint8Array(2);
    let counter = 0;
    const arqcPerSecond = await opsPerSecond(() => {
      counter = (counter + 1) & 0xffff;
      atc[0] = counter >> 8;
      atc[1] = counter & 0xff;
      return generateApplicationCryptogram(deriveCommonSessionKey(mk, atc), CDOL1_DATA);
    });
    const sk = deriveCommonSessionKey(mk, atc);
    const arqc = generateApplicationCryptogram(sk, CDOL1_DATA);
    return [
      { suite: 'crypto', metric: 'ARQC generation (session key + retail MAC)', value: arqcPerSecond, unit: 'ops/s', note: '33-byte CDOL1, 2-key TDES' },
      { suite: 'crypto', metric: 'ICC master key derivation (option A)', value: await opsPerSecond(() => deriveIccMasterKey(IMK, '5413330089020011', '01', 'A'), 500), unit: 'ops/s' },
      { suite: 'crypto', metric: 'retail MAC, 33 bytes', value: await opsPerSecond(() => retailMac(sk, CDOL1_DATA), 500), unit: 'ops/s' },
      { suite: 'crypto', metric: 'ARPC method 1', value: await opsPerSecond(() => arpcMethod1(sk, arqc, fromHex('3030')), 500), unit: 'ops/s' },
      { suite: 'crypto', metric: 'AES-CMAC, 33 bytes', value: await opsPerSecond(() => aesCmac(AES_KEY, CDOL1_DATA, 8), 500), unit: 'ops/s' },
    ];
  },
};
