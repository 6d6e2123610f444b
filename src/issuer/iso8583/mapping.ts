/**
 * AuthorisationRequest/Response (src/terminal/host.ts) <-> ISO 8583:1987
 * messages. Request classes: 0100 authorisation, 0200 financial, 0400
 * reversal (repeats 0101/0201/0401 are the same request retransmitted,
 * ISO 8583:1987 §4.1.2.2), answered with 0110/0210/0410. Mandatory fields are
 * checked here so that a missing one is an Iso8583Error naming it (answered 30).
 */
import { type Bytes, toHex } from '../../apdu/index.js';
import { decodeTlv, encodeTlv, encodeTlvList, flattenTlv } from '../../apdu/index.js';
import { TlvError, isTrack2Problem, splitTrack2, track2EquivalentHex } from '../../apdu/index.js';
import type { AuthorisationRequest, AuthorisationResponse, MessageKind } from '../../terminal/index.js';
import type { IssuerRequest } from '../request-identity.js';
import { Iso8583Error, type Iso8583Message, optionalBytes, optionalText, textField } from './codec.js';

const REQUEST_MTI: Record<MessageKind, string> = { authorisation: '0100', financial: '0200', reversal: '0400' };
const KIND_BY_MTI: Record<string, MessageKind> = {
  '0100': 'authorisation',
  '0101': 'authorisation',
  '0200': 'financial',
  '0201': 'financial',
  '0400': 'reversal',
  '0401': 'reversal',
};

export function requestMti(kind: MessageKind, repeat = false): string {
  const mti = REQUEST_MTI[kind];
  return repeat ? mti.slice(0, 3) + '1' : mti;
}

export function kindOfMti(mti: string): MessageKind | undefined {
  return KIND_BY_MTI[mti];
}

/** Response MTI: the request's class with function digit "1x" (0100 -> 0110, 0401 -> 0410). */
export function responseMti(requestMti: string): string {
  return requestMti.slice(0, 2) + '1' + '0';
}

/** ISO 3166 numeric country as three digits ("0276" from 9F1A -> "276"). */
export function countryDigits(code: string): string {
  const digits = code.replace(/\D/g, '');
  return digits.slice(-3).padStart(3, '0');
}

/** Last day of the month for a YYMM expiry (EMV 5F24 is YYMMDD, ISO 8583 field 14 is YYMM). */
function endOfMonth(yymm: string): string {
  const year = 2000 + Number(yymm.slice(0, 2));
  const month = Number(yymm.slice(2, 4));
  const day = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return yymm + String(day).padStart(2, '0');
}

/** Track 2 equivalent data (tag 57, hex with 'D' separator and 'F' pad) as ISO 8583 z characters. */
function track2Characters(hex: string): string {
  return hex.toUpperCase().replace(/F+$/, '').replace('D', '=');
}

function encodeIccData(iccData: Map<string, Bytes>): Bytes {
  return encodeTlvList([...iccData].map(([tag, value]) => ({ tag, value })));
}

export function requestToMessage(request: AuthorisationRequest, repeat = false): Iso8583Message {
  const fields = new Map<number, string | Bytes>();
  const mmdd = request.date.slice(2, 6);
  fields.set(2, request.pan);
  fields.set(3, request.transactionType.padStart(2, '0') + '0000');
  fields.set(4, String(request.amountMinor).padStart(12, '0'));
  fields.set(7, mmdd + request.time);
  fields.set(11, request.stan);
  fields.set(12, request.time);
  fields.set(13, mmdd);
  if (request.expiry) fields.set(14, request.expiry.slice(0, 4));
  if (request.merchantCategoryCode) fields.set(18, request.merchantCategoryCode);
  fields.set(19, countryDigits(request.terminalCountry));
  fields.set(22, request.posEntryMode);
  if (request.panSequenceNumber !== undefined) fields.set(23, request.panSequenceNumber.padStart(3, '0'));
  if (request.track2) fields.set(35, track2Characters(request.track2));
  if (request.rrn) fields.set(37, request.rrn);
  fields.set(41, request.terminalId);
  fields.set(42, request.merchantId);
  if (request.merchantNameLocation) fields.set(43, request.merchantNameLocation);
  fields.set(49, request.currency.padStart(3, '0'));
  if (request.pinBlock) {
    fields.set(52, request.pinBlock.block);
    fields.set(53, String(request.pinBlock.format).padStart(2, '0').padEnd(16, '0'));
  }
  if (request.otherAmountMinor !== undefined && request.otherAmountMinor > 0) {
    // Additional amounts (ISO 8583:1987 field 54): account type 00, amount type 40 (cashback), currency, sign, amount.
    fields.set(54, '0040' + request.currency.padStart(3, '0') + 'D' + String(request.otherAmountMinor).padStart(12, '0'));
  }
  if (request.iccData.size > 0) fields.set(55, encodeIccData(request.iccData));
  if (request.kind === 'reversal') {
    // Original data elements: original MTI, STAN, transmission date/time, acquirer and forwarding institution ids.
    const originalStan = (request.originalStan ?? request.stan).padStart(6, '0');
    const originalDate = (request as IssuerRequest).originalDate ?? mmdd;
    fields.set(90, '0100' + originalStan + originalDate + request.time + '0'.repeat(22));
  }
  return { mti: requestMti(request.kind, repeat), fields };
}

/** Decodes field 55 (BER-TLV) into the tag -> value map, naming field 55 on error. */
function iccDataOf(message: Iso8583Message): Map<string, Bytes> {
  const raw = optionalBytes(message, 55);
  if (!raw) return new Map();
  try {
    return flattenTlv(decodeTlv(raw));
  } catch (err) {
    if (err instanceof TlvError) throw new Iso8583Error(55, `ICC data: ${err.message}`, err.offset, message);
    throw err;
  }
}

function digitsOr(message: Iso8583Message, n: number, pattern: RegExp, what: string): string {
  const v = textField(message, n);
  if (!pattern.test(v)) throw new Iso8583Error(n, `'${v}' is not ${what}`, 0, message);
  return v;
}

/**
 * Builds the AuthorisationRequest from a decoded 0100/0200/0400 message.
 * `today` (YYMMDD) supplies the year when the ICC data carries no 9A.
 */
export function messageToRequest(message: Iso8583Message, today: string): IssuerRequest {
  const kind = kindOfMti(message.mti);
  if (!kind) throw new Iso8583Error(0, `${message.mti} is not a request this host answers`, 0, message);
  const iccData = iccDataOf(message);
  const pan = digitsOr(message, 2, /^[0-9]{12,19}$/, 'a PAN of 12 to 19 digits');
  const processing = digitsOr(message, 3, /^[0-9]{6}$/, 'a processing code');
  const amount = Number(textField(message, 4));
  const stan = textField(message, 11);
  const mmdd = textField(message, 13);
  const time = textField(message, 12);
  if (!/^(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$/.test(mmdd)) throw new Iso8583Error(13, `'${mmdd}' is not MMDD`, 0, message);
  if (!/^([01][0-9]|2[0-3])[0-5][0-9][0-5][0-9]$/.test(time)) throw new Iso8583Error(12, `'${time}' is not hhmmss`, 0, message);
  const dateFromIcc = iccData.get('9A');
  const date = dateFromIcc && dateFromIcc.length === 3 ? toHex(dateFromIcc) : today.slice(0, 2) + mmdd;
  const request: IssuerRequest = {
    kind,
    pan,
    amountMinor: amount,
    currency: textField(message, 49),
    date,
    time,
    transactionType: processing.slice(0, 2),
    posEntryMode: textField(message, 22),
    terminalId: textField(message, 41).trimEnd(),
    merchantId: textField(message, 42).trimEnd(),
    terminalCountry: optionalText(message, 19) ?? countryDigits(iccData.has('9F1A') ? toHex(iccData.get('9F1A')!) : '000'),
    stan,
    iccData,
  };
  const psn = optionalText(message, 23);
  if (psn !== undefined) request.panSequenceNumber = psn.slice(-2);
  const expiry = optionalText(message, 14);
  if (expiry !== undefined) {
    if (!/^[0-9]{2}(0[1-9]|1[0-2])$/.test(expiry)) throw new Iso8583Error(14, `'${expiry}' is not YYMM`, 0, message);
    request.expiry = endOfMonth(expiry);
  }
  const mcc = optionalText(message, 18);
  if (mcc !== undefined) request.merchantCategoryCode = mcc;
  const track2 = optionalText(message, 35);
  if (track2 !== undefined) {
    // ISO/IEC 7813: exactly one separator, and the PAN before it is the card's (field 2).
    const parsed = splitTrack2(track2);
    if (isTrack2Problem(parsed)) throw new Iso8583Error(35, parsed.error, 0, message);
    if (parsed.pan !== pan) throw new Iso8583Error(35, `PAN ${parsed.pan} in track 2 differs from field 2 ${pan}`, 0, message);
    request.track2 = track2EquivalentHex(track2);
  }
  const rrn = optionalText(message, 37);
  if (rrn !== undefined) request.rrn = rrn;
  const location = optionalText(message, 43);
  if (location !== undefined) request.merchantNameLocation = location.trimEnd();
  const pinBlock = optionalBytes(message, 52);
  if (pinBlock) {
    const format = Number((optionalText(message, 53) ?? '00').slice(0, 2));
    if (format !== 0 && format !== 1 && format !== 3 && format !== 4) {
      throw new Iso8583Error(53, `PIN block format ${format} is not 0, 1, 3 or 4`, 0, message);
    }
    if (pinBlock.length !== (format === 4 ? 16 : 8)) {
      throw new Iso8583Error(52, `a format ${format} PIN block has ${format === 4 ? 16 : 8} bytes, not ${pinBlock.length}`, 0, message);
    }
    request.pinBlock = { format, block: pinBlock };
  }
  const additional = optionalText(message, 54);
  if (additional !== undefined) {
    const m = /^[0-9]{2}40[0-9]{3}[CD]([0-9]{12})/.exec(additional);
    if (!m) throw new Iso8583Error(54, `'${additional}' carries no cashback amount (type 40)`, 0, message);
    request.otherAmountMinor = Number(m[1]);
  }
  if (kind === 'reversal') {
    const original = optionalText(message, 90);
    if (original !== undefined) {
      // Original data elements: MTI (4), STAN (6), transmission date and time MMDDhhmmss (10), ids (22).
      request.originalStan = original.slice(4, 10);
      const originalDate = original.slice(10, 14);
      if (originalDate !== '0000') {
        if (!/^(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])$/.test(originalDate)) throw new Iso8583Error(90, `original date '${originalDate}' is not MMDD`, 10, message);
        request.originalDate = originalDate;
      }
    }
  }
  return request;
}

/** Builds the 0110/0210/0410 answer, echoing the request's identifying fields (ISO 8583:1987 §4.3, "echo" rule). */
export function responseToMessage(request: Iso8583Message, response: AuthorisationResponse): Iso8583Message {
  const fields = new Map<number, string | Bytes>();
  for (const n of [2, 3, 4, 7, 11, 12, 13, 37, 41, 42, 49, 70, 90]) {
    const v = request.fields.get(n);
    if (v !== undefined) fields.set(n, v);
  }
  if (response.authorisationCode) fields.set(38, response.authorisationCode);
  fields.set(39, response.responseCode);
  if (response.decidedBy) fields.set(44, response.decidedBy.slice(0, 25));
  const icc: Bytes[] = [];
  if (response.issuerAuthenticationData) icc.push(encodeTlv('91', response.issuerAuthenticationData));
  for (const script of response.issuerScripts ?? []) icc.push(script);
  if (icc.length > 0) fields.set(55, Uint8Array.from(icc.flatMap((b) => [...b])));
  if (response.message) fields.set(63, response.message.replace(/[^\x20-\x7E]/g, '?').slice(0, 999));
  return { mti: responseMti(request.mti), fields };
}

/** Reads a 0110/0210/0410 answer back into an AuthorisationResponse (client side). */
export function messageToResponse(message: Iso8583Message): AuthorisationResponse {
  const response: AuthorisationResponse = { responseCode: textField(message, 39) };
  const code = optionalText(message, 38);
  if (code !== undefined) response.authorisationCode = code;
  const decidedBy = optionalText(message, 44);
  if (decidedBy !== undefined) response.decidedBy = decidedBy;
  const text = optionalText(message, 63);
  if (text !== undefined) response.message = text;
  const icc = optionalBytes(message, 55);
  if (icc) {
    let objects;
    try {
      objects = decodeTlv(icc, { recursive: false });
    } catch (err) {
      if (err instanceof TlvError) throw new Iso8583Error(55, `ICC data: ${err.message}`, err.offset, message);
      throw err;
    }
    const scripts: Bytes[] = [];
    for (const o of objects) {
      if (o.tag === '91') response.issuerAuthenticationData = o.value;
      else if (o.tag === '71' || o.tag === '72') scripts.push(encodeTlv(o.tag, o.value));
    }
    if (scripts.length > 0) response.issuerScripts = scripts;
  }
  return response;
}
