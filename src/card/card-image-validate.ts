/**
 * Validation of a card file (the JSON CardImage written by `card new` and by every state
 * change). A card file is edited by hand in tests and demos, so everything the card reads
 * from it is checked on load: the profile goes through the same validateProfile as a YAML
 * profile, the non-volatile state against the ranges the card works in (ATC 2 bytes, Book 3
 * Annex A 9F36; PIN try counter 0..limit, 9F17; log records of the Log Format length, Book 3
 * Annex D), the keys and ODA material as hex. Every failure is a DocumentError naming the
 * file and the field path (`card.json: state.pin: ...`), never a TypeError later on.
 */
import { DocumentError } from '../apdu/index.js';
import { cardProfileSchema, validatorOf } from '../documents/index.js';
import { putDataValueError } from './app/scripts.js';
import { LOG_FORMAT } from './personalise.js';
import { validateProfile } from './profile/validate.js';
import type { CardProfile } from './profile/types.js';
import type { NonVolatileState } from './state.js';
import { viewDol } from './dol-view.js';

type Obj = Record<string, unknown>;

const HEX = /^([0-9A-Fa-f]{2})*$/;
/** Bytes of one transaction log record: the sum of the Log Format (9F4F) lengths. */
const LOG_RECORD_BYTES = [...viewDol(LOG_FORMAT).entries.values()].reduce((n, e) => n + e.length, 0);
const KEY_FIELDS = ['modulus', 'exponent', 'privateExponent'] as const;
const KEY_CRT_FIELDS = ['primeP', 'primeQ', 'exponentP', 'exponentQ', 'coefficient'] as const;
const ODA_FIELDS = ['caIndex', 'issuerCertificate', 'issuerRemainder', 'issuerExponent', 'iccCertificate', 'iccRemainder', 'iccExponent', 'signedStaticData', 'pinCertificate', 'pinRemainder', 'pinExponent'] as const;

class ImageChecker {
  constructor(readonly file: string) {}

  fail(field: string, message: string): never {
    throw new DocumentError(message, { file: this.file, field });
  }

  obj(v: unknown, field: string): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(field, 'must be an object');
    return v as Obj;
  }

  int(o: Obj, key: string, field: string, min: number, max: number): number {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isInteger(v)) this.fail(`${field}.${key}`, `must be an integer, got ${JSON.stringify(v) ?? 'nothing'}`);
    if (v < min || v > max) this.fail(`${field}.${key}`, `${v} is outside ${min}..${max}`);
    return v;
  }

  bool(o: Obj, key: string, field: string): boolean {
    const v = o[key];
    if (typeof v !== 'boolean') this.fail(`${field}.${key}`, `must be true or false, got ${JSON.stringify(v) ?? 'nothing'}`);
    return v;
  }

  hex(v: unknown, field: string, bytes: { min?: number; max?: number; exact?: number } = {}): string {
    if (typeof v !== 'string') this.fail(field, `must be a hex string, got ${JSON.stringify(v) ?? 'nothing'}`);
    if (!HEX.test(v)) this.fail(field, `'${v.length > 40 ? `${v.slice(0, 40)}...` : v}' is not an even number of hex digits`);
    const n = v.length / 2;
    if (bytes.exact !== undefined && n !== bytes.exact) this.fail(field, `must be ${bytes.exact} bytes, got ${n}`);
    if (bytes.min !== undefined && n < bytes.min) this.fail(field, `must be at least ${bytes.min} bytes, got ${n}`);
    if (bytes.max !== undefined && n > bytes.max) this.fail(field, `must be at most ${bytes.max} bytes, got ${n}`);
    return v;
  }

  /** A string-to-hex map whose keys match `keyPattern`. */
  hexMap(v: unknown, field: string, keyPattern: RegExp, keyHint: string): void {
    const o = this.obj(v, field);
    for (const [k, value] of Object.entries(o)) {
      if (!keyPattern.test(k)) this.fail(`${field}.${k}`, `key is not ${keyHint}`);
      this.hex(value, `${field}.${k}`, { min: 1, max: 255 });
    }
  }
}

/**
 * The stored profile in the YAML input shape validateProfile reads: fault rules are stored
 * resolved (numbers), the YAML form spells header bytes and status words in hex. The card
 * file keeps the resolved profile's own field names (format version 1, unchanged), so the
 * money field the YAML form names by its unit is renamed here (docs/documents.md "Amounts").
 */
function profileInput(stored: Obj): Obj {
  const profile = withYamlAmountNames(stored);
  const faults = profile.faults;
  if (!Array.isArray(faults)) return profile;
  const hexOf = (v: unknown, digits: number) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v.toString(16).toUpperCase().padStart(digits, '0') : v);
  return {
    ...profile,
    faults: faults.map((f: unknown) => {
      if (typeof f !== 'object' || f === null) return f;
      const r = { ...(f as Obj) };
      for (const k of ['cla', 'ins', 'p1', 'p2'] as const) if (r[k] !== undefined) r[k] = hexOf(r[k], 2);
      if (r.sw !== undefined) r.sw = hexOf(r.sw, 4);
      return r;
    }),
  };
}

/** risk.cumulativeOfflineAmountLimit (stored) is risk.cumulativeOfflineAmountLimitMinor in the YAML form. */
function withYamlAmountNames(profile: Obj): Obj {
  const risk = profile.risk;
  if (typeof risk !== 'object' || risk === null || Array.isArray(risk) || !('cumulativeOfflineAmountLimit' in risk)) return profile;
  const { cumulativeOfflineAmountLimit, ...rest } = risk as Obj;
  return { ...profile, risk: { ...rest, cumulativeOfflineAmountLimitMinor: cumulativeOfflineAmountLimit } };
}

/** A field of the YAML form named as the card file stores it. */
function storedField(field: string): string {
  return field.replace(/^profile\.risk\.cumulativeOfflineAmountLimitMinor$/, 'profile.risk.cumulativeOfflineAmountLimit');
}

function checkProfile(c: ImageChecker, raw: unknown): CardProfile {
  const input = profileInput(c.obj(raw, 'profile'));
  // The stored profile follows the card profile schema too (unknown or mistyped nested fields).
  const violation = validatorOf(cardProfileSchema).validate(input);
  if (violation) c.fail(storedField(['profile', ...violation.path].join('.')), violation.message);
  let profile: CardProfile;
  try {
    profile = validateProfile(input, () => ({ file: c.file }));
  } catch (e) {
    if (e instanceof DocumentError) {
      const prefix = `${c.file}: ${e.field}: `;
      const message = e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
      c.fail(e.field === '$' ? 'profile' : storedField(`profile.${e.field}`), message);
    }
    throw e;
  }
  if (profile.pan === undefined) c.fail('profile.pan', 'a card file needs the PAN it was issued with');
  return profile;
}

function checkKey(c: ImageChecker, v: unknown, field: string): void {
  const o = c.obj(v, field);
  for (const k of KEY_FIELDS) c.hex(o[k], `${field}.${k}`, { min: 1, max: 512 });
  for (const k of KEY_CRT_FIELDS) if (o[k] !== undefined) c.hex(o[k], `${field}.${k}`, { min: 1, max: 512 });
  const modulus = (o.modulus as string).length / 2;
  if (modulus < 64) c.fail(`${field}.modulus`, `${modulus} bytes is not an EMV RSA modulus (Book 2 Annex B2: 64 bytes or more)`);
}

function checkState(c: ImageChecker, raw: unknown, profile: CardProfile): NonVolatileState {
  const s = c.obj(raw, 'state');
  const f = 'state';
  const atc = c.int(s, 'atc', f, 0, 0xffff); // 9F36 is 2 bytes
  c.int(s, 'lastOnlineAtc', f, 0, atc);
  c.int(s, 'pinTryCounter', f, 0, profile.pinTryLimit);
  if (typeof s.pin !== 'string' || !/^\d{4,12}$/.test(s.pin)) c.fail('state.pin', `must be 4 to 12 digits (the reference PIN), got ${JSON.stringify(s.pin) ?? 'nothing'}`);
  c.int(s, 'consecutiveOffline', f, 0, 0xffff);
  c.int(s, 'cumulativeOfflineAmount', f, 0, 999_999_999_999); // n12 amounts
  for (const k of ['applicationBlocked', 'cardBlocked', 'issuerAuthFailedLastOnline', 'lastOnlineNotCompleted', 'scriptFailedLastTransaction'] as const) c.bool(s, k, f);
  c.int(s, 'scriptCommandsLastTransaction', f, 0, 255);
  if (!Array.isArray(s.log)) c.fail('state.log', 'must be a list of hex log records');
  if (s.log.length > profile.logRecords) c.fail('state.log', `${s.log.length} records; the profile keeps at most ${profile.logRecords} (logRecords)`);
  s.log.forEach((entry, i) => c.hex(entry, `state.log.${i}`, { exact: LOG_RECORD_BYTES }));
  c.hexMap(s.dataOverrides, 'state.dataOverrides', /^[0-9A-F]{2,6}$/, 'a tag in uppercase hex');
  // The same format check PUT DATA applies: a value the card would refuse is refused on load too.
  for (const [tag, value] of Object.entries(s.dataOverrides as Record<string, string>)) {
    const why = putDataValueError(tag, Buffer.from(value, 'hex'));
    if (why) c.fail(`state.dataOverrides.${tag}`, why);
  }
  c.hexMap(s.recordOverrides, 'state.recordOverrides', /^([1-9]|[12][0-9]|30):([1-9][0-9]?|1[0-9][0-9]|2[0-4][0-9]|25[0-5])$/, '"SFI:record" (SFI 1..30, record 1..255)');
  if (s.applets !== undefined) c.obj(s.applets, 'state.applets');
  return s as unknown as NonVolatileState;
}

/** Checks a parsed card file; returns it with the profile normalised by validateProfile. */
export function validateCardImage(o: Obj, file: string): { profile: CardProfile; state: NonVolatileState } {
  const c = new ImageChecker(file);
  const profile = checkProfile(c, o.profile);
  const state = checkState(c, o.state, profile);
  const needsIccKey = profile.oda === 'dda' || profile.oda === 'cda' || (profile.pinEncipherment && !profile.pinEnciphermentKey);
  if (o.iccKey !== undefined) checkKey(c, o.iccKey, 'iccKey');
  else if (needsIccKey) c.fail('iccKey', `missing: the profile (oda ${profile.oda}${profile.pinEncipherment ? ', enciphered PIN' : ''}) needs an ICC key`);
  if (o.pinKey !== undefined) checkKey(c, o.pinKey, 'pinKey');
  else if (profile.pinEnciphermentKey) c.fail('pinKey', 'missing: the profile has pinEnciphermentKey: true');
  if (o.oda !== undefined) {
    const oda = c.obj(o.oda, 'oda');
    for (const k of ODA_FIELDS) if (oda[k] !== undefined || k.startsWith('issuer') || k === 'caIndex') c.hex(oda[k], `oda.${k}`, k === 'caIndex' ? { exact: 1 } : { max: 512 });
  } else if (profile.oda !== 'none') {
    c.fail('oda', `missing: the profile's ODA method is ${profile.oda}`);
  }
  return { profile, state };
}
