/**
 * Fuzz target for the ISO 8583:1987 link (src/issuer/iso8583): decodeMessage,
 * messageToRequest / messageToResponse, and the server's message handler
 * (Iso8583Server.answer, no TCP) over an in-memory issuer database.
 *
 * Inputs: random bytes, and mutations of valid 0100/0200/0400/0800/0110
 * messages: bit flips, truncation, LL/LLL length prefixes changed, bitmap bits
 * flipped, field 55 BER-TLV corrupted (re-encoded with a correct LLL prefix so
 * the TLV decoder is reached), bytes inserted and deleted.
 *
 * Allowed: Iso8583Error (an EmvsimError) naming a field number 0..128. Findings:
 * any other exception; a decoded message that does not survive encode/decode;
 * a server answer that does not decode; a message that fails decoding or
 * mapping but is not answered 30, or changes the ledger.
 * Runs are reproducible: one mulberry32 stream per seed.
 */
import { bcd, concat, fromHex, toHex, uintBytes, type Bytes } from '../src/apdu/bytes.js';
import { decodeTlv, encodeTlvList } from '../src/apdu/tlv.js';
import { EmvsimError } from '../src/apdu/errors.js';
import { deriveCommonSessionKey, deriveIccMasterKey, generateApplicationCryptogram } from '../src/crypto/index.js';
import { openIssuerDatabase, type IssuerDatabase } from '../src/issuer/db/schema.js';
import { IssuerHost } from '../src/issuer/issuer-host.js';
import { decodeMessage, encodeMessage, Iso8583Error, type Iso8583Message } from '../src/issuer/iso8583/codec.js';
import { fieldSpec } from '../src/issuer/iso8583/fields.js';
import { messageToRequest, messageToResponse, requestToMessage, responseToMessage } from '../src/issuer/iso8583/mapping.js';
import { seedCard, type SeedCard } from '../src/issuer/seed.js';
import { Iso8583Server } from '../src/issuer/server.js';
import type { AuthorisationRequest } from '../src/terminal/host.js';
import { mulberry32 } from './prng.js';
import type { FuzzResult, FuzzTarget } from './fuzz-targets.js';

const NOW = Date.UTC(2025, 5, 15, 12);
const IMK = { ac: '0123456789ABCDEFFEDCBA9876543210', smi: '11111111111111112222222222222222', smc: '33333333333333334444444444444444' };
const CARD: SeedCard = {
  label: 'fuzz', pan: '4761739001010010', psn: '01', expiry: '2912', pin: '1234', pinTryLimit: 3, country: '0826', currency: '0978',
  cdol1: '9F0206 9F0306 9F1A02 9505 5F2A02 9A03 9C01 9F3704 9F3501 9F3403',
  cryptogram: { derivation: 'A', sessionKey: 'common', padding: 2, arpcMethod: 1, arpcKey: 'session', issuerMasterKeys: IMK, scriptMacLength: 8 },
  balanceMinor: 1e9, dailyAmountLimitMinor: 1e10, dailyCountLimit: 1e6,
};

/** A request with the ARQC the card would compute (CDOL1 data || AIP || ATC || IAD), so valid seeds are approved. */
function request(atc: number, kind: AuthorisationRequest['kind']): AuthorisationRequest {
  const values: [string, Bytes][] = [
    ['9F02', bcd(1234, 6)], ['9F03', bcd(0, 6)], ['9F1A', fromHex('0826')], ['95', fromHex('0000008000')], ['5F2A', fromHex('0978')],
    ['9A', fromHex('250615')], ['9C', fromHex('00')], ['9F37', fromHex('1A2B3C4D')], ['9F35', fromHex('22')], ['9F34', fromHex('420300')],
  ];
  const aip = fromHex('3900');
  const atcBytes = uintBytes(atc, 2);
  const iad = fromHex('06011203A00000');
  const mk = deriveIccMasterKey(fromHex(IMK.ac), CARD.pan, CARD.psn, 'A');
  const arqc = generateApplicationCryptogram(deriveCommonSessionKey(mk, atcBytes), concat(...values.map(([, v]) => v), aip, atcBytes, iad));
  return {
    kind, pan: CARD.pan, panSequenceNumber: '01', expiry: '291231', amountMinor: 1234, currency: '978', date: '250615', time: '120000',
    transactionType: '00', posEntryMode: '051', terminalId: 'FUZZ0001', merchantId: 'MERCHANT0000001', terminalCountry: '826',
    stan: String(atc).padStart(6, '0'), rrn: '000000000042', merchantCategoryCode: '5411', track2: '4761739001010010D29122011234567890123F',
    iccData: new Map([...values, ['82', aip], ['9F36', atcBytes], ['9F10', iad], ['9F26', arqc]]),
    ...(kind === 'reversal' ? { originalStan: '000001' } : {}),
  };
}

function seedMessages(): Iso8583Message[] {
  const auth = requestToMessage(request(1, 'authorisation'));
  const response = responseToMessage(auth, {
    responseCode: '00', authorisationCode: '000001', issuerAuthenticationData: fromHex('11223344556677883030'), decidedBy: 'approved',
    issuerScripts: [fromHex('7112' + '9F180400000001' + '8609841E000004AABBCCDD')], message: 'approved',
  });
  return [
    auth,
    requestToMessage({ ...request(2, 'financial'), otherAmountMinor: 500, pinBlock: { format: 0, block: fromHex('0123456789ABCDEF') } }),
    requestToMessage(request(3, 'reversal'), true),
    { mti: '0800', fields: new Map<number, string | Bytes>([[7, '0615120000'], [11, '000001'], [70, '301']]) },
    response,
  ];
}

/** Byte offsets of every LL/LLL length prefix and of field 55's value in an encoded message. */
function layout(message: Iso8583Message): { prefixes: { at: number; digits: number }[]; icc?: { at: number; length: number } } {
  const numbers = [...message.fields.keys()].sort((a, b) => a - b);
  let pos = 4 + (numbers.some((n) => n > 64) ? 16 : 8);
  const prefixes: { at: number; digits: number }[] = [];
  let icc: { at: number; length: number } | undefined;
  for (const n of numbers) {
    const spec = fieldSpec(n)!;
    const value = message.fields.get(n)!;
    const length = spec.length === 'fixed' ? spec.max : value.length;
    if (spec.length !== 'fixed') {
      const digits = spec.length === 'llvar' ? 2 : 3;
      prefixes.push({ at: pos, digits });
      pos += digits;
    }
    if (n === 55) icc = { at: pos, length };
    pos += length;
  }
  return icc ? { prefixes, icc } : { prefixes };
}

type Rand = () => number;
const int = (rand: Rand, n: number) => Math.floor(rand() * n);

function randomBytes(rand: Rand, max: number): Bytes {
  const out = new Uint8Array(int(rand, max + 1));
  for (let i = 0; i < out.length; i++) out[i] = int(rand, 256);
  return out;
}

/** Corrupts field 55's BER-TLV (a tag, length or value byte) and re-encodes the message around it. */
function corruptIcc(rand: Rand, message: Iso8583Message): Bytes {
  const icc = message.fields.get(55);
  const fields = new Map(message.fields);
  if (icc instanceof Uint8Array && icc.length > 0) {
    const b = Uint8Array.from(icc);
    const at = int(rand, b.length);
    const choice = int(rand, 4);
    if (choice === 0) b[at] = [0x00, 0x1f, 0x5f, 0x7f, 0x80, 0x81, 0x82, 0x84, 0xff][int(rand, 9)]!;
    else if (choice === 1) b[at] = (b[at]! + [-1, 1, 0x40][int(rand, 3)]!) & 0xff;
    else if (choice === 2) b[at] = b[at]! ^ (1 << int(rand, 8));
    // choice 3: drop a whole data object (e.g. 9F26 or 9F36) so the ARQC check misses data.
    const dropped = choice === 3 ? tryDropObject(rand, icc) : b;
    fields.set(55, dropped.subarray(0, 255));
  }
  return encodeMessage({ mti: message.mti, fields });
}

function tryDropObject(rand: Rand, icc: Bytes): Bytes {
  try {
    const objects = decodeTlv(icc, { recursive: false });
    objects.splice(int(rand, objects.length), 1);
    return encodeTlvList(objects.map((o) => ({ tag: o.tag, value: o.value })));
  } catch {
    return icc;
  }
}

/** One input: random bytes (1 in 8) or a seed message with 1 to 3 mutations. */
function nextInput(rand: Rand, seeds: Iso8583Message[], encoded: Bytes[]): Bytes {
  if (int(rand, 8) === 0) return concat(fromHex(['30313030', '30323030', '30343030', '30383030'][int(rand, 4)]!), randomBytes(rand, 96));
  const s = int(rand, seeds.length);
  const message = seeds[s]!;
  let b = int(rand, 6) === 0 ? corruptIcc(rand, message) : Uint8Array.from(encoded[s]!);
  const { prefixes } = layout(message);
  for (let r = 1 + int(rand, 3); r > 0; r--) {
    if (b.length === 0) break;
    const at = int(rand, b.length);
    switch (int(rand, 7)) {
      case 0: // bit flips anywhere
        b[at] = b[at]! ^ (1 << int(rand, 8));
        break;
      case 1: // truncation
        b = b.slice(0, at);
        break;
      case 2: {
        // a length prefix changed: +-1, +-10, a non-digit, or the maximum
        const p = prefixes[int(rand, prefixes.length)];
        if (!p || p.at + p.digits > b.length) break;
        const old = Number(String.fromCharCode(...b.subarray(p.at, p.at + p.digits)));
        const next = [old - 1, old + 1, old - 10, old + 10, 10 ** p.digits - 1, 0][int(rand, 6)]!;
        const text = int(rand, 8) === 0 ? 'A'.repeat(p.digits) : String(Math.max(0, next) % 10 ** p.digits).padStart(p.digits, '0');
        for (let i = 0; i < p.digits; i++) b[p.at + i] = text.charCodeAt(i);
        break;
      }
      case 3: {
        // a bitmap bit flipped (primary, or secondary when present): a field appears or disappears
        const bitmapBytes = b.length > 4 && (b[4]! & 0x80) !== 0 ? 16 : 8;
        const bit = int(rand, bitmapBytes * 8);
        const i = 4 + (bit >> 3);
        if (i < b.length) b[i] = b[i]! ^ (0x80 >> (bit & 7));
        break;
      }
      case 4: // insertion
        b = Uint8Array.from([...b.subarray(0, at), int(rand, 256), ...b.subarray(at)]);
        break;
      case 5: // deletion
        b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + 1)]);
        break;
      default: // an ASCII field byte replaced by a space, letter or control character
        b[at] = [0x20, 0x41, 0x3d, 0x00, 0x7f][int(rand, 5)]!;
    }
  }
  return b;
}

function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/** Allowed error: an Iso8583Error naming a data element 0..128 (or another EmvsimError from a layer below). */
function typed(err: unknown): boolean {
  if (err instanceof Iso8583Error) return Number.isInteger(err.field) && err.field >= 0 && err.field <= 128;
  return err instanceof EmvsimError;
}

function ledgerFingerprint(db: IssuerDatabase): string {
  const row = db
    .prepare(
      `SELECT (SELECT COUNT(*) FROM authorisations) AS a, (SELECT COUNT(*) FROM postings) AS p, (SELECT COUNT(*) FROM holds) AS h,
              (SELECT SUM(balance_minor) || '/' || SUM(held_minor) FROM accounts) AS money,
              (SELECT group_concat(COALESCE(last_atc, '-') || ':' || pin_tries) FROM cards) AS cards`,
    )
    .get();
  return JSON.stringify(row);
}

/** Decoder and mapping checks; returns the decoded request message (or undefined) and the outcome. */
function checkCodec(input: Bytes): { outcome: 'ok' | 'typed' | string; formatError: boolean } {
  let message: Iso8583Message;
  try {
    message = decodeMessage(input);
  } catch (err) {
    return typed(err) ? { outcome: 'typed', formatError: true } : { outcome: `decodeMessage threw ${describeError(err)}`, formatError: true };
  }
  try {
    const again = decodeMessage(encodeMessage(message));
    if (toHex(encodeMessage(again)) !== toHex(encodeMessage(message))) return { outcome: 're-encoding is not stable', formatError: false };
  } catch (err) {
    return { outcome: `re-encoding a decoded message threw ${describeError(err)}`, formatError: false };
  }
  const responseMessage = message.mti[2] === '1';
  try {
    if (responseMessage) messageToResponse(message);
    else if (message.mti !== '0800') messageToRequest(message, '250615');
  } catch (err) {
    return typed(err) ? { outcome: 'typed', formatError: true } : { outcome: `mapping threw ${describeError(err)}`, formatError: true };
  }
  // A response MTI (0110...) or an MTI the host does not answer is a format error at the server too.
  const answered = message.mti === '0800' || /^0[124]0[01]$/.test(message.mti);
  return { outcome: 'ok', formatError: !answered };
}

export const iso8583FuzzTarget: FuzzTarget = {
  name: 'iso8583 (decodeMessage, mapping, server answer)',
  async run(cases: number, seed: number): Promise<FuzzResult> {
    const rand = mulberry32(seed);
    const seeds = seedMessages();
    const encoded = seeds.map((m) => encodeMessage(m));
    const db = openIssuerDatabase(':memory:');
    seedCard(db, CARD);
    const server = new Iso8583Server({ host: new IssuerHost({ db, clock: () => NOW }), clock: () => NOW });
    const result: FuzzResult = { cases: 0, typedErrors: 0, findings: [] };
    try {
      for (let i = 0; i < cases; i++) {
        const input = nextInput(rand, seeds, encoded);
        const { outcome, formatError } = checkCodec(input);
        result.cases++;
        if (outcome === 'typed') result.typedErrors++;
        else if (outcome !== 'ok') {
          result.findings.push(`${outcome} for ${toHex(input)}`);
          continue;
        }
        // The server path: a malformed message is answered 30 and changes nothing.
        const before = formatError ? ledgerFingerprint(db) : '';
        let answer: Iso8583Message;
        try {
          answer = decodeMessage(await server.answer(input));
        } catch (err) {
          result.findings.push(`server answer threw or did not decode: ${describeError(err)} for ${toHex(input)}`);
          continue;
        }
        if (formatError) {
          if (answer.fields.get(39) !== '30') result.findings.push(`malformed message answered ${String(answer.fields.get(39))}, not 30: ${toHex(input)}`);
          if (ledgerFingerprint(db) !== before) result.findings.push(`malformed message changed the ledger: ${toHex(input)}`);
        } else if (answer.fields.get(39) === undefined) {
          result.findings.push(`answer without a response code for ${toHex(input)}`);
        }
      }
    } finally {
      await server.close();
      db.close();
    }
    return result;
  },
};
