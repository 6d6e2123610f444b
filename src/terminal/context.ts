/**
 * The state of one transaction as the kernel's steps see it: data read from
 * the card, TVR and TSI, CVM results, the steps' records and the APDU trace.
 * Steps read and write it; `TransactionTerminated` ends the transaction
 * (Book 3 §10: "terminate the transaction").
 */
import type { Bytes } from '../apdu/index.js';
import { EmvsimError } from '../apdu/index.js';
import type { CardTransport } from '../apdu/index.js';
import type { OdaRecord } from '../crypto/index.js';
import type { RsaPublicKey } from '../crypto/index.js';
import type { SupportedApplication } from './config.js';
import type { KernelEnvironment, TransactionRequest } from './environment.js';
import type { EncipheredPinBlock } from './online-pin-block.js';
import { Tsi, type TsiBit } from './tsi.js';
import { Tvr, type TvrBit, tvrBitDescription } from './tvr.js';

export type StepName =
  | 'application-selection'
  | 'initiate-application-processing'
  | 'read-application-data'
  | 'offline-data-authentication'
  | 'processing-restrictions'
  | 'cardholder-verification'
  | 'terminal-risk-management'
  | 'terminal-action-analysis'
  | 'card-action-analysis'
  | 'online-processing'
  | 'issuer-script-processing'
  | 'completion'
  | 'magstripe-fallback';

export interface Decision {
  text: string;
  /** TVR bits (names) that caused or were set by this decision. */
  tvrBits: TvrBit[];
}

export interface StepRecord {
  name: StepName;
  result: string;
  decisions: Decision[];
}

export interface Transition {
  from: string;
  to: string;
  reason: string;
}


/** Ends the transaction with a reason (Book 3 "the transaction shall be terminated"). */
export class TransactionTerminated extends EmvsimError {
  readonly step: string | undefined;
  constructor(reason: string, step?: string) {
    super('TERMINATED', reason);
    this.step = step;
  }
}

export type CryptogramType = 'AAC' | 'TC' | 'ARQC';

export interface SelectedApplication {
  aid: string;
  label: string;
  /** The terminal's configuration for this application. */
  config: SupportedApplication;
  priority: number;
}

export class TransactionContext {
  readonly tvr = new Tvr();
  readonly tsi = new Tsi();
  /** Card data by tag (first occurrence), from FCI, GPO and records. */
  readonly card = new Map<string, Bytes>();
  /** Records to authenticate, in AFL order (Book 3 §10.3). */
  readonly odaRecords: OdaRecord[] = [];
  /** Issuer public key recovered by ODA (Book 2 §5.3), for the PIN encipherment certificate. */
  issuerPublicKey: RsaPublicKey | undefined;
  /** ICC public key recovered by DDA/CDA (Book 2 §6.4), for CDA and enciphered PIN. */
  iccPublicKey: RsaPublicKey | undefined;
  /** PDOL-related data sent in GET PROCESSING OPTIONS (CDA hash, Book 2 §6.6.1). */
  pdolData: Bytes = new Uint8Array(0);
  /** CDOL1-related data of the first GENERATE AC (CDA hash of the second, Book 2 §6.6.1). */
  cdol1Data: Bytes | undefined;
  /** Set when a record for ODA was not a 70 template (SDA/DDA/CDA fail, Book 3 §10.3). */
  odaRecordInvalid = false;
  cvmResults = Uint8Array.of(0x3f, 0x00, 0x00);
  application: SelectedApplication | undefined;
  /** Unpredictable number (9F37), drawn once per transaction. */
  readonly unpredictableNumber: Bytes;
  readonly now: Date;
  readonly steps: StepRecord[] = [];
  readonly transitions: Transition[] = [];
  private current: StepRecord | undefined;
  /** Facts collected along the way for the liability rules and the outcome. */
  readonly facts: {
    entryMode: 'chip' | 'fallback' | 'magstripe';
    odaMethod: 'none' | 'SDA' | 'DDA' | 'CDA';
    odaResult: 'not-performed' | 'success' | 'failed';
    cvm: string;
    cvmResult: 'successful' | 'failed' | 'unknown' | 'none';
    onlinePinEntered: boolean;
    offlinePinVerified: boolean;
    pinBypassed: boolean;
    wentOnline: boolean;
    hostReached: boolean;
    hostResponseCode: string | undefined;
    issuerAuthentication: 'not-performed' | 'success' | 'failed';
    fullChipDataSent: boolean;
    cardholderVerificationSucceeded: boolean;
  } = {
    entryMode: 'chip',
    odaMethod: 'none',
    odaResult: 'not-performed',
    cvm: 'none',
    cvmResult: 'none',
    onlinePinEntered: false,
    offlinePinVerified: false,
    pinBypassed: false,
    wentOnline: false,
    hostReached: false,
    hostResponseCode: undefined,
    issuerAuthentication: 'not-performed',
    fullChipDataSent: false,
    cardholderVerificationSucceeded: false,
  };
  /** PIN try counter read with GET DATA (9F17), latest value. */
  pinTryCounter: number | undefined;
  /** Online PIN block as the PIN pad enciphered it (never clear; online-pin-block.ts). */
  onlinePinBlock: EncipheredPinBlock | undefined;
  firstAc: { cid: number; type: CryptogramType; ac: Bytes; atc: Bytes | undefined; iad: Bytes | undefined } | undefined;
  finalAc: { cid: number; type: CryptogramType; ac: Bytes } | undefined;
  /** The cryptogram type the card's latest GENERATE AC answer named (CID 9F27), trusted or not. */
  lastCardCryptogram: CryptogramType | undefined;
  authorisationResponseCode: string | undefined;
  /** Decision of terminal action analysis for the first GENERATE AC. */
  requestedFirstAc: CryptogramType | undefined;
  /** Issuer script results (9F5B), 5 bytes per script (Book 3 §10.10, Book 4 Annex A5). */
  issuerScriptResults: Bytes[] = [];
  /** Issuer scripts (complete 71/72 templates) from the host. */
  issuerScripts: Bytes[] = [];
  /** Issuer authentication data (91) from the host. */
  issuerAuthenticationData: Bytes | undefined;
  constructor(
    readonly env: KernelEnvironment,
    readonly request: TransactionRequest,
    /** The card transport as the steps use it (the kernel wraps env.transport in a TracingTransport). */
    readonly transport: CardTransport = env.transport,
  ) {
    this.now = env.clock.now();
    this.unpredictableNumber = env.random.bytes(4);
  }

  get currencyCode(): string {
    return this.request.currencyCode ?? this.env.config.currencyCode;
  }

  beginStep(name: StepName): void {
    this.current = { name, result: 'in progress', decisions: [] };
    this.steps.push(this.current);
    this.env.observer?.({ type: 'step-start', step: name });
  }

  endStep(result: string): void {
    if (!this.current) return;
    this.current.result = result;
    this.env.observer?.({ type: 'step-end', step: this.current.name, result });
    this.current = undefined;
  }

  get currentStep(): string | undefined {
    return this.current?.name;
  }

  /** Records a decision; `bits` are TVR bits that caused it (or that it set). */
  decide(text: string, bits: TvrBit[] = []): void {
    const d = { text, tvrBits: bits };
    this.current?.decisions.push(d);
    this.env.observer?.({ type: 'decision', step: this.current?.name ?? '', text, tvrBits: bits.map(tvrBitDescription) });
  }

  /** Sets a TVR bit and records why. */
  setTvr(bit: TvrBit, why: string): void {
    this.tvr.set(bit);
    this.decide(`${why}: TVR "${tvrBitDescription(bit)}"`, [bit]);
  }

  setTsi(bit: TsiBit): void {
    this.tsi.set(bit);
  }

  transition(from: string, to: string, reason: string): void {
    this.transitions.push({ from, to, reason });
    this.env.observer?.({ type: 'transition', from, to, reason });
  }

  terminate(reason: string): never {
    throw new TransactionTerminated(reason, this.current?.name);
  }

  /** Card data element, or undefined. */
  tag(tag: string): Bytes | undefined {
    return this.card.get(tag);
  }
}
