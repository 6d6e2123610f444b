/**
 * Fuzz target for the APDU layer's byte parsers: decodeCommand, decodeResponse
 * (ISO/IEC 7816-4 §5) and parseAtr (ISO/IEC 7816-3 §8.2). Inputs are random
 * bytes and mutations (flip, insert, delete, truncate, length-field tweaks) of
 * valid APDUs and real ATRs. Only typed errors (EmvsimError) may come out, and
 * whatever parses must re-encode to the same bytes.
 */
import { fromHex, toHex } from '../src/apdu/bytes.js';
import { decodeCommand, decodeResponse, encodeCommand, encodeResponse } from '../src/apdu/command.js';
import { parseAtr } from '../src/apdu/atr.js';
import { EmvsimError } from '../src/apdu/errors.js';
import type { FuzzResult, FuzzTarget } from './fuzz-targets.js';
import { mulberry32 as prng } from './prng.js';

const COMMAND_SEEDS = [
  '00A404000E315041592E5359532E444446303100', // SELECT PSE, case 4S
  '00B2010C00', // READ RECORD, case 2S
  '0020008008241234FFFFFFFFFF', // VERIFY, case 3S
  '80160000', // CARD BLOCK, case 1
  '00B00000000100', // case 2E
  '00D600000000020102', // case 3E
  '00D6000000000201020000', // case 4E
  '80AE80001D' + '00'.repeat(29) + '00', // GENERATE AC
].map(fromHex);

const ATR_SEEDS = [
  '3B6800000073C84013009000',
  '3BE900008131FE454A434F503431563232A7',
  '3B8F8001804F0CA000000306030001000000006A',
  '3B6E000080318066B08412016E0183009000',
  '3B5596FF0102030405',
].map(fromHex);


/** A random input: fresh random bytes (1 in 4) or a mutated seed. */
export function mutate(rand: () => number, seeds: readonly Uint8Array[], maxLength: number): Uint8Array {
  const int = (n: number) => Math.floor(rand() * n);
  if (int(4) === 0) {
    const out = new Uint8Array(int(maxLength + 1));
    for (let i = 0; i < out.length; i++) out[i] = int(256);
    return out;
  }
  let b = Array.from(seeds[int(seeds.length)]!);
  const rounds = 1 + int(3);
  for (let r = 0; r < rounds; r++) {
    const at = int(b.length + 1);
    switch (int(6)) {
      case 0: // flip a bit
        if (b.length > 0) b[at % b.length]! ^= 1 << int(8);
        break;
      case 1: // replace a byte
        if (b.length > 0) b[at % b.length] = int(256);
        break;
      case 2: // insert a byte
        b.splice(at, 0, int(256));
        break;
      case 3: // delete a byte
        b.splice(at, 1);
        break;
      case 4: // truncate
        b = b.slice(0, at);
        break;
      default: // boundary values into a length position (Lc/Le at 4..6, T0/TD at 1..3)
        if (b.length > 1) b[1 + int(Math.min(6, b.length - 1))] = [0x00, 0x01, 0x7f, 0x80, 0xff][int(5)]!;
    }
  }
  return Uint8Array.from(b.slice(0, maxLength));
}

function checkCommand(input: Uint8Array): void {
  const d = decodeCommand(input);
  const again = toHex(encodeCommand(d));
  if (again !== toHex(input)) throw new Invariant(`decodeCommand/encodeCommand round trip gave ${again}`);
}

function checkResponse(input: Uint8Array): void {
  const r = decodeResponse(input);
  if (toHex(encodeResponse(r.data, r.sw)) !== toHex(input)) throw new Invariant('decodeResponse round trip differs');
}

function checkAtr(input: Uint8Array): void {
  const atr = parseAtr(input);
  if (atr.hex !== toHex(input)) throw new Invariant('parseAtr hex differs from input');
  if (atr.protocols.length === 0) throw new Invariant('parseAtr found no protocol');
}

class Invariant extends Error {}

export const apduFuzzTarget: FuzzTarget = {
  name: 'apdu (decodeCommand, decodeResponse, parseAtr)',
  async run(cases: number, seed: number): Promise<FuzzResult> {
    const rand = prng(seed);
    const result: FuzzResult = { cases: 0, typedErrors: 0, findings: [] };
    const checks: Array<[string, (b: Uint8Array) => void, readonly Uint8Array[], number]> = [
      ['decodeCommand', checkCommand, COMMAND_SEEDS, 300],
      ['decodeResponse', checkResponse, COMMAND_SEEDS, 40],
      ['parseAtr', checkAtr, ATR_SEEDS, 40],
    ];
    for (let i = 0; i < cases; i++) {
      const [name, check, seeds, maxLength] = checks[i % checks.length]!;
      const input = mutate(rand, seeds, maxLength);
      result.cases++;
      try {
        check(input);
      } catch (err) {
        if (err instanceof EmvsimError) result.typedErrors++;
        else result.findings.push(`${name}(${toHex(input)}): ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
      }
    }
    return result;
  },
};
