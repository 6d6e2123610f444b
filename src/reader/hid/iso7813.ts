/**
 * Magnetic stripe tracks of financial cards, ISO/IEC 7813: track 1 (format B,
 * alphanumeric) and track 2 (numeric), with the checks a terminal makes before
 * using a swipe: Luhn on the PAN (ISO/IEC 7812-1 Annex B), expiry YYMM with a
 * valid month, and the 3-digit service code. A service code whose first digit
 * is 2 or 6 marks a chip card (ISO/IEC 7813 §10.3 / EMV Book 4 §11.4): a swipe
 * of such a card at a chip terminal is a fallback, which the kernel flags
 * (POS entry mode 80) and the liability rules treat differently.
 */
import { ParseError, isChipServiceCode, isTrack2Problem, splitTrack2 } from '../../apdu/index.js';
import { isLuhnValid } from '../../crypto/index.js';

/** A track that does not follow ISO/IEC 7813; `offset` is the character index. */
export class TrackError extends ParseError {
  constructor(track: 'track 1' | 'track 2', message: string, offset: number) {
    super(track, message, offset);
  }
}

export interface TrackData {
  pan: string;
  /** YYMM as on the stripe. */
  expiry: string;
  serviceCode: string;
  discretionary: string;
  /** Track 1 only: cardholder name "SURNAME/GIVEN". */
  name?: string;
}

export interface SwipedCard extends TrackData {
  track1?: string;
  track2?: string;
  /** Service code starts with 2 or 6: the card has a chip (swipe = fallback at a chip terminal). */
  chipCard: boolean;
  luhnValid: boolean;
  /** Problems found (expired is not one: that is the kernel's call with its own date). */
  problems: string[];
}

/** ISO/IEC 7812-1 Annex B: the Luhn check over all digits, check digit included (src/crypto/luhn.ts). */
export const luhnValid: (digits: string) => boolean = isLuhnValid;

/** ISO/IEC 7813 service code, position 1: 2 (international) and 6 (national) mean "integrated circuit card". */
export const isChipCard: (serviceCode: string) => boolean = isChipServiceCode;

/** Service code, position 3 (PIN requirements and allowed services), ISO/IEC 7813 Table 8. */
export function serviceRestriction(serviceCode: string): string {
  const meanings: Record<string, string> = {
    '0': 'no restrictions, PIN required',
    '1': 'no restrictions',
    '2': 'goods and services only',
    '3': 'ATM only, PIN required',
    '4': 'cash only',
    '5': 'goods and services only, PIN required',
    '6': 'no restrictions, prompt for PIN if PED present',
    '7': 'goods and services only, prompt for PIN if PED present',
  };
  return meanings[serviceCode[2] ?? ''] ?? 'reserved';
}

function checkExpiry(track: 'track 1' | 'track 2', expiry: string, offset: number): void {
  if (!/^[0-9]{4}$/.test(expiry)) throw new TrackError(track, `expiry '${expiry}' is not YYMM`, offset);
  const month = Number(expiry.slice(2));
  if (month < 1 || month > 12) throw new TrackError(track, `expiry month ${expiry.slice(2)} is not 01..12`, offset + 2);
}

/** Strips the start and end sentinels (and an LRC character after the end sentinel). */
function unwrap(track: 'track 1' | 'track 2', text: string, start: string): string {
  if (text[0] !== start) throw new TrackError(track, `expected start sentinel '${start}'`, 0);
  const end = text.indexOf('?');
  if (end < 0) throw new TrackError(track, "missing end sentinel '?'", text.length);
  if (text.length > end + 2) throw new TrackError(track, 'data after the end sentinel and LRC', end + 2);
  return text.slice(1, end);
}

/** Track 2: ;PAN=YYMMSSS discretionary? (ISO/IEC 7813 §10, at most 40 characters); the fields by splitTrack2. */
export function parseTrack2(text: string): TrackData {
  const body = unwrap('track 2', text, ';');
  if (text.length > 40) throw new TrackError('track 2', `${text.length} characters exceed 40`, 40);
  // On the stripe the separator is '=' only ('D' is EMV's nibble form).
  if (/D/i.test(body)) throw new TrackError('track 2', "'D' on a stripe (the separator is '=')", 1 + body.search(/D/i));
  const fields = splitTrack2(body);
  if (isTrack2Problem(fields)) throw new TrackError('track 2', fields.error, 1 + fields.offset); // + the start sentinel
  return fields;
}

/** Track 1 format B: %B PAN ^ NAME ^ YYMM SSS discretionary ? (ISO/IEC 7813 §9, at most 79 characters). */
export function parseTrack1(text: string): TrackData {
  const body = unwrap('track 1', text, '%');
  if (text.length > 79) throw new TrackError('track 1', `${text.length} characters exceed 79`, 79);
  if (body[0] !== 'B') throw new TrackError('track 1', `format code '${body[0] ?? ''}' is not 'B'`, 1);
  const first = body.indexOf('^');
  const second = first < 0 ? -1 : body.indexOf('^', first + 1);
  if (first < 0 || second < 0) throw new TrackError('track 1', "missing field separator '^'", text.length);
  const pan = body.slice(1, first);
  if (!/^[0-9]{12,19}$/.test(pan)) throw new TrackError('track 1', `PAN '${pan}' is not 12..19 digits`, 2);
  const name = body.slice(first + 1, second);
  if (name.length < 2 || name.length > 26) throw new TrackError('track 1', `name of ${name.length} characters is not 2..26`, first + 2);
  const rest = body.slice(second + 1);
  if (rest.length < 7) throw new TrackError('track 1', 'expiry and service code missing', second + 2 + rest.length);
  checkExpiry('track 1', rest.slice(0, 4), second + 2);
  const serviceCode = rest.slice(4, 7);
  if (!/^[0-9]{3}$/.test(serviceCode)) throw new TrackError('track 1', `service code '${serviceCode}' is not 3 digits`, second + 6);
  return { pan, expiry: rest.slice(0, 4), serviceCode, discretionary: rest.slice(7), name: name.trim() };
}

/**
 * Combines tracks 1 and 2 (either may be missing or unreadable, not both) and
 * cross-checks them; track 2 wins where they differ (it is what goes online).
 */
export function readSwipe(track1: string | undefined, track2: string | undefined): SwipedCard {
  const t2 = track2 ? parseTrack2(track2) : undefined;
  const t1 = track1 ? parseTrack1(track1) : undefined;
  const main = t2 ?? t1;
  if (!main) throw new TrackError('track 2', 'no readable track', 0);
  const problems: string[] = [];
  if (t1 && t2) {
    if (t1.pan !== t2.pan) problems.push('track 1 and track 2 PANs differ');
    if (t1.expiry !== t2.expiry) problems.push('track 1 and track 2 expiry dates differ');
    if (t1.serviceCode !== t2.serviceCode) problems.push('track 1 and track 2 service codes differ');
  }
  const luhn = luhnValid(main.pan);
  if (!luhn) problems.push(`PAN fails the Luhn check (ISO/IEC 7812-1)`);
  const card: SwipedCard = { ...main, chipCard: isChipCard(main.serviceCode), luhnValid: luhn, problems };
  if (t1?.name) card.name = t1.name;
  if (track1) card.track1 = track1;
  if (track2) card.track2 = track2;
  return card;
}

/** True when YYMM is before the month of `today` (cards are valid through the end of the expiry month). */
export function isExpired(expiry: string, today: Date): boolean {
  const yy = Number(expiry.slice(0, 2));
  const mm = Number(expiry.slice(2, 4));
  const year = 2000 + yy; // ISO/IEC 7813 stripes carry two digits; payment cards are 20xx
  return year * 12 + mm < today.getUTCFullYear() * 12 + today.getUTCMonth() + 1;
}
