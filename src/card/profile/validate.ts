/**
 * Validation of a merged profile object into a CardProfile. Every error is a
 * DocumentError naming the file, line and field path (the line found by the
 * loader's `locate`, which knows which file of the base chain set the field).
 *
 * Each field's type, length, pattern and range is checked once, by the card profile schema
 * (src/documents/schemas/card-profile.ts), on every layer before the merge (loader.ts) and on a
 * card file's stored profile (card-image-validate.ts): this module reads the merged result (a field
 * missing from every layer is reported here), normalises it (hex upper case, YYMM dates to YYMMDD)
 * and checks what no single field can: one field against another, the DOLs against the session key.
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

  /** Text (YAML reads `serviceCode: 201` as a number: the schema allows it, and it is read back as text). */
  str(o: Obj, key: string, path: (string | number)[]): string {
    const v = o[key];
    if (typeof v === 'number' && Number.isInteger(v)) return String(v);
    if (typeof v !== 'string') this.fail([...path, key], 'must be a string');
    return v;
  }

  /** Hex, normalised: separators dropped, upper case (its length is the schema's to check). */
  hex(o: Obj, key: string, path: (string | number)[]): string {
    const raw = o[key];
    const text = typeof raw === 'number' ? String(raw) : raw;
    if (typeof text !== 'string') this.fail([...path, key], 'must be a hex string');
    const h = text.replace(/[\s:]/g, '').toUpperCase();
    if (!/^([0-9A-F]{2})*$/.test(h)) this.fail([...path, key], `'${text}' is not an even number of hex digits`);
    return h;
  }

  int(o: Obj, key: string, path: (string | number)[]): number {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isInteger(v)) this.fail([...path, key], 'must be an integer');
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
    if (o[k] !== undefined) rule[k] = parseInt(c.hex(o, k, path), 16);
  }
  if (o.sw !== undefined) rule.sw = parseInt(c.hex(o, 'sw', path), 16);
  if (action === 'status' && rule.sw === undefined) c.fail([...path, 'sw'], "a 'status' fault needs sw (e.g. 6F00)");
  if (o.occurrence !== undefined) rule.occurrence = c.int(o, 'occurrence', path);
  if (o.times !== undefined) rule.times = c.int(o, 'times', path);
  if (o.delayMs !== undefined) rule.delayMs = c.int(o, 'delayMs', path);
  if (o.keepBytes !== undefined) rule.keepBytes = c.int(o, 'keepBytes', path);
  if (o.offset !== undefined) rule.offset = c.int(o, 'offset', path);
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


/** The `certificates` mapping: MMYY dates as the certificates hold them (Book 2 Tables 13, 14) and the CA index (8F). */
function certificateSettings(c: Checker, v: unknown, oda: OdaMethod): CertificateSettings {
  const p = ['certificates'];
  const o = c.obj(v, p);
  if (oda === 'none') c.fail(p, "the card has no certificates: oda is 'none'");
  const out: CertificateSettings = {};
  if (o.issuerExpiry !== undefined) out.issuerExpiry = c.str(o, 'issuerExpiry', p);
  if (o.iccExpiry !== undefined) {
    if (oda === 'sda') c.fail([...p, 'iccExpiry'], 'an SDA card has no ICC public key certificate (oda: dda or cda)');
    out.iccExpiry = c.str(o, 'iccExpiry', p);
  }
  if (o.caIndex !== undefined) out.caIndex = c.hex(o, 'caIndex', p);
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
      aid: c.hex(ao, 'aid', p),
      label: c.str(ao, 'label', p),
      priority: c.int(ao, 'priority', p),
    };
    if (ao.preferredName !== undefined) entry.preferredName = c.str(ao, 'preferredName', p);
    if (ao.contactless !== undefined) entry.contactless = c.bool(ao, 'contactless', p);
    if (ao.kernelId !== undefined) entry.kernelId = c.hex(ao, 'kernelId', p);
    if (ao.extendedSelection !== undefined) entry.extendedSelection = c.hex(ao, 'extendedSelection', p);
    return entry;
  });

  const cg = c.obj(o.cryptogram, ['cryptogram']);
  const cp = ['cryptogram'];
  const imk = c.obj(cg.issuerMasterKeys, [...cp, 'issuerMasterKeys']);
  const ip = [...cp, 'issuerMasterKeys'];
  const cryptogram: CryptogramProfile = {
    cvn: c.int(cg, 'cvn', cp),
    dki: c.int(cg, 'dki', cp),
    derivation: c.oneOf(cg, 'derivation', cp, ['A', 'B'] as const),
    sessionKey: c.oneOf(cg, 'sessionKey', cp, ['common', 'master', 'mastercard'] as const),
    padding: c.oneOf(cg, 'padding', cp, [1, 2] as const),
    arpcMethod: c.oneOf(cg, 'arpcMethod', cp, [1, 2] as const),
    arpcKey: c.oneOf(cg, 'arpcKey', cp, ['session', 'master'] as const),
    arpcProprietaryDataLength: cg.arpcProprietaryDataLength === undefined ? 0 : c.int(cg, 'arpcProprietaryDataLength', cp),
    issuerMasterKeys: { ac: c.hex(imk, 'ac', ip), smi: c.hex(imk, 'smi', ip), smc: c.hex(imk, 'smc', ip) },
    scriptMacLength: c.int(cg, 'scriptMacLength', cp),
    scriptKeys: c.oneOf(cg, 'scriptKeys', cp, ['common', 'visa'] as const),
    scriptEncryption: c.oneOf(cg, 'scriptEncryption', cp, ['emv', 'mastercard', 'visa'] as const),
    pinChangeBlock: c.oneOf(cg, 'pinChangeBlock', cp, ['iso2', 'vis'] as const),
  };

  const rk = c.obj(o.risk, ['risk']);
  const rp = ['risk'];
  const risk: RiskProfile = {
    lowerConsecutiveOfflineLimit: c.int(rk, 'lowerConsecutiveOfflineLimit', rp),
    upperConsecutiveOfflineLimit: c.int(rk, 'upperConsecutiveOfflineLimit', rp),
    cumulativeOfflineAmountLimit: c.int(rk, 'cumulativeOfflineAmountLimitMinor', rp),
    onlineIfIssuerAuthFailed: c.bool(rk, 'onlineIfIssuerAuthFailed', rp),
    onlineIfPinTryLimitExceeded: c.bool(rk, 'onlineIfPinTryLimitExceeded', rp),
    declineIfPinTryLimitExceeded: c.bool(rk, 'declineIfPinTryLimitExceeded', rp),
    issuerAuthenticationRequired: c.bool(rk, 'issuerAuthenticationRequired', rp),
    preferOnline: c.bool(rk, 'preferOnline', rp),
    newCardOnline: c.bool(rk, 'newCardOnline', rp),
    blockApplicationOnPinTryLimitExceeded: c.bool(rk, 'blockApplicationOnPinTryLimitExceeded', rp),
  };
  // Checks across fields (each field's own type and range is the schema's, checked per layer).
  if (risk.upperConsecutiveOfflineLimit < risk.lowerConsecutiveOfflineLimit) {
    c.fail(['risk', 'upperConsecutiveOfflineLimit'], 'must not be below lowerConsecutiveOfflineLimit');
  }

  const iacO = c.obj(o.iac, ['iac']);
  const pinTryLimit = c.int(o, 'pinTryLimit', []);
  const panLength = c.int(o, 'panLength', []);
  const profile: CardProfile = {
    name: c.str(o, 'name', []),
    description: typeof o.description === 'string' ? o.description : '',
    protocol: c.oneOf(o, 'protocol', [], ['T=0', 'T=1'] as const),
    pse: c.bool(o, 'pse', []),
    ...(o.ppse !== undefined ? { ppse: c.bool(o, 'ppse', []) } : {}),
    applications,
    languagePreference: c.str(o, 'languagePreference', []),
    issuerCodeTableIndex: c.int(o, 'issuerCodeTableIndex', []),
    panPrefix: c.str(o, 'panPrefix', []),
    panLength,
    panSequenceNumber: c.str(o, 'panSequenceNumber', []),
    expiry: fullDate(c.str(o, 'expiry', []), true),
    effective: fullDate(c.str(o, 'effective', []), false),
    cardholderName: c.str(o, 'cardholderName', []),
    serviceCode: c.str(o, 'serviceCode', []),
    issuerCountry: c.str(o, 'issuerCountry', []),
    currency: c.str(o, 'currency', []),
    currencyExponent: c.int(o, 'currencyExponent', []),
    pin: c.str(o, 'pin', []),
    pinTryLimit,
    pinTryCounter: o.pinTryCounter === undefined ? pinTryLimit : c.int(o, 'pinTryCounter', []),
    applicationVersion: c.hex(o, 'applicationVersion', []),
    auc: c.hex(o, 'auc', []),
    oda: c.oneOf(o, 'oda', [], ['none', 'sda', 'dda', 'cda'] as const) as OdaMethod,
    pinEncipherment: c.bool(o, 'pinEncipherment', []),
    pinEnciphermentKey: c.bool(o, 'pinEnciphermentKey', []),
    cvmList: o.cvmList === null ? null : c.hex(o, 'cvmList', []),
    iac: { default: c.hex(iacO, 'default', ['iac']), denial: c.hex(iacO, 'denial', ['iac']), online: c.hex(iacO, 'online', ['iac']) },
    pdol: o.pdol === '' || o.pdol === null ? '' : c.dol(o, 'pdol', [], DOL_DATA_MAX.pdol),
    cdol1: c.dol(o, 'cdol1', [], DOL_DATA_MAX.cdol),
    cdol2: c.dol(o, 'cdol2', [], DOL_DATA_MAX.cdol),
    ddol: c.dol(o, 'ddol', [], DOL_DATA_MAX.cdol),
    sdaTagList: o.sdaTagList === '' || o.sdaTagList === null ? '' : c.hex(o, 'sdaTagList', []),
    gpoFormat: c.oneOf(o, 'gpoFormat', [], [1, 2] as const),
    generateAcFormat: c.oneOf(o, 'generateAcFormat', [], [1, 2] as const),
    cryptogram,
    risk,
    logRecords: c.int(o, 'logRecords', []),
    iccKeyBits: c.int(o, 'iccKeyBits', []),
    extraData: {},
    applicationBlocked: c.bool(o, 'applicationBlocked', []),
    cardBlocked: c.bool(o, 'cardBlocked', []),
    faults: [],
  };
  if (profile.pinTryCounter > profile.pinTryLimit) c.fail(['pinTryCounter'], `${profile.pinTryCounter} is outside 0..${profile.pinTryLimit} (pinTryLimit)`);
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
    profile.pan = c.str(o, 'pan', []);
  }
  if (o.aip !== undefined && o.aip !== null) profile.aip = c.hex(o, 'aip', []);
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
