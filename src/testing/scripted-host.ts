/**
 * A scripted AuthorisationHost for tests and `emvsim transact --online
 * approve|decline|unreachable`: it answers as told, and when given the card's
 * issuer master key it computes a correct ARPC (Book 2 §8.2) with src/crypto,
 * through the issuer module's helpers so the derivation is written once.
 * scriptedHostFor(card) takes those keys from an emulated card.
 */
import { type Bytes, fromHex } from '../apdu/index.js';
import type { EmulatedCard } from '../card/index.js';
import { arcOf, cardStatusUpdate, deriveAcKeys, issuerAuthenticationDataWith } from '../issuer/index.js';
import { type AuthorisationHost, type AuthorisationRequest, type AuthorisationResponse, HostUnavailableError } from '../terminal/index.js';

export interface ScriptedIssuerKeys {
  /** Issuer master key for application cryptograms (hex or bytes). */
  imkAc: string | Bytes;
  /** ICC master key derivation option (Book 2 A1.4). */
  derivation: 'A' | 'B';
  /** 'mastercard': M/Chip session key, R = ATC || 00 00 || UN (9F37 of the request). */
  sessionKey: 'common' | 'master' | 'mastercard';
  arpcMethod: 1 | 2;
  arpcKey: 'session' | 'master';
  algorithm?: 'tdes' | 'aes';
}

export interface ScriptedHostOptions {
  mode: 'approve' | 'decline' | 'unreachable';
  /** Response code for a decline (default '05' do not honour). */
  declineCode?: string;
  /** When given, the answer carries issuer authentication data (91) with a correct ARPC. */
  issuerKeys?: ScriptedIssuerKeys;
  /** Corrupts the ARPC (issuer authentication failure tests). */
  wrongArpc?: boolean;
  /** Issuer scripts to deliver (complete 71/72 templates). */
  issuerScripts?: Bytes[];
  /** Records each request (tests inspect field 55). */
  onRequest?: (request: AuthorisationRequest) => void;
}

export class ScriptedHost implements AuthorisationHost {
  readonly requests: AuthorisationRequest[] = [];
  constructor(readonly options: ScriptedHostOptions) {}

  async authorise(request: AuthorisationRequest): Promise<AuthorisationResponse> {
    this.requests.push(request);
    this.options.onRequest?.(request);
    if (this.options.mode === 'unreachable') throw new HostUnavailableError('scripted host: unreachable');
    const approved = this.options.mode === 'approve';
    const responseCode = approved ? '00' : (this.options.declineCode ?? '05');
    const answer: AuthorisationResponse = {
      responseCode,
      ...(approved ? { authorisationCode: '123456' } : {}),
      decidedBy: `scripted:${this.options.mode}`,
      message: approved ? 'approved by the scripted host' : 'declined by the scripted host',
    };
    const iad = this.arpc(request, responseCode);
    if (iad) answer.issuerAuthenticationData = iad;
    if (this.options.issuerScripts) answer.issuerScripts = this.options.issuerScripts;
    return answer;
  }

  private arpc(request: AuthorisationRequest, responseCode: string): Bytes | undefined {
    const k = this.options.issuerKeys;
    const arqc = request.iccData.get('9F26');
    const atc = request.iccData.get('9F36');
    if (!k || !arqc || !atc) return undefined;
    const algorithm = k.algorithm ?? 'tdes';
    const imk = typeof k.imkAc === 'string' ? fromHex(k.imkAc) : k.imkAc;
    const keys = deriveAcKeys(imk, { keyDerivation: k.derivation, sessionKey: k.sessionKey, pan: request.pan, psn: request.panSequenceNumber ?? '00' }, algorithm, atc, request.iccData.get('9F37'));
    const input = k.arpcMethod === 2 ? { csu: cardStatusUpdate(responseCode === '00') } : { arc: arcOf(responseCode) };
    const iad = issuerAuthenticationDataWith({ arpcMethod: k.arpcMethod, arpcKey: k.arpcKey }, { ...keys, arqc, algorithm }, input);
    if (this.options.wrongArpc) iad[0] = iad[0]! ^ 0xff;
    return iad;
  }
}

/** The issuer keys and cryptogram settings of an emulated card, as a ScriptedHost needs them for a correct ARPC. */
export function issuerKeysOf(card: EmulatedCard): ScriptedIssuerKeys {
  const c = card.engine.profile.cryptogram;
  const s = card.secrets;
  return {
    imkAc: s.issuerMasterKeys.ac,
    derivation: s.derivation,
    sessionKey: c.sessionKey,
    arpcMethod: c.arpcMethod === 2 ? 2 : 1,
    arpcKey: c.arpcKey === 'master' ? 'master' : 'session',
  };
}

/** A ScriptedHost that knows the card's issuer keys (default: approves, with a correct ARPC). */
export function scriptedHostFor(card: EmulatedCard, options: Partial<ScriptedHostOptions> = {}): ScriptedHost {
  return new ScriptedHost({ mode: 'approve', issuerKeys: issuerKeysOf(card), ...options });
}
