/**
 * Cardholder verification and cryptogram codes: the CVM List '8E' (EMV 4.4
 * Book 3 §10.5 and Annex C3, Tables 43-44), CVM Results '9F34' (Book 4 Annex
 * A4, Table 33) and Cryptogram Information Data '9F27' (Book 3 §6.5.5.4,
 * Table 15).
 */
import { readUint, toHex } from './bytes.js';
import { TlvError } from './errors.js';

/** CV Rule byte 1, b6-b1 (Annex C3 Table 43). */
export const CVM_METHODS: Readonly<Record<number, string>> = {
  0x00: 'Fail CVM processing',
  0x01: 'Plaintext PIN verification performed by ICC',
  0x02: 'Enciphered PIN verified online',
  0x03: 'Plaintext PIN verification performed by ICC and signature (paper)',
  0x04: 'Enciphered PIN verification performed by ICC',
  0x05: 'Enciphered PIN verification performed by ICC and signature (paper)',
  0x1e: 'Signature (paper)',
  0x1f: 'No CVM required',
  0x3f: 'No CVM performed (not available for use in a CV Rule)',
};

/** CV Rule byte 1 b7: apply the succeeding rule if this one is unsuccessful (Annex C3). */
export const CVM_APPLY_SUCCEEDING_RULE = 0x40;

/** CV Rule byte 2, the CVM Condition Code (Annex C3 Table 44). */
export const CVM_CONDITIONS: Readonly<Record<number, string>> = {
  0x00: 'Always',
  0x01: 'If unattended cash',
  0x02: 'If not unattended cash and not manual cash and not purchase with cashback',
  0x03: 'If terminal supports the CVM',
  0x04: 'If manual cash',
  0x05: 'If purchase with cashback',
  0x06: 'If transaction is in the application currency and is under X value',
  0x07: 'If transaction is in the application currency and is over X value',
  0x08: 'If transaction is in the application currency and is under Y value',
  0x09: 'If transaction is in the application currency and is over Y value',
};

/** CVM Results byte 3 (Book 4 Annex A4 Table 33). */
export const CVM_RESULT_OUTCOMES: Readonly<Record<number, string>> = {
  0x00: 'Unknown',
  0x01: 'Failed',
  0x02: 'Successful',
};

/** Name of a CVM code (b6-b1 of CV Rule byte 1), ranges included. */
export function cvmMethodName(code: number): string {
  const method = code & 0x3f;
  const known = CVM_METHODS[method];
  if (known) return known;
  if (method >= 0x06 && method <= 0x1d) return `Reserved for EMV (biometric methods in EMV 4.4), code ${hex(method)}`;
  if (method >= 0x20 && method <= 0x2f) return `Reserved for use by the individual payment systems, code ${hex(method)}`;
  return `Reserved for use by the issuer, code ${hex(method)}`;
}

/** Name of a CVM Condition Code, ranges included. */
export function cvmConditionName(code: number): string {
  const known = CVM_CONDITIONS[code];
  if (known) return known;
  if (code >= 0x80) return `Reserved for use by individual payment systems, code ${hex(code)}`;
  return `RFU condition code ${hex(code)}`;
}

export interface CvmRule {
  /** b6-b1 of byte 1. */
  methodCode: number;
  method: string;
  /** b7 of byte 1: if this CVM is unsuccessful, apply the succeeding rule (else cardholder verification fails). */
  applySucceedingIfUnsuccessful: boolean;
  conditionCode: number;
  condition: string;
  /** Offset of the rule inside the CVM List value. */
  offset: number;
}

export interface CvmList {
  /** Amount X and Y (binary, in the application currency, implied decimals of 9F44). */
  amountX: number;
  amountY: number;
  rules: CvmRule[];
}

/**
 * Parses a CVM List value (Book 3 §10.5: 4-byte amount X, 4-byte amount Y,
 * then 2-byte CV Rules). A value shorter than 8 bytes or with an odd rule byte
 * is a TlvError naming the offset inside the value.
 */
export function parseCvmList(value: Uint8Array): CvmList {
  if (value.length < 8) throw new TlvError(`CVM List of ${value.length} bytes lacks amounts X and Y (8 bytes)`, value.length);
  if ((value.length - 8) % 2 !== 0) throw new TlvError('CVM List ends inside a CV Rule', value.length - 1);
  const rules: CvmRule[] = [];
  for (let off = 8; off < value.length; off += 2) {
    const code = value[off]!;
    const condition = value[off + 1]!;
    rules.push({
      methodCode: code & 0x3f,
      method: cvmMethodName(code),
      applySucceedingIfUnsuccessful: (code & CVM_APPLY_SUCCEEDING_RULE) !== 0,
      conditionCode: condition,
      condition: cvmConditionName(condition),
      offset: off,
    });
  }
  return { amountX: readUint(value, 0, 4), amountY: readUint(value, 4, 4), rules };
}

/**
 * One line for the amounts and one per rule. `formatAmount` renders X and Y
 * (the printer passes one that knows the application currency, 9F42/9F44).
 */
export function explainCvmList(value: Uint8Array, formatAmount: (units: number) => string = String): string[] {
  const list = parseCvmList(value);
  const lines = [`amount X = ${formatAmount(list.amountX)}, amount Y = ${formatAmount(list.amountY)}`];
  list.rules.forEach((r, i) => {
    const next = r.applySucceedingIfUnsuccessful ? 'apply succeeding rule if unsuccessful' : 'fail cardholder verification if unsuccessful';
    lines.push(`rule ${i + 1}: ${r.method}; ${r.condition}; ${next}`);
  });
  return lines;
}

/** CVM Results '9F34': CVM performed, condition, result (Book 4 Annex A4). */
export function explainCvmResults(value: Uint8Array): string[] {
  if (value.length !== 3) return [`invalid CVM Results (${value.length} bytes, expected 3)`];
  const [code, condition, outcome] = [value[0]!, value[1]!, value[2]!];
  const performed = (code & 0x3f) === 0x3f ? 'No CVM performed' : cvmMethodName(code);
  return [
    `CVM performed: ${performed}${code & CVM_APPLY_SUCCEEDING_RULE ? ' (apply succeeding rule flag set)' : ''}`,
    `CVM condition: ${cvmConditionName(condition)}`,
    `CVM result: ${CVM_RESULT_OUTCOMES[outcome] ?? `RFU result code ${hex(outcome)}`}`,
  ];
}

/** Cryptogram types in CID b8-b7 (Book 3 Table 15). */
export const CRYPTOGRAM_TYPES = { AAC: 0x00, TC: 0x40, ARQC: 0x80 } as const;
export type CryptogramType = keyof typeof CRYPTOGRAM_TYPES;

const CRYPTOGRAM_NAMES: Record<number, string> = {
  0x00: 'AAC (transaction declined)',
  0x40: 'TC (transaction approved)',
  0x80: 'ARQC (online authorisation requested)',
  0xc0: 'RFU (AAR in earlier EMV versions)',
};

const CID_REASONS: Record<number, string> = {
  0: 'No information given',
  1: 'Service not allowed',
  2: 'PIN Try Limit exceeded',
  3: 'Issuer authentication failed',
};

/** Cryptogram Information Data '9F27' (Book 3 §6.5.5.4 Table 15). */
export function explainCid(value: Uint8Array): string[] {
  if (value.length !== 1) return [`invalid CID (${value.length} bytes, expected 1)`];
  const b = value[0]!;
  const lines = [`cryptogram: ${CRYPTOGRAM_NAMES[b & 0xc0]}`];
  if (b & 0x30) lines.push(`payment system-specific cryptogram bits ${hex(b & 0x30)}`);
  if (b & 0x08) lines.push('advice required');
  const reason = b & 0x07;
  lines.push(`reason/advice code: ${CID_REASONS[reason] ?? `RFU (${reason})`}`);
  return lines;
}

function hex(n: number): string {
  return toHex(Uint8Array.of(n));
}
