/**
 * The terminal's view of the acquirer/issuer host (EMV Book 3 §10.9, Book 4 §12).
 * The kernel core does no I/O: it calls an injected `AuthorisationHost`. The
 * issuer module provides an in-process implementation and an ISO 8583 TCP
 * client; tests use scripted hosts.
 */
import type { Bytes } from '../apdu/index.js';

export type MessageKind = 'authorisation' | 'financial' | 'reversal';

export interface AuthorisationRequest {
  kind: MessageKind;
  /** PAN digits (5A). */
  pan: string;
  /** PAN sequence number (5F34) as two digits, when the card has one. */
  panSequenceNumber?: string;
  /** Expiry YYMMDD (5F24). */
  expiry?: string;
  /** Track 2 equivalent data (57) in hex, when read. */
  track2?: string;
  /** Amount authorised in minor units (9F02). */
  amountMinor: number;
  /** Other amount / cashback in minor units (9F03). */
  otherAmountMinor?: number;
  /** ISO 4217 numeric currency code (5F2A), e.g. '978'. */
  currency: string;
  /** Transaction date YYMMDD (9A) and time hhmmss (9F21). */
  date: string;
  time: string;
  /** Transaction type (9C) as two digits: '00' goods, '01' cash, '09' cashback, '20' refund. */
  transactionType: string;
  /** POS entry mode (ISO 8583 field 22): '051' chip, '801' fallback, '021' magstripe, '071' contactless. */
  posEntryMode: string;
  /** Terminal id (9F1C), merchant id (9F16), merchant category code (9F15), terminal country (9F1A). */
  terminalId: string;
  merchantId: string;
  merchantCategoryCode?: string;
  terminalCountry: string;
  /** Merchant name and location (field 43). */
  merchantNameLocation?: string;
  /** System trace audit number (field 11), six digits, unique per terminal per day. */
  stan: string;
  /** Retrieval reference number (field 37), twelve characters. */
  rrn?: string;
  /** ICC system related data (ISO 8583 field 55): tag -> value, e.g. 9F26, 9F27, 9F10, 9F36, 95, 9A, 9C, 9F37, 82, 9F1A, 5F2A, 9F02, 9F03, 9F33, 9F34, 9F35, 84. */
  iccData: Map<string, Bytes>;
  /** Online PIN block (ISO 9564) enciphered under the zone PIN key, with its format. */
  pinBlock?: { format: 0 | 1 | 3 | 4; block: Bytes };
  /** For reversals: the STAN of the original message. */
  originalStan?: string;
}

export interface AuthorisationResponse {
  /** ISO 8583 field 39: '00' approved, '05' do not honour, '51' insufficient funds, '55' wrong PIN ... */
  responseCode: string;
  /** Field 38, six characters, when approved. */
  authorisationCode?: string;
  /** Issuer authentication data (91): ARPC + ARC (method 1) or ARPC + CSU [+ proprietary data] (method 2). */
  issuerAuthenticationData?: Bytes;
  /** Issuer script templates to deliver, each a complete encoded 71 or 72 template. */
  issuerScripts?: Bytes[];
  /** Name of the host rule that decided, when one did (for the outcome and the ledger). */
  decidedBy?: string;
  /** Human-readable reason. */
  message?: string;
}

/** Raised by a host that cannot be reached: the kernel then applies Book 3 §10.8 "unable to go online". */
export class HostUnavailableError extends Error {
  constructor(message = 'host unavailable') {
    super(message);
    this.name = 'HostUnavailableError';
  }
}

export interface AuthorisationHost {
  authorise(request: AuthorisationRequest): Promise<AuthorisationResponse>;
}
