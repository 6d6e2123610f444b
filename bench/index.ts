/** The benchmark suites run by `npm run bench`; each area adds its own line. */
import type { BenchSuite } from './harness.js';
import { conformanceSuite } from './conformance.bench.js';
import { cryptoSuite } from './crypto.bench.js';
import { apduBench } from './apdu.bench.js';
import { cliBench } from './cli.bench.js';
import { rsaSuite } from './rsa.bench.js';
import { tlvBench } from './tlv.bench.js';
import { cardBench } from './card.bench.js';
import { readerBench } from './reader.bench.js';
import { issuerSuite } from './issuer.bench.js';
import { terminalSuite } from './terminal.bench.js';
import { geldkarteBench } from './geldkarte.bench.js';
import { ratiosSuite } from './ratios.bench.js';

export const suites: BenchSuite[] = [ratiosSuite, conformanceSuite, cryptoSuite, apduBench, cliBench, rsaSuite, tlvBench, cardBench, readerBench, issuerSuite, terminalSuite, geldkarteBench];
