/**
 * Fuzz targets shared by `npm run fuzz` and the 2,000-case runs in `npm test`.
 * Each area adds its target here (see test/fuzz.test.ts).
 */
import { apduFuzzTarget } from './fuzz-apdu.js';
import { tlvFuzzTarget } from './fuzz-tlv.js';
import { cardFuzzTarget } from './fuzz-card.js';
import { terminalFuzzTarget } from './fuzz-terminal.js';
import { geldkarteFuzzTarget } from './fuzz-geldkarte.js';
import { iso8583FuzzTarget } from './fuzz-iso8583.js';

export interface FuzzResult {
  cases: number;
  typedErrors: number;
  /** Descriptions of inputs that produced an untyped exception or broke an invariant. */
  findings: string[];
}

export interface FuzzTarget {
  name: string;
  run(cases: number, seed: number): Promise<FuzzResult>;
}

export const targets: FuzzTarget[] = [apduFuzzTarget, tlvFuzzTarget, cardFuzzTarget, terminalFuzzTarget, geldkarteFuzzTarget, iso8583FuzzTarget];
