/**
 * Personalisation: the data objects, records, FCIs and AFL a profile puts on
 * the card (EMV Book 3 Annex A, Book 1 §11.3.4 FCI, Book 1 §12.2.3 PSE).
 *
 * Record layout of the payment application (AFL = 08010100 10010202 18010200):
 *   SFI 1 record 1   70 { 57 track 2 equivalent, 5F20 cardholder name }          (not in ODA)
 *   SFI 2 record 1   70 { 5A, 5F34, 5F24, 5F25, 5F28, 5F30, 9F07, 9F08, 9F42, 9F44,
 *                         9F0D, 9F0E, 9F0F, 8E, 9F4A, extra data }               (ODA)
 *   SFI 2 record 2   70 { 8C CDOL1, 8D CDOL2, 9F14, 9F23, 9F49 DDOL }             (ODA)
 *   SFI 3 record 1   70 { 8F, 90, 9F32, 92 }                     (when ODA is not 'none')
 *   SFI 3 record 2   70 { 93 } (SDA) or 70 { 9F46, 9F47, 9F48 } (DDA/CDA)
 *   SFI 3 record 3   70 { 9F2D, 9F2E, 9F2F } with a separate PIN encipherment key (Book 2 §7.1;
 *                    a record of its own: two certificates do not fit a short response)
 *   SFI 11           transaction log (9F4D = 0B nn), values only (Book 3 Annex D)
 */
import { type Bytes, ascii, bcd, cn, fromHex, uintBytes } from '../apdu/index.js';
import { encodeTlv, type TlvInput } from '../apdu/index.js';
import { type DolView, viewDol } from './dol-view.js';
import { applyRawRecords, rawFci } from './profile/raw-image.js';
import type { CardProfile } from './profile/types.js';
import { ppseFci } from './os/ppse.js';

export const PSE_NAME = ascii('1PAY.SYS.DDF01');
export const PSE_DIRECTORY_SFI = 1;
export const LOG_SFI = 11;
/** Log format (9F4F), Book 3 Annex D: amount, other amount, currency, date, type, ATC, CID, country. */
export const LOG_FORMAT = fromHex('9F02069F03065F2A029A039C019F36029F27019F1A02');

/** Certificates and signatures produced for offline data authentication (Book 2 §5-§6). */
export interface OdaMaterial {
  /** CA public key index (8F). */
  caIndex: string;
  issuerCertificate: string;
  issuerRemainder: string;
  issuerExponent: string;
  iccCertificate?: string;
  iccRemainder?: string;
  iccExponent?: string;
  signedStaticData?: string;
  /** ICC PIN encipherment public key certificate (9F2D), remainder (9F2F) and exponent (9F2E). */
  pinCertificate?: string;
  pinRemainder?: string;
  pinExponent?: string;
}

export interface CardLayout {
  aip: Bytes;
  /** The AFL; undefined when a raw image answers GET PROCESSING OPTIONS without one. */
  afl: Bytes | undefined;
  /** Application records by SFI; record number n is at index n-1. */
  records: Map<number, Bytes[]>;
  pseFci: Bytes;
  /** PPSE FCI (os/ppse.ts), when the profile has a PPSE. */
  ppseFci: Bytes | undefined;
  /** PSE directory records (SFI 1 of the PSE DDF). */
  pseRecords: Bytes[];
  /** FCI of each application in profile.applications order. */
  appFci: Bytes[];
  pdol: DolView;
  cdol1: DolView;
  cdol2: DolView;
  ddol: DolView;
}

const tlv = (tag: string, value: Bytes | string): TlvInput => ({ tag, value: typeof value === 'string' ? fromHex(value) : value });

/** AIP (82) from the profile (Book 3 Annex C1 Table 37) unless the profile fixes it. */
export function applicationInterchangeProfile(p: CardProfile): Bytes {
  if (p.aip) return fromHex(p.aip);
  let b1 = 0x08 | 0x04; // terminal risk management to be performed, issuer authentication supported
  if (p.oda === 'sda') b1 |= 0x40;
  if (p.oda === 'dda') b1 |= 0x20;
  if (p.oda === 'cda') b1 |= 0x21;
  if (p.cvmList !== null) b1 |= 0x10; // cardholder verification is supported
  return Uint8Array.of(b1, 0x00);
}

export function applicationFileLocator(p: CardProfile): Bytes {
  const entries = ['08010100', '10010202'];
  if (p.oda !== 'none') entries.push(p.pinEnciphermentKey ? '18010300' : '18010200');
  return fromHex(entries.join(''));
}

/** Track 2 equivalent data (57): PAN 'D' YYMM service code discretionary data, F-padded (Book 3 Annex A). */
export function track2Equivalent(p: CardProfile, pan: string): Bytes {
  let s = `${pan}D${p.expiry.slice(0, 4)}${p.serviceCode}0000000000000`;
  if (s.length % 2) s += 'F';
  return fromHex(s);
}

/** The records that feed offline data authentication (AFL ODA counts: SFI 2 records 1-2). */
export function odaRecordNumbers(): { sfi: number; record: number }[] {
  return [
    { sfi: 2, record: 1 },
    { sfi: 2, record: 2 },
  ];
}

function record(objects: TlvInput[]): Bytes {
  return encodeTlv('70', objects);
}

/** SFI 1 and SFI 2 records (independent of certificates). */
export function dataRecords(p: CardProfile, pan: string): Map<number, Bytes[]> {
  const sfi1 = [record([tlv('57', track2Equivalent(p, pan)), tlv('5F20', ascii(p.cardholderName))])];
  const appData: TlvInput[] = [
    tlv('5A', cn(pan, Math.ceil(pan.length / 2))),
    tlv('5F34', bcd(p.panSequenceNumber, 1)),
    tlv('5F24', p.expiry),
    tlv('5F25', p.effective),
    tlv('5F28', p.issuerCountry),
    tlv('5F30', bcd(p.serviceCode, 2)),
    tlv('9F07', p.auc),
    tlv('9F08', p.applicationVersion),
    tlv('9F42', p.currency),
    tlv('9F44', uintBytes(p.currencyExponent, 1)),
    tlv('9F0D', p.iac.default),
    tlv('9F0E', p.iac.denial),
    tlv('9F0F', p.iac.online),
  ];
  if (p.cvmList !== null) appData.push(tlv('8E', p.cvmList));
  if (p.oda !== 'none' && p.sdaTagList) appData.push(tlv('9F4A', p.sdaTagList));
  for (const [tag, value] of Object.entries(p.extraData)) appData.push(tlv(tag, value));
  const riskData: TlvInput[] = [
    tlv('8C', p.cdol1),
    tlv('8D', p.cdol2),
    tlv('9F14', uintBytes(p.risk.lowerConsecutiveOfflineLimit, 1)),
    tlv('9F23', uintBytes(p.risk.upperConsecutiveOfflineLimit, 1)),
  ];
  if (p.oda === 'dda' || p.oda === 'cda') riskData.push(tlv('9F49', p.ddol));
  return new Map([
    [1, sfi1],
    [2, [record(appData), record(riskData)]],
  ]);
}

/** SFI 3: the certificate records (not part of the static data to be authenticated). */
export function certificateRecords(p: CardProfile, oda: OdaMaterial | undefined): Bytes[] {
  if (p.oda === 'none' || !oda) return [];
  const keys: TlvInput[] = [tlv('8F', oda.caIndex), tlv('90', oda.issuerCertificate), tlv('9F32', oda.issuerExponent)];
  if (oda.issuerRemainder) keys.push(tlv('92', oda.issuerRemainder));
  const second: TlvInput[] = [];
  if (p.oda === 'sda' && oda.signedStaticData) second.push(tlv('93', oda.signedStaticData));
  if ((p.oda === 'dda' || p.oda === 'cda') && oda.iccCertificate) {
    second.push(tlv('9F46', oda.iccCertificate), tlv('9F47', oda.iccExponent ?? '03'));
    if (oda.iccRemainder) second.push(tlv('9F48', oda.iccRemainder));
  }
  if (!oda.pinCertificate) return [record(keys), record(second)];
  const pin: TlvInput[] = [tlv('9F2D', oda.pinCertificate), tlv('9F2E', oda.pinExponent ?? '03')];
  if (oda.pinRemainder) pin.push(tlv('9F2F', oda.pinRemainder));
  return [record(keys), record(second), record(pin)];
}

function applicationFci(p: CardProfile, index: number): Bytes {
  const app = p.applications[index]!;
  const prop: TlvInput[] = [tlv('50', ascii(app.label)), tlv('87', uintBytes(app.priority, 1))];
  if (p.pdol) prop.push(tlv('9F38', p.pdol));
  prop.push(tlv('5F2D', ascii(p.languagePreference)), tlv('9F11', uintBytes(p.issuerCodeTableIndex, 1)));
  if (app.preferredName) prop.push(tlv('9F12', ascii(app.preferredName)));
  if (p.logRecords > 0) prop.push({ tag: 'BF0C', children: [tlv('9F4D', Uint8Array.of(LOG_SFI, p.logRecords))] });
  return encodeTlv('6F', [tlv('84', app.aid), { tag: 'A5', children: prop }]);
}

export function buildLayout(p: CardProfile, pan: string, oda: OdaMaterial | undefined): CardLayout {
  const generated = dataRecords(p, pan);
  const certs = certificateRecords(p, oda);
  if (certs.length) generated.set(3, certs);
  const records = applyRawRecords(generated, p.raw);
  const pseFci = encodeTlv('6F', [
    tlv('84', PSE_NAME),
    { tag: 'A5', children: [tlv('88', uintBytes(PSE_DIRECTORY_SFI, 1)), tlv('5F2D', ascii(p.languagePreference))] },
  ]);
  // Book 1 §12.2.3: one Application Template (61) per directory record.
  const pseRecords = p.applications.map((a) => {
    const entry: TlvInput[] = [tlv('4F', a.aid), tlv('50', ascii(a.label))];
    if (a.preferredName) entry.push(tlv('9F12', ascii(a.preferredName)));
    entry.push(tlv('87', uintBytes(a.priority, 1)));
    return record([{ tag: '61', children: entry }]);
  });
  return {
    aip: applicationInterchangeProfile(p),
    afl: p.raw?.afl === undefined ? applicationFileLocator(p) : p.raw.afl === null ? undefined : fromHex(p.raw.afl),
    records,
    pseFci,
    ppseFci: ppseFci(p),
    pseRecords,
    appFci: p.applications.map((a, i) => {
      const raw = rawFci(p.raw, a.aid);
      return raw !== undefined ? fromHex(raw) : applicationFci(p, i);
    }),
    pdol: viewDol(fromHex(p.pdol)),
    cdol1: viewDol(fromHex(p.cdol1)),
    cdol2: viewDol(fromHex(p.cdol2)),
    ddol: viewDol(fromHex(p.ddol)),
  };
}
