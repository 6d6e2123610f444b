/**
 * Validation of a merged profile object into a CardProfile. Every error is a
 * DocumentError naming the file, line and field path (the line found by the
 * loader's `locate`, which knows which file of the base chain set the field).
 */
import { DocumentError } from '../../apdu/index.js';
import { parseDol } from '../../apdu/index.js';
import { readTag } from '../../apdu/index.js';
import { DOL_DATA_MAX, dolProblem } from '../../documents/index.js';
import { COMMAND_INS, FAULT_ACTIONS, type FaultAction, type FaultRule } from '../faults.js';
import { validateRawImage } from './raw-image.js';
import type { ApplicationEntry, CardProfile, CertificateSettings, CryptogramProfile, OdaMethod, RiskProfile } from './types.js';

export type Locate = (path: readonly (string | number)[]) => { file?: string; line?: number };

type Obj = Record<string, unknown>;

class Checker {
  constructor(private readonly locate: Locate) {}

  fail(path: readonly (string | number)[], message: string): never {
    const where = this.locate(path);
    throw new DocumentError(message, { ...where, field: path.join('.') || '$' });
  }

  obj(v: unknown, path: (string | number)[]): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, 'must be a mapping');
    return v as Obj;
  }

  str(o: Obj, key: string, path: (string | number)[], pattern?: RegExp, hint?: string): string {
    const v = o[key];
    if (typeof v === 'number' && Number.isInteger(v) && pattern) return this.str({ [key]: String(v) }, key, path, pattern, hint);
    if (typeof v !== 'string') this.fail([...path, key], `must be a string${hint ? ` (${hint})` : ''}`);
    if (pattern && !pattern.test(v)) this.fail([...path, key], `'${v}' is not ${hint ?? pattern.source}`);
    return v;
  }

  hex(o: Obj, key: string, path: (string | number)[], bytes?: { min?: number; max?: number; exact?: number }): string {
    const raw = o[key];
    const text = typeof raw === 'number' ? String(raw) : raw;
    if (typeof text !== 'string') this.fail([...path, key], 'must be a hex string');
    const h = text.replace(/[\s:]/g, '').toUpperCase();
    if (!/^([0-9A-F]{2})*$/.test(h)) this.fail([...path, key], `'${text}' is not an even number of hex digits`);
    const n = h.length / 2;
    if (bytes?.exact !== undefined && n !== bytes.exact) this.fail([...path, key], `must be ${bytes.exact} bytes, got ${n}`);
    if (bytes?.min !== undefined && n < bytes.min) this.fail([...path, key], `must be at least ${bytes.min} bytes, got ${n}`);
    if (bytes?.max !== undefined && n > bytes.max) this.fail([...path, key], `must be at most ${bytes.max} bytes, got ${n}`);
    return h;
  }

  int(o: Obj, key: string, path: (string | number)[], min: number, max: number): number {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isInteger(v)) this.fail([...path, key], 'must be an integer');
    if (v < min || v > max) this.fail([...path, key], `${v} is outside ${min}..${max}`);
    return v;
  }

  bool(o: Obj, key: string, path: (string | number)[]): boolean {
    const v = o[key];
    if (typeof v !== 'boolean') this.fail([...path, key], 'must be true or false');
    return v;
  }

  oneOf<T extends string | number>(o: Obj, key: string, path: (string | number)[], values: readonly T[]): T {
    const v = o[key] as T;
    if (!values.includes(v)) this.fail([...path, key], `'${String(v)}' is not one of ${values.join(', ')}`);
    return v;
  }

  /** A DOL, checked by the same rule as the profile schema (src/documents dolProblem: the card's parseDol). */
  dol(o: Obj, key: string, path: (string | number)[], maxData: number): string {
    const h = this.hex(o, key, path);
    const problem = dolProblem(h, maxData);
    if (problem) this.fail([...path, key], problem);
    return h;
  }
}

const DATE = /^\d{2}(0[1-9]|1[0-2])(\d{2})?$/;

/** YYMM -> YYMMDD: expiry at the end of the month, effective at its start. */
function fullDate(d: string, end: boolean): string {
  if (d.length === 6) return d;
  if (!end) return `${d}01`;
  const yy = Number(d.slice(0, 2));
  const mm = Number(d.slice(2, 4));
  const last = new Date(Date.UTC(2000 + yy, mm, 0)).getUTCDate();
  return `${d}${String(last).padStart(2, '0')}`;
}

function faultRule(c: Checker, v: unknown, path: (string | number)[]): FaultRule {
  const o = c.obj(v, path);
  const action = c.oneOf(o, 'action', path, FAULT_ACTIONS) as FaultAction;
  const rule: FaultRule = { action };
  if (o.command !== undefined) {
    const name = String(o.command).toUpperCase();
    const ins = COMMAND_INS[name];
    if (ins === undefined) c.fail([...path, 'command'], `unknown command '${String(o.command)}' (one of ${Object.keys(COMMAND_INS).join(', ')})`);
    rule.ins = ins;
  }
  for (const k of ['cla', 'ins', 'p1', 'p2'] as const) {
    if (o[k] !== undefined) rule[k] = parseInt(c.hex(o, k, path, { exact: 1 }), 16);
  }
  if (o.sw !== undefined) rule.sw = parseInt(c.hex(o, 'sw', path, { exact: 2 }), 16);
  if (action === 'status' && rule.sw === undefined) c.fail([...path, 'sw'], "a 'status' fault needs sw (e.g. 6F00)");
  if (o.occurrence !== undefined) rule.occurrence = c.int(o, 'occurrence', path, 1, 1_000_000);
  if (o.times !== undefined) rule.times = c.int(o, 'times', path, 0, 1_000_000);
  if (o.delayMs !== undefined) rule.delayMs = c.int(o, 'delayMs', path, 0, 600_000);
  if (o.keepBytes !== undefined) rule.keepBytes = c.int(o, 'keepBytes', path, 0, 65_536);
  if (o.offset !== undefined) rule.offset = c.int(o, 'offset', path, 0, 65_536);
  return rule;
}

/** Whether hex is exactly one BER-TLV tag (Book 3 Annex B1). */
function isWholeTag(hex: string): boolean {
  try {
    return readTag(Buffer.from(hex, 'hex'), 0).size === hex.length / 2;
  } catch {
    return false;
  }
}

/** Whether a DOL lists `tag` with `length` (e.g. 9F37 04). */
function dolLists(dolHex: string, tag: string, length: number): boolean {
  return parseDol(dolHex).some((e) => e.tag === tag && e.length === length);
}

const MMYY = /^(0[1-9]|1[0-2])\d{2}$/;

/** The `certificates` mapping: MMYY dates as the certificates hold them (Book 2 Tables 13, 14) and the CA index (8F). */
function certificateSettings(c: Checker, v: unknown, oda: OdaMethod): CertificateSettings {
  const p = ['certificates'];
  const o = c.obj(v, p);
  for (const k of Object.keys(o)) if (!['issuerExpiry', 'iccExpiry', 'caIndex'].includes(k)) c.fail([...p, k], 'unknown field (issuerExpiry, iccExpiry, caIndex)');
  if (oda === 'none') c.fail(p, "the card has no certificates: oda is 'none'");
  const out: CertificateSettings = {};
  if (o.issuerExpiry !== undefined) out.issuerExpiry = c.str(o, 'issuerExpiry', p, MMYY, 'a month MMYY (e.g. 1219 = December 2019)');
  if (o.iccExpiry !== undefined) {
    if (oda === 'sda') c.fail([...p, 'iccExpiry'], 'an SDA card has no ICC public key certificate (oda: dda or cda)');
    out.iccExpiry = c.str(o, 'iccExpiry', p, MMYY, 'a month MMYY (e.g. 1219 = December 2019)');
  }
  if (o.caIndex !== undefined) out.caIndex = c.hex(o, 'caIndex', p, { exact: 1 });
  return out;
}

export function validateProfile(merged: unknown, locate: Locate): CardProfile {
  const c: Checker = new Checker(locate);
  const o = c.obj(merged, []);
  const known = new Set(['base', 'name', 'description', 'protocol', 'pse', 'ppse', 'applications', 'languagePreference', 'issuerCodeTableIndex', 'pan', 'panPrefix', 'panLength', 'panSequenceNumber', 'expiry', 'effective', 'cardholderName', 'serviceCode', 'issuerCountry', 'currency', 'currencyExponent', 'pin', 'pinTryLimit', 'pinTryCounter', 'applicationVersion', 'auc', 'aip', 'oda', 'pinEncipherment', 'pinEnciphermentKey', 'cvmList', 'iac', 'pdol', 'cdol1', 'cdol2', 'ddol', 'sdaTagList', 'gpoFormat', 'generateAcFormat', 'cryptogram', 'risk', 'logRecords', 'iccKeyBits', 'extraData', 'applicationBlocked', 'cardBlocked', 'faults', 'atcIncrement', 'iadFormat', 'raw', 'certificates']);
  for (const k of Object.keys(o)) if (!known.has(k)) c.fail([k], 'unknown field');

  const appsRaw = o.applications;
  if (!Array.isArray(appsRaw) || appsRaw.length === 0) c.fail(['applications'], 'must be a non-empty list');
  const applications: ApplicationEntry[] = appsRaw.map((a, i) => {
    const p = ['applications', i];
    const ao = c.obj(a, p);
    const entry: ApplicationEntry = {
      aid: c.hex(ao, 'aid', p, { min: 5, max: 16 }),
      label: c.str(ao, 'label', p, /^[\x20-\x7e]{1,16}$/, '1 to 16 printable ASCII characters'),
      priority: c.int(ao, 'priority', p, 0, 255),
    };
    if (ao.preferredName !== undefined) entry.preferredName = c.str(ao, 'preferredName', p, /^[\x20-\x7e]{1,16}$/, '1 to 16 characters');
    if (ao.contactless !== undefined) entry.contactless = c.bool(ao, 'contactless', p);
    if (ao.kernelId !== undefined) entry.kernelId = c.hex(ao, 'kernelId', p, { min: 1, max: 8 });
    if (ao.extendedSelection !== undefined) entry.extendedSelection = c.hex(ao, 'extendedSelection', p, { min: 1, max: 11 });
    return entry;
  });

  const cg = c.obj(o.cryptogram, ['cryptogram']);
  const cp = ['cryptogram'];
  const imk = c.obj(cg.issuerMasterKeys, [...cp, 'issuerMasterKeys']);
  const ip = [...cp, 'issuerMasterKeys'];
  const cryptogram: CryptogramProfile = {
    cvn: c.int(cg, 'cvn', cp, 0, 255),
    dki: c.int(cg, 'dki', cp, 0, 255),
    derivation: c.oneOf(cg, 'derivation', cp, ['A', 'B'] as const),
    sessionKey: c.oneOf(cg, 'sessionKey', cp, ['common', 'master', 'mastercard'] as const),
    padding: c.oneOf(cg, 'padding', cp, [1, 2] as const),
    arpcMethod: c.oneOf(cg, 'arpcMethod', cp, [1, 2] as const),
    arpcKey: c.oneOf(cg, 'arpcKey', cp, ['session', 'master'] as const),
    arpcProprietaryDataLength: cg.arpcProprietaryDataLength === undefined ? 0 : c.int(cg, 'arpcProprietaryDataLength', cp, 0, 8),
    issuerMasterKeys: { ac: c.hex(imk, 'ac', ip, { exact: 16 }), smi: c.hex(imk, 'smi', ip, { exact: 16 }), smc: c.hex(imk, 'smc', ip, { exact: 16 }) },
    scriptMacLength: c.int(cg, 'scriptMacLength', cp, 4, 8),
    scriptKeys: c.oneOf(cg, 'scriptKeys', cp, ['common', 'visa'] as const),
    scriptEncryption: c.oneOf(cg, 'scriptEncryption', cp, ['emv', 'mastercard', 'visa'] as const),
    pinChangeBlock: c.oneOf(cg, 'pinChangeBlock', cp, ['iso2', 'vis'] as const),
  };

  const rk = c.obj(o.risk, ['risk']);
  const rp = ['risk'];
  const risk: RiskProfile = {
    lowerConsecutiveOfflineLimit: c.int(rk, 'lowerConsecutiveOfflineLimit', rp, 0, 255),
    upperConsecutiveOfflineLimit: c.int(rk, 'upperConsecutiveOfflineLimit', rp, 0, 255),
    cumulativeOfflineAmountLimit: c.int(rk, 'cumulativeOfflineAmountLimitMinor', rp, 0, 999_999_999_999),
    onlineIfIssuerAuthFailed: c.bool(rk, 'onlineIfIssuerAuthFailed', rp),
    onlineIfPinTryLimitExceeded: c.bool(rk, 'onlineIfPinTryLimitExceeded', rp),
    declineIfPinTryLimitExceeded: c.bool(rk, 'declineIfPinTryLimitExceeded', rp),
    issuerAuthenticationRequired: c.bool(rk, 'issuerAuthenticationRequired', rp),
    preferOnline: c.bool(rk, 'preferOnline', rp),
    newCardOnline: c.bool(rk, 'newCardOnline', rp),
    blockApplicationOnPinTryLimitExceeded: c.bool(rk, 'blockApplicationOnPinTryLimitExceeded', rp),
  };
  if (risk.upperConsecutiveOfflineLimit < risk.lowerConsecutiveOfflineLimit) {
    c.fail(['risk', 'upperConsecutiveOfflineLimit'], 'must not be below lowerConsecutiveOfflineLimit');
  }

  const iacO = c.obj(o.iac, ['iac']);
  const pinTryLimit = c.int(o, 'pinTryLimit', [], 1, 15);
  const panLength = c.int(o, 'panLength', [], 12, 19);
  const profile: CardProfile = {
    name: c.str(o, 'name', [], /^[A-Za-z0-9._-]+$/, 'a name of letters, digits, ".", "_" and "-"'),
    description: typeof o.description === 'string' ? o.description : '',
    protocol: c.oneOf(o, 'protocol', [], ['T=0', 'T=1'] as const),
    pse: c.bool(o, 'pse', []),
    ...(o.ppse !== undefined ? { ppse: c.bool(o, 'ppse', []) } : {}),
    applications,
    languagePreference: c.str(o, 'languagePreference', [], /^([a-z]{2}){1,4}$/, '1 to 4 ISO 639 codes like "deen"'),
    issuerCodeTableIndex: c.int(o, 'issuerCodeTableIndex', [], 1, 10),
    panPrefix: c.str(o, 'panPrefix', [], /^\d{1,11}$/, '1 to 11 digits'),
    panLength,
    panSequenceNumber: c.str(o, 'panSequenceNumber', [], /^\d{2}$/, 'two digits'),
    expiry: fullDate(c.str(o, 'expiry', [], DATE, 'YYMM or YYMMDD'), true),
    effective: fullDate(c.str(o, 'effective', [], DATE, 'YYMM or YYMMDD'), false),
    cardholderName: c.str(o, 'cardholderName', [], /^[\x20-\x7e]{2,26}$/, '2 to 26 printable characters'),
    serviceCode: c.str(o, 'serviceCode', [], /^\d{3}$/, 'three digits'),
    issuerCountry: c.str(o, 'issuerCountry', [], /^\d{4}$/, 'four digits (ISO 3166 numeric, e.g. 0276)'),
    currency: c.str(o, 'currency', [], /^\d{4}$/, 'four digits (ISO 4217 numeric, e.g. 0978)'),
    currencyExponent: c.int(o, 'currencyExponent', [], 0, 3),
    pin: c.str(o, 'pin', [], /^\d{4,12}$/, '4 to 12 digits'),
    pinTryLimit,
    pinTryCounter: o.pinTryCounter === undefined ? pinTryLimit : c.int(o, 'pinTryCounter', [], 0, pinTryLimit),
    applicationVersion: c.hex(o, 'applicationVersion', [], { exact: 2 }),
    auc: c.hex(o, 'auc', [], { exact: 2 }),
    oda: c.oneOf(o, 'oda', [], ['none', 'sda', 'dda', 'cda'] as const) as OdaMethod,
    pinEncipherment: c.bool(o, 'pinEncipherment', []),
    pinEnciphermentKey: c.bool(o, 'pinEnciphermentKey', []),
    cvmList: o.cvmList === null ? null : c.hex(o, 'cvmList', [], { min: 10, max: 252 }),
    iac: { default: c.hex(iacO, 'default', ['iac'], { exact: 5 }), denial: c.hex(iacO, 'denial', ['iac'], { exact: 5 }), online: c.hex(iacO, 'online', ['iac'], { exact: 5 }) },
    pdol: o.pdol === '' || o.pdol === null ? '' : c.dol(o, 'pdol', [], DOL_DATA_MAX.pdol),
    cdol1: c.dol(o, 'cdol1', [], DOL_DATA_MAX.cdol),
    cdol2: c.dol(o, 'cdol2', [], DOL_DATA_MAX.cdol),
    ddol: c.dol(o, 'ddol', [], DOL_DATA_MAX.cdol),
    sdaTagList: o.sdaTagList === '' || o.sdaTagList === null ? '' : c.hex(o, 'sdaTagList', [], { max: 16 }),
    gpoFormat: c.oneOf(o, 'gpoFormat', [], [1, 2] as const),
    generateAcFormat: c.oneOf(o, 'generateAcFormat', [], [1, 2] as const),
    cryptogram,
    risk,
    logRecords: c.int(o, 'logRecords', [], 0, 30),
    iccKeyBits: c.int(o, 'iccKeyBits', [], 512, 1408),
    extraData: {},
    applicationBlocked: c.bool(o, 'applicationBlocked', []),
    cardBlocked: c.bool(o, 'cardBlocked', []),
    faults: [],
  };
  if (cryptogram.sessionKey === 'mastercard' && !dolLists(profile.cdol1, '9F37', 4)) {
    c.fail(['cryptogram', 'sessionKey'], "'mastercard' derives the session key from the unpredictable number: cdol1 must list 9F37 04");
  }
  // The PPSE lists the applications marked contactless (src/card/os/ppse.ts).
  if (profile.ppse && !applications.some((a) => a.contactless)) c.fail(['ppse'], 'no application is marked contactless: true, the PPSE would be empty');
  applications.forEach((a, i) => {
    for (const k of ['kernelId', 'extendedSelection'] as const) {
      if (a[k] !== undefined && !a.contactless) c.fail(['applications', i, k], 'is written in the PPSE only: set contactless: true');
    }
  });
  if (profile.pinEnciphermentKey && !profile.pinEncipherment) c.fail(['pinEnciphermentKey'], 'needs pinEncipherment: true');
  if (profile.pinEnciphermentKey && profile.oda === 'none') c.fail(['pinEnciphermentKey'], "the 9F2D certificate is signed by the issuer key: oda must not be 'none'");
  if (profile.cvmList !== null && profile.cvmList.length % 4 !== 0) c.fail(['cvmList'], 'must be 8 bytes of amounts then 2-byte rules');
  if (o.pan !== undefined && o.pan !== null) {
    profile.pan = c.str(o, 'pan', [], /^\d{12,19}$/, '12 to 19 digits');
  }
  if (o.aip !== undefined && o.aip !== null) profile.aip = c.hex(o, 'aip', [], { exact: 2 });
  const extra = c.obj(o.extraData ?? {}, ['extraData']);
  for (const tag of Object.keys(extra)) {
    if (!/^[0-9A-Fa-f]{2,6}$/.test(tag) || !isWholeTag(tag)) c.fail(['extraData', tag], 'not a BER-TLV tag in hex (Book 3 Annex B1: a first byte xF/1F needs the following tag bytes)');
    profile.extraData[tag.toUpperCase()] = c.hex(extra, tag, ['extraData']);
  }
  const faults = o.faults ?? [];
  if (!Array.isArray(faults)) c.fail(['faults'], 'must be a list');
  profile.faults = faults.map((f, i) => faultRule(c, f, ['faults', i]));
  if (o.atcIncrement !== undefined) profile.atcIncrement = c.oneOf(o, 'atcIncrement', [], ['gpo', 'first-generate-ac'] as const);
  if (o.iadFormat !== undefined) profile.iadFormat = c.oneOf(o, 'iadFormat', [], ['vis', 'mchip'] as const);
  if (o.raw !== undefined && o.raw !== null) profile.raw = validateRawImage(o.raw, (path, message) => c.fail(path, message));
  if (o.certificates !== undefined && o.certificates !== null) profile.certificates = certificateSettings(c, o.certificates, profile.oda);
  return profile;
}
