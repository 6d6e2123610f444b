/**
 * Status words SW1 SW2: the catalogue of ISO/IEC 7816-4 §5.6 (Tables 5 and 6)
 * plus the meanings EMV gives some of them (EMV Book 1 §9.4.4 / Annex A,
 * Book 3 §6.3.5 and the command descriptions of Book 3 §6.5).
 *
 * SW1 groups (ISO/IEC 7816-4 Table 5):
 *   9000, 61xx      normal processing         -> 'success'
 *   62xx, 63xx      warning processing        -> 'warning'
 *   64xx, 65xx      execution error           -> 'error'
 *   67xx .. 6Fxx    checking error            -> 'error'
 */
import { swHex } from './command.js';

export type StatusCategory = 'success' | 'warning' | 'error';

export interface StatusWordInfo {
  /** SW1SW2 in uppercase hex, e.g. "6A82". */
  sw: string;
  meaning: string;
  category: StatusCategory;
  /** 63Cx: the retry counter X (ISO/IEC 7816-4 Table 6; EMV Book 3 §6.5.12.4 for VERIFY). */
  retriesLeft?: number;
  /** 61xx: response bytes still available (00 means 256; ISO/IEC 7816-4 §5.1.3). */
  available?: number;
  /** 6Cxx: the exact Le to send again (00 means 256; ISO/IEC 7816-4 §5.1.3). */
  exactLength?: number;
}

/** Fixed status words and their meaning. ISO wording unless an EMV meaning is more specific. */
const FIXED: ReadonlyArray<readonly [number, string, StatusCategory]> = [
  [0x9000, 'Normal processing: no further qualification', 'success'],

  // 62xx: warning, state of non-volatile memory unchanged.
  [0x6200, 'Warning: no information given (non-volatile memory unchanged)', 'warning'],
  [0x6281, 'Warning: part of returned data may be corrupted', 'warning'],
  [0x6282, 'Warning: end of file or record reached before reading Le bytes', 'warning'],
  // EMV Book 1 §12.3.2 / Book 3 §10.1: SELECT answered 6283 means the application is blocked.
  [0x6283, 'Warning: selected file invalidated (EMV: application blocked)', 'warning'],
  [0x6284, 'Warning: FCI not formatted according to ISO/IEC 7816-4 §5.3.3', 'warning'],
  [0x6285, 'Warning: selected file in termination state', 'warning'],
  [0x6286, 'Warning: no input data available from a sensor on the card', 'warning'],

  // 63xx: warning, state of non-volatile memory changed.
  // EMV Book 3 §6.5.4.4: EXTERNAL AUTHENTICATE answers 6300 when issuer authentication failed.
  [0x6300, 'Warning: verification failed (authentication failed, no information given)', 'warning'],
  [0x6381, 'Warning: file filled up by the last write', 'warning'],

  // 64xx / 65xx: execution errors.
  [0x6400, 'Execution error: no information given (non-volatile memory unchanged)', 'error'],
  [0x6401, 'Execution error: immediate response required by the card', 'error'],
  [0x6500, 'Execution error: no information given (non-volatile memory changed)', 'error'],
  [0x6581, 'Execution error: memory failure', 'error'],
  [0x6600, 'Execution error: security-related issue', 'error'],

  // 67xx .. 6Fxx: checking errors.
  [0x6700, 'Checking error: wrong length (Lc or Le)', 'error'],
  [0x6800, 'Checking error: functions in CLA not supported', 'error'],
  [0x6881, 'Checking error: logical channel not supported', 'error'],
  [0x6882, 'Checking error: secure messaging not supported', 'error'],
  [0x6883, 'Checking error: last command of the chain expected', 'error'],
  [0x6884, 'Checking error: command chaining not supported', 'error'],
  [0x6900, 'Checking error: command not allowed, no information given', 'error'],
  [0x6981, 'Checking error: command incompatible with file structure', 'error'],
  [0x6982, 'Checking error: security status not satisfied', 'error'],
  // EMV Book 3 §6.5.12.4: VERIFY answered 6983 means the PIN is blocked.
  [0x6983, 'Checking error: authentication method blocked (EMV: PIN try limit exceeded)', 'error'],
  [0x6984, 'Checking error: reference data not usable (referenced data invalidated)', 'error'],
  // EMV Book 3 §6.5.5.4: GENERATE AC answered 6985 when conditions of use are not satisfied.
  [0x6985, 'Checking error: conditions of use not satisfied', 'error'],
  [0x6986, 'Checking error: command not allowed (no current EF)', 'error'],
  [0x6987, 'Checking error: expected secure messaging data objects missing', 'error'],
  [0x6988, 'Checking error: incorrect secure messaging data objects', 'error'],
  [0x6A00, 'Checking error: wrong parameters P1-P2, no information given', 'error'],
  [0x6A80, 'Checking error: incorrect parameters in the command data field', 'error'],
  // EMV Book 1 §12.3.2: SELECT answered 6A81 means the card is blocked or SELECT is not supported.
  [0x6A81, 'Checking error: function not supported (EMV: card blocked)', 'error'],
  [0x6A82, 'Checking error: file or application not found', 'error'],
  [0x6A83, 'Checking error: record not found', 'error'],
  [0x6A84, 'Checking error: not enough memory space in the file', 'error'],
  [0x6A85, 'Checking error: Lc inconsistent with TLV structure', 'error'],
  [0x6A86, 'Checking error: incorrect parameters P1-P2', 'error'],
  [0x6A87, 'Checking error: Lc inconsistent with parameters P1-P2', 'error'],
  [0x6A88, 'Checking error: referenced data or reference data not found', 'error'],
  [0x6A89, 'Checking error: file already exists', 'error'],
  [0x6A8A, 'Checking error: DF name already exists', 'error'],
  [0x6B00, 'Checking error: wrong parameters P1-P2', 'error'],
  [0x6D00, 'Checking error: instruction code not supported or invalid', 'error'],
  [0x6E00, 'Checking error: class not supported', 'error'],
  [0x6F00, 'Checking error: no precise diagnosis', 'error'],
];

const FIXED_BY_SW = new Map<number, { meaning: string; category: StatusCategory }>(
  FIXED.map(([sw, meaning, category]) => [sw, { meaning, category }]),
);

function buildKnownSet(): ReadonlySet<number> {
  const set = new Set<number>(FIXED_BY_SW.keys());
  for (let x = 0; x < 256; x++) {
    set.add(0x6100 | x); // 61xx: bytes available
    set.add(0x6c00 | x); // 6Cxx: wrong Le, exact length in SW2
  }
  for (let x = 0; x < 16; x++) set.add(0x63c0 | x); // 63Cx: counter X
  for (let x = 0x02; x <= 0x80; x++) set.add(0x6400 | x); // 6402..6480: triggering by the card
  return set;
}

/**
 * Every status word this catalogue knows: the fixed ones, the families 61xx
 * and 6Cxx, 63C0..63CF and 6402..6480. A well-behaved card answers only these.
 */
export const KNOWN_STATUS_WORDS: ReadonlySet<number> = buildKnownSet();

export function isKnownStatusWord(sw: number): boolean {
  return KNOWN_STATUS_WORDS.has(sw);
}

/** The ISO/IEC 7816-4 Table 5 group of an SW1 value not in the catalogue. */
function groupOf(sw1: number): { meaning: string; category: StatusCategory } {
  switch (sw1) {
    case 0x62:
      return { meaning: 'Warning: non-volatile memory unchanged', category: 'warning' };
    case 0x63:
      return { meaning: 'Warning: non-volatile memory changed', category: 'warning' };
    case 0x64:
      return { meaning: 'Execution error: non-volatile memory unchanged', category: 'error' };
    case 0x65:
      return { meaning: 'Execution error: non-volatile memory changed', category: 'error' };
    case 0x66:
      return { meaning: 'Execution error: security-related issue', category: 'error' };
    case 0x67:
    case 0x68:
    case 0x69:
    case 0x6a:
    case 0x6b:
    case 0x6d:
    case 0x6e:
    case 0x6f:
      return { meaning: 'Checking error', category: 'error' };
    default:
      // 9XXX other than 9000 is proprietary (ISO/IEC 7816-4 §5.1.3); anything else is not a status word.
      if (sw1 >> 4 === 0x9) return { meaning: 'Proprietary status (9XXX)', category: 'error' };
      return { meaning: 'Not an ISO/IEC 7816-4 status word', category: 'error' };
  }
}

/** Meaning, category and embedded counters of a status word (0x0000..0xFFFF). */
export function describeStatusWord(sw: number): StatusWordInfo {
  if (!Number.isInteger(sw) || sw < 0 || sw > 0xffff) throw new RangeError(`bad status word ${sw}`);
  const hex = swHex(sw);
  const sw1 = sw >> 8;
  const sw2 = sw & 0xff;
  const fixed = FIXED_BY_SW.get(sw);
  if (fixed) return { sw: hex, ...fixed };
  if (sw1 === 0x61) {
    const available = sw2 === 0 ? 256 : sw2;
    return { sw: hex, meaning: `Normal processing: ${available} response bytes still available (GET RESPONSE)`, category: 'success', available };
  }
  if (sw1 === 0x6c) {
    const exactLength = sw2 === 0 ? 256 : sw2;
    return { sw: hex, meaning: `Checking error: wrong Le; exact length is ${exactLength}`, category: 'error', exactLength };
  }
  if (sw1 === 0x63 && sw2 >> 4 === 0xc) {
    const retriesLeft = sw2 & 0x0f;
    return {
      sw: hex,
      meaning: `Warning: verification failed, ${retriesLeft} ${retriesLeft === 1 ? 'retry' : 'retries'} left (counter ${retriesLeft})`,
      category: 'warning',
      retriesLeft,
    };
  }
  if (sw1 === 0x64 && sw2 >= 0x02 && sw2 <= 0x80) {
    return { sw: hex, meaning: 'Execution error: triggering by the card (ISO/IEC 7816-4 §7.6)', category: 'error' };
  }
  const group = groupOf(sw1);
  return { sw: hex, meaning: `${group.meaning} (unknown SW2 ${hex.slice(2)})`, category: group.category };
}

/** "6A82 Checking error: file or application not found": one line for traces and the CLI. */
export function statusLine(sw: number): string {
  const info = describeStatusWord(sw);
  return `${info.sw} ${info.meaning}`;
}
