/**
 * The whole offline data authentication chain as a kernel runs it (EMV Book 3 §10.3,
 * Book 2 §5 SDA, §6.3-§6.5 DDA, §6.6 CDA), step by step, keeping every step's recovered
 * data, decoded fields and failed checks so a person can see why SDA/DDA/CDA fails.
 *
 *   CAPK -> issuer certificate (90, 92, 9F32) -> signed static data (93)              SDA
 *   CAPK -> issuer certificate -> ICC certificate (9F46, 9F48, 9F47) -> 9F4B           DDA / CDA
 *                              -> ICC PIN encipherment certificate (9F2D, 9F2F, 9F2E) when present
 *
 * A step whose signer key could not be recovered (hash, header, trailer or format wrong) stops
 * the chain: the following steps are listed with the reason they were not verified.
 */
import { type Bytes, fromHex, toHex } from '../../apdu/index.js';
import type { RsaPublicKey } from '../rsa.js';
import { type OdaObject, type Recovered, type TransactionDate } from './certificate-format.js';
import { type CdaTransactionData, recoverCdaSignature, recoverDdaSignature } from './dynamic-data.js';
import { recoverIccCertificate, recoverIccPinEnciphermentCertificate } from './icc-certificate.js';
import { type RevokedCertificate, recoverIssuerCertificate } from './issuer-certificate.js';
import { recoverSignedStaticData } from './static-data.js';

export type OdaMethod = 'SDA' | 'DDA' | 'CDA';

export interface OdaChainInputs {
  /** The CA public key selected by RID and 8F. */
  capk: RsaPublicKey & { rid?: string; index?: string };
  /** Application PAN (5A) as digits or tag bytes. */
  pan?: string | Bytes;
  /** Transaction date (9A) YYMMDD, for the expiry checks. */
  transactionDate?: TransactionDate;
  /** Tag values read from the card, keyed by uppercase hex tag: 90 92 9F32 9F46 9F48 9F47 93 9F4B 9F2D 9F2F 9F2E. */
  tags: Readonly<Record<string, Bytes | string | undefined>>;
  /** Static data to be authenticated (records for ODA + AIP per the SDA tag list, Book 3 §10.3). */
  staticData?: Bytes;
  /** DDA: the DDOL-related data sent in INTERNAL AUTHENTICATE. */
  ddolData?: Bytes;
  /** CDA: data of the GENERATE AC exchange. */
  cda?: {
    unpredictableNumber: Bytes;
    cid: number;
    transactionData?: CdaTransactionData;
    expectedTransactionDataHashCode?: Bytes;
  };
  /** Which method; default: CDA when `cda` is given, DDA when 9F4B is present, SDA when 93 is present. */
  method?: OdaMethod;
  revocationList?: RevokedCertificate[];
}

export interface OdaChainStep {
  object: OdaObject;
  /** Recovered block in hex (empty when not recovered). */
  recovered: string;
  fields: Record<string, string | number>;
  hashValid: boolean;
  failures: string[];
}

export interface OdaChainResult {
  ok: boolean;
  method: OdaMethod | 'none';
  steps: OdaChainStep[];
  /** Every step's failures, in order. */
  failures: string[];
  issuerPublicKey?: RsaPublicKey;
  iccPublicKey?: RsaPublicKey;
  iccPinEnciphermentPublicKey?: RsaPublicKey;
  /** SDA: Data Authentication Code (9F45). */
  dac?: string;
  /** DDA/CDA: ICC Dynamic Number (9F4C). */
  iccDynamicNumber?: string;
  /** CDA: the application cryptogram recovered from 9F4B. */
  applicationCryptogram?: string;
}

function tag(inputs: OdaChainInputs, name: string): Bytes | undefined {
  const v = inputs.tags[name] ?? inputs.tags[name.toLowerCase()];
  if (v === undefined) return undefined;
  return typeof v === 'string' ? fromHex(v) : v;
}

function step(object: OdaObject, r: Recovered<object>): OdaChainStep {
  return { object, recovered: toHex(r.recovered), fields: r.fields as Record<string, string | number>, hashValid: r.hashValid, failures: r.failures };
}

function skipped(object: OdaObject, reason: string): OdaChainStep {
  return { object, recovered: '', fields: {}, hashValid: false, failures: [`${object}: not verified: ${reason}`] };
}

function missingStep(object: OdaObject, failure: string): OdaChainStep {
  return { object, recovered: '', fields: {}, hashValid: false, failures: [failure] };
}

function chooseMethod(inputs: OdaChainInputs): OdaMethod | 'none' {
  if (inputs.method) return inputs.method;
  if (inputs.cda) return 'CDA';
  if (tag(inputs, '9F4B')) return 'DDA';
  if (tag(inputs, '93')) return 'SDA';
  if (tag(inputs, '9F46')) return 'DDA';
  return 'none';
}

/** Verifies the ODA chain step by step (see the file comment); `ok` when no check failed. */
export function verifyOdaChain(inputs: OdaChainInputs): OdaChainResult {
  const method = chooseMethod(inputs);
  const steps: OdaChainStep[] = [];
  const result: OdaChainResult = { ok: false, method, steps, failures: [] };

  const issuer = recoverIssuerCertificate({
    capk: inputs.capk,
    certificate: tag(inputs, '90'),
    remainder: tag(inputs, '92'),
    exponent: tag(inputs, '9F32'),
    ...(inputs.pan !== undefined ? { pan: inputs.pan } : {}),
    ...(inputs.transactionDate !== undefined ? { transactionDate: inputs.transactionDate } : {}),
    ...(inputs.revocationList ? { revocationList: inputs.revocationList } : {}),
  });
  steps.push(step('issuer certificate', issuer));
  const issuerKey = issuer.issuerPublicKey;
  if (issuerKey) result.issuerPublicKey = issuerKey;

  if (method === 'SDA') {
    if (!issuerKey) steps.push(skipped('signed static data', 'issuer public key not recovered'));
    else {
      const sda = recoverSignedStaticData({ issuerPublicKey: issuerKey, signedStaticData: tag(inputs, '93'), staticData: inputs.staticData ?? new Uint8Array(0) });
      if (!inputs.staticData) sda.failures.push('signed static data: no static data to be authenticated given');
      steps.push(step('signed static data', sda));
      if (sda.fields.dac) result.dac = sda.fields.dac;
    }
  } else if (method === 'DDA' || method === 'CDA') {
    let iccKey: RsaPublicKey | undefined;
    if (!issuerKey) steps.push(skipped('ICC certificate', 'issuer public key not recovered'));
    else {
      const icc = recoverIccCertificate({
        issuerPublicKey: issuerKey,
        certificate: tag(inputs, '9F46'),
        remainder: tag(inputs, '9F48'),
        exponent: tag(inputs, '9F47'),
        ...(inputs.pan !== undefined ? { pan: inputs.pan } : {}),
        ...(inputs.transactionDate !== undefined ? { transactionDate: inputs.transactionDate } : {}),
        staticData: inputs.staticData ?? new Uint8Array(0),
      });
      steps.push(step('ICC certificate', icc));
      iccKey = icc.iccPublicKey;
      if (iccKey) result.iccPublicKey = iccKey;
    }
    const sdad = tag(inputs, '9F4B');
    if (!iccKey) steps.push(skipped('signed dynamic data', 'ICC public key not recovered'));
    else if (method === 'CDA') {
      const cda = inputs.cda;
      const r = cda
        ? recoverCdaSignature({
            iccPublicKey: iccKey,
            signedDynamicData: sdad,
            unpredictableNumber: cda.unpredictableNumber,
            cid: cda.cid,
            ...(cda.transactionData ? { transactionData: cda.transactionData } : {}),
            ...(cda.expectedTransactionDataHashCode ? { expectedTransactionDataHashCode: cda.expectedTransactionDataHashCode } : {}),
          })
        : undefined;
      if (r) {
        steps.push(step('signed dynamic data', r));
        if (r.fields.iccDynamicNumber) result.iccDynamicNumber = r.fields.iccDynamicNumber;
        if (r.fields.applicationCryptogram) result.applicationCryptogram = r.fields.applicationCryptogram;
      } else steps.push(skipped('signed dynamic data', 'CDA needs the unpredictable number, CID and transaction data'));
    } else if (!sdad) {
      // Book 2 §6.5.2 step 1: DDA needs the Signed Dynamic Application Data from INTERNAL
      // AUTHENTICATE; a recovered ICC certificate alone authenticates nothing dynamic.
      steps.push(missingStep('signed dynamic data', 'signed dynamic data (9F4B) missing: certificates only, not DDA (Book 2 §6.5.2 step 1)'));
    } else {
      const r = recoverDdaSignature({ iccPublicKey: iccKey, signedDynamicData: sdad, ddolData: inputs.ddolData ?? new Uint8Array(0) });
      if (!inputs.ddolData) r.failures.push('signed dynamic data: no DDOL data given');
      steps.push(step('signed dynamic data', r));
      if (r.fields.iccDynamicNumber) result.iccDynamicNumber = r.fields.iccDynamicNumber;
    }
  }

  if (tag(inputs, '9F2D')) {
    if (!issuerKey) steps.push(skipped('ICC PIN encipherment certificate', 'issuer public key not recovered'));
    else {
      const pin = recoverIccPinEnciphermentCertificate({
        issuerPublicKey: issuerKey,
        certificate: tag(inputs, '9F2D'),
        remainder: tag(inputs, '9F2F'),
        exponent: tag(inputs, '9F2E'),
        ...(inputs.pan !== undefined ? { pan: inputs.pan } : {}),
        ...(inputs.transactionDate !== undefined ? { transactionDate: inputs.transactionDate } : {}),
      });
      steps.push(step('ICC PIN encipherment certificate', pin));
      if (pin.iccPublicKey) result.iccPinEnciphermentPublicKey = pin.iccPublicKey;
    }
  }

  for (const s of steps) result.failures.push(...s.failures);
  result.ok = method !== 'none' && steps.length > 0 && result.failures.length === 0;
  if (method === 'none') result.failures.push('no ODA data: neither 93 (SDA) nor 9F46 (DDA/CDA) given');
  return result;
}
