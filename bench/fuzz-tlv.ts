/**
 * Fuzz target for the BER-TLV codec, DOL parser and pretty-printer: random
 * bytes and mutations of real EMV responses (bit flips, truncations, length
 * bytes changed to short/long/indefinite forms, inserted and deleted bytes).
 * Typed errors (EmvsimError) are expected; anything else is a finding, and so
 * is a broken invariant: a decoded list must re-encode to bytes that decode to
 * the same encoding, formatTlvTree/tlvToJson must never throw, DOL data built
 * for a parsed DOL must split back by the same DOL.
 * Runs are reproducible: one mulberry32 stream per seed.
 */
import { ascii, concat, fromHex, toHex, type Bytes } from '../src/apdu/bytes.js';
import { EmvsimError } from '../src/apdu/errors.js';
import { buildDolData, dolDataLength, parseDol, parseDolData } from '../src/apdu/dol.js';
import { formatTlvTree, tlvToJson } from '../src/apdu/pretty.js';
import { decodeTlv, encodeTlv, encodeTlvList } from '../src/apdu/tlv.js';
import type { FuzzResult, FuzzTarget } from './fuzz-targets.js';
import { mulberry32 } from './prng.js';



/** A primitive (hex value) or constructed (list of children) object, encoded. */
function tlv(tag: string, value: string | Bytes[]): Bytes {
  return encodeTlv(tag, typeof value === 'string' ? fromHex(value) : concat(...value));
}

/** Realistic EMV responses to mutate (built with the encoder so lengths are right). */
export const TLV_SEEDS: readonly string[] = [
  // SELECT PSE: FCI with DF name, SFI, language (Book 1 §12.2.2).
  '6F1A840E315041592E5359532E4444463031A5088801025F2D02656E',
  // SELECT PPSE with a girocard and a Maestro directory entry.
  toHex(
    tlv('6F', [
      tlv('84', toHex(ascii('2PAY.SYS.DDF01'))),
      tlv('A5', [
        tlv('BF0C', [
          tlv('61', [tlv('4F', 'A00000005945430100'), tlv('50', toHex(ascii('girocard'))), tlv('87', '01')]),
          tlv('61', [tlv('4F', 'A0000000043060'), tlv('50', toHex(ascii('MAESTRO'))), tlv('87', '02')]),
        ]),
      ]),
    ]),
  ),
  // SELECT ADF: label, priority, PDOL, language, issuer discretionary data; trailing padding.
  toHex(
    concat(
      tlv('6F', [
        tlv('84', 'A0000000041010'),
        tlv('A5', [
          tlv('50', toHex(ascii('MASTERCARD'))),
          tlv('87', '01'),
          tlv('9F38', '9F02069F1D02'),
          tlv('5F2D', toHex(ascii('deen'))),
          tlv('BF0C', [tlv('9F4D', '0B0A'), tlv('9F6E', '20700000')]),
        ]),
      ]),
      fromHex('0000'),
    ),
  ),
  // GET PROCESSING OPTIONS, format 2 and format 1.
  '770E8202390094081801010020010201',
  '800A39000801010010010201',
  // READ RECORD: track 2, name, dates, PAN, AUC, CVM list, CDOL1/2, IACs, country; '00' padding inside.
  toHex(
    tlv('70', [
      tlv('57', '4761739001010010D25122011234567890123F'),
      tlv('5F20', toHex(ascii('MUSTERMANN/MAX'))),
      tlv('5F24', '251231'),
      tlv('5F25', '200101'),
      tlv('5A', '4761739001010010'),
      fromHex('0000'),
      tlv('5F34', '01'),
      tlv('9F07', 'FF00'),
      tlv('8E', '000000000000000042031E031F00'),
      tlv('8C', '9F02069F03069F1A0295055F2A029A039C019F3704'),
      tlv('8D', '8A029F02069F03069F1A0295055F2A029A039C019F3704'),
      tlv('9F0D', 'B850048000'),
      tlv('9F0E', '0000000000'),
      tlv('9F0F', 'B870049000'),
      tlv('5F28', '0276'),
    ]),
  ),
  // GENERATE AC response format 2 and an issuer script.
  toHex(tlv('77', [tlv('9F27', '80'), tlv('9F36', '0041'), tlv('9F26', 'C9B62A6B4F7E0E6D'), tlv('9F10', '0110A00003220000000000000000000000FF')])),
  toHex(tlv('71', [tlv('9F18', '00000001'), tlv('86', '8424000008' + '0A0B0C0D0E0F1011')])),
  // Terminal data as a kernel logs it.
  toHex(
    concat(
      tlv('9F02', '000000001234'),
      tlv('5F2A', '0978'),
      tlv('9A', '251231'),
      tlv('9C', '00'),
      tlv('9F37', 'CAFEBABE'),
      tlv('95', '0000008000'),
      tlv('9B', 'E800'),
      tlv('9F34', '1F0302'),
      tlv('9F33', 'E0F8C8'),
      tlv('9F40', '6000F0A001'),
      tlv('9F35', '22'),
    ),
  ),
];

export const DOL_SEEDS: readonly string[] = [
  '9F02069F1D02',
  '9F02069F03069F1A0295055F2A029A039C019F3704',
  '8A029F02069F03069F1A0295055F2A029A039C019F37049F4C08',
  '5A0A9F1C089F3501DF812901',
];

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

function randomBytes(rand: () => number, max: number): Bytes {
  const out = new Uint8Array(Math.floor(rand() * (max + 1)));
  for (let i = 0; i < out.length; i++) out[i] = Math.floor(rand() * 256);
  return out;
}

/** One mutation of `input`: a bit flip, truncation, length-byte change, insertion or deletion. */
export function mutate(rand: () => number, input: Bytes): Bytes {
  const b = Uint8Array.from(input);
  if (b.length === 0) return randomBytes(rand, 8);
  const at = Math.floor(rand() * b.length);
  switch (Math.floor(rand() * 6)) {
    case 0: // bit flips
      for (let n = 1 + Math.floor(rand() * 3); n > 0; n--) {
        const i = Math.floor(rand() * b.length);
        b[i] = b[i]! ^ (1 << Math.floor(rand() * 8));
      }
      return b;
    case 1: // truncation
      return b.slice(0, at);
    case 2: // a byte replaced by a length-form byte
      b[at] = pick(rand, [0x00, 0x7f, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0xff]);
      return b;
    case 3: // a length byte grown or shrunk by a little
      b[at] = (b[at]! + pick(rand, [-2, -1, 1, 2, 0x40])) & 0xff;
      return b;
    case 4: // insertion
      return Uint8Array.from([...b.subarray(0, at), Math.floor(rand() * 256), ...b.subarray(at)]);
    default: // deletion
      return Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + 1)]);
  }
}

function nextInput(rand: () => number, seeds: readonly Bytes[]): Bytes {
  if (rand() < 0.2) return randomBytes(rand, 64);
  let input = pick(rand, seeds);
  for (let n = 1 + Math.floor(rand() * 3); n > 0; n--) input = mutate(rand, input);
  return input;
}

/** Runs the checks on one input; returns 'typed' for an expected typed error, or a finding. */
function checkTlv(input: Bytes): 'ok' | 'typed' | string {
  let list;
  try {
    list = decodeTlv(input);
  } catch (err) {
    return err instanceof EmvsimError ? 'typed' : `decodeTlv threw ${describe(err)}`;
  }
  try {
    formatTlvTree(list);
    JSON.stringify(tlvToJson(list));
  } catch (err) {
    return `pretty-printer threw ${describe(err)}`;
  }
  try {
    const encoded = encodeTlvList(list);
    const again = encodeTlvList(decodeTlv(encoded));
    if (toHex(again) !== toHex(encoded)) return 're-encoding is not stable';
  } catch (err) {
    return `re-encoding threw ${describe(err)}`;
  }
  return 'ok';
}

function checkDol(input: Bytes, rand: () => number): 'ok' | 'typed' | string {
  let dol;
  try {
    dol = parseDol(input);
  } catch (err) {
    return err instanceof EmvsimError ? 'typed' : `parseDol threw ${describe(err)}`;
  }
  try {
    const data = buildDolData(dol, () => (rand() < 0.5 ? undefined : randomBytes(rand, 12)));
    if (data.length !== dolDataLength(dol)) return `DOL data of ${data.length} bytes for a DOL asking ${dolDataLength(dol)}`;
    parseDolData(dol, data);
  } catch (err) {
    return `DOL data round trip threw ${describe(err)}`;
  }
  return 'ok';
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

export const tlvFuzzTarget: FuzzTarget = {
  name: 'tlv',
  async run(cases: number, seed: number): Promise<FuzzResult> {
    const rand = mulberry32(seed);
    const tlvSeeds = TLV_SEEDS.map((h) => fromHex(h));
    const dolSeeds = DOL_SEEDS.map((h) => fromHex(h));
    const result: FuzzResult = { cases: 0, typedErrors: 0, findings: [] };
    for (let i = 0; i < cases; i++) {
      const asDol = rand() < 0.25;
      const input = nextInput(rand, asDol ? dolSeeds : tlvSeeds);
      const outcome = asDol ? checkDol(input, rand) : checkTlv(input);
      result.cases++;
      if (outcome === 'typed') result.typedErrors++;
      else if (outcome !== 'ok') result.findings.push(`${outcome} for ${asDol ? 'DOL' : 'TLV'} ${toHex(input)}`);
    }
    return result;
  },
};
