/**
 * Issuing a card: PAN (Luhn check digit), ICC key pair, certificate chain
 * under the emvsim test CA (scripts/ca/, CAPK index E5) and the initial state,
 * collected in a CardImage, the JSON content of a card file.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Bytes, fromHex, toHex } from '../apdu/index.js';
import { DocumentError } from '../apdu/index.js';
import { cardFileSchema, checkDocument, parseJsonSource, projectRoot } from '../documents/index.js';
import { luhnCheckDigit } from '../crypto/index.js';
import { createIccCertificate, createIccPinEnciphermentCertificate } from '../crypto/index.js';
import { buildStaticDataToBeAuthenticated, createSignedStaticData } from '../crypto/index.js';
import { TEST_CA_INDEX, loadTestIssuer, testIssuerCertificate } from '../crypto/index.js';
import { type RsaKeyPair, type RsaKeyPairJson, generateRsaKeyPair, keyPairFromJson, keyPairToJson, publicKeyOf } from '../crypto/index.js';
import { type OdaMaterial, applicationInterchangeProfile, dataRecords, odaRecordNumbers } from './personalise.js';
import type { CardProfile } from './profile/types.js';
import { validateCardImage } from './card-image-validate.js';
import { type NonVolatileState, initialState } from './state.js';

export const CARD_IMAGE_FORMAT = 'emvsim-card';

/** The JSON content of a card file. */
export interface CardImage {
  format: typeof CARD_IMAGE_FORMAT;
  version: 1;
  /** The resolved profile; `profile.pan` is the card's PAN. */
  profile: CardProfile;
  /** ICC RSA key pair (private key included: this is a test card). */
  iccKey?: RsaKeyPairJson;
  /** Separate ICC PIN encipherment key pair (profile pinEnciphermentKey, Book 2 §7.1). */
  pinKey?: RsaKeyPairJson;
  oda?: OdaMaterial;
  state: NonVolatileState;
}

export interface IssueOptions {
  /** Deterministic PAN and key choice. */
  seed?: string | number;
  /** Generate a fresh ICC key (as `card new` does) instead of taking one from the shipped pool. */
  freshIccKey?: boolean;
}

let pool: RsaKeyPair[] | undefined;

/** The shipped pool of pre-generated ICC keys (scripts/cards/keys/key-pool.json). */
export function iccKeyPool(): RsaKeyPair[] {
  if (!pool) {
    const file = join(projectRoot(), 'scripts', 'cards', 'keys', 'key-pool.json');
    try {
      const json = JSON.parse(readFileSync(file, 'utf8')) as { icc: RsaKeyPairJson[] };
      pool = json.icc.map(keyPairFromJson);
    } catch (e) {
      throw new DocumentError(`cannot read the ICC key pool: ${(e as Error).message}`, { file, field: 'icc' });
    }
  }
  return pool;
}

function seedBytes(seed: string | number | undefined, what: string, n: number): Bytes {
  const input = seed === undefined ? `${Date.now()}:${Math.random()}:${process.hrtime.bigint()}` : `${String(seed)}:${what}`;
  const out = new Uint8Array(n);
  let filled = 0;
  for (let i = 0; filled < n; i++) {
    const h = createHash('sha256').update(`emvsim-issue:${input}:${i}`).digest();
    out.set(h.subarray(0, Math.min(h.length, n - filled)), filled);
    filled += h.length;
  }
  return out;
}

/** A PAN of `length` digits starting with `prefix`, with its Luhn check digit (ISO/IEC 7812-1). */
export function generatePan(prefix: string, length: number, seed?: string | number): string {
  const random = seedBytes(seed, 'pan', length);
  let digits = prefix;
  for (let i = 0; digits.length < length - 1; i++) digits += String(random[i]! % 10);
  return digits + luhnCheckDigit(digits);
}

/** MMYY of a YYMMDD date (certificate expiry format, Book 2 Table 6). */
function mmyy(yymmdd: string): string {
  return yymmdd.slice(2, 4) + yymmdd.slice(0, 2);
}

/** Certificates and signatures for the card's ODA method (Book 2 §5.1, §6.1). */
export function odaMaterial(profile: CardProfile, pan: string, iccKey: RsaKeyPair | undefined, pinKey?: RsaKeyPair): OdaMaterial | undefined {
  if (profile.oda === 'none') return undefined;
  const settings = profile.certificates ?? {};
  const issuerCert = testIssuerCertificate(pan, settings.issuerExpiry !== undefined ? { expiry: settings.issuerExpiry } : {});
  const issuerKey = loadTestIssuer().keyPair;
  const records = dataRecords(profile, pan);
  const odaRecords = odaRecordNumbers().map(({ sfi, record }) => ({ sfi, record: records.get(sfi)![record - 1]! }));
  const staticData = buildStaticDataToBeAuthenticated(odaRecords, {
    ...(profile.sdaTagList ? { sdaTagList: fromHex(profile.sdaTagList) } : {}),
    aip: applicationInterchangeProfile(profile),
  });
  const material: OdaMaterial = {
    caIndex: settings.caIndex ?? TEST_CA_INDEX,
    issuerCertificate: toHex(issuerCert.certificate),
    issuerRemainder: toHex(issuerCert.remainder),
    issuerExponent: toHex(issuerCert.exponent),
  };
  if (profile.oda === 'sda') {
    material.signedStaticData = toHex(createSignedStaticData({ issuerKey, dataAuthenticationCode: 'DAC1', staticData }));
  } else {
    if (!iccKey) throw new DocumentError('DDA/CDA needs an ICC key', { field: 'oda' });
    const serial = toHex(seedBytes(pan, 'serial', 3));
    const cert = createIccCertificate({ issuerKey, iccPublicKey: publicKeyOf(iccKey), pan, expiry: settings.iccExpiry ?? mmyy(profile.expiry), serial, staticData });
    material.iccCertificate = toHex(cert.certificate);
    material.iccRemainder = toHex(cert.remainder);
    material.iccExponent = toHex(cert.exponent);
  }
  if (pinKey) {
    // Book 2 §7.1: the PIN encipherment key is certified by the issuer like the ICC key, without static data.
    const serial = toHex(seedBytes(pan, 'pin-serial', 3));
    const cert = createIccPinEnciphermentCertificate({ issuerKey, iccPublicKey: publicKeyOf(pinKey), pan, expiry: mmyy(profile.expiry), serial });
    material.pinCertificate = toHex(cert.certificate);
    material.pinRemainder = toHex(cert.remainder);
    material.pinExponent = toHex(cert.exponent);
  }
  return material;
}

function needsIccKey(p: CardProfile): boolean {
  return p.oda === 'dda' || p.oda === 'cda' || (p.pinEncipherment && !p.pinEnciphermentKey);
}

/** An RSA key pair: fresh, or from the shipped pool (`slot` keeps the PIN key apart from the ICC key). */
function cardKey(bits: number, options: IssueOptions, pan: string, slot: number): RsaKeyPair {
  if (options.freshIccKey) return generateRsaKeyPair(bits, 3);
  const keys = iccKeyPool();
  return keys[(seedBytes(options.seed ?? pan, 'icc-key', 1)[0]! + slot) % keys.length]!;
}

/** Personalises a card image from a resolved profile. */
export function issueCard(profile: CardProfile, options: IssueOptions = {}): CardImage {
  const pan = profile.pan ?? generatePan(profile.panPrefix, profile.panLength, options.seed);
  const resolved: CardProfile = { ...profile, pan };
  const iccKey = needsIccKey(profile) ? cardKey(profile.iccKeyBits, options, pan, 0) : undefined;
  const pinKey = profile.pinEnciphermentKey ? cardKey(profile.iccKeyBits, options, pan, 1) : undefined;
  const oda = odaMaterial(resolved, pan, iccKey, pinKey);
  return {
    format: CARD_IMAGE_FORMAT,
    version: 1,
    profile: resolved,
    ...(iccKey ? { iccKey: keyPairToJson(iccKey) } : {}),
    ...(pinKey ? { pinKey: keyPairToJson(pinKey) } : {}),
    ...(oda ? { oda } : {}),
    state: initialState(resolved),
  };
}

/**
 * Parses and validates a card file (card-image-validate.ts): every field the card reads is
 * checked, and a bad one is a DocumentError naming `file` and the field path.
 */
export function parseCardImage(text: string, file: string): CardImage {
  const src = parseJsonSource(text, file);
  const data = src.value;
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new DocumentError('a card file is a JSON object', { file, field: '$' });
  const o = data as Record<string, unknown>;
  if (o.format !== CARD_IMAGE_FORMAT) throw new DocumentError(`format must be '${CARD_IMAGE_FORMAT}'`, { file, field: 'format' });
  if (o.version !== 1) throw new DocumentError(`unsupported version ${String(o.version)}`, { file, field: 'version' });
  checkDocument(src, cardFileSchema);
  const purse = (o.state as { applets?: { geldkarte?: { balance: number; maxBalance: number; maxTransaction: number } } }).applets?.geldkarte;
  if (purse && purse.balance > purse.maxBalance) {
    throw src.error(['state', 'applets', 'geldkarte', 'balance'], `${purse.balance} cents is above the purse's maximum balance of ${purse.maxBalance}`);
  }
  const { profile, state } = validateCardImage(o, file);
  return { ...(o as unknown as CardImage), profile, state };
}
