/**
 * GENERATE AC review fixes, checked from outside the card with src/crypto:
 *   - CVR byte 3 b8 "last online transaction not completed" (VIS CVR) is about the PREVIOUS
 *     transaction: the second GENERATE AC must not report the ARQC of its own transaction;
 *     a transaction torn before its second GENERATE AC is reported by the next one;
 *   - CDA requested (P1 b5, Book 3 §6.5.5.2) on a card without CDA is ignored;
 *   - ARPC method 2 issuer authentication data (Book 2 §8.2.2) is taken by length, so
 *     proprietary data ending in 00 is not cut.
 */
import { describe, expect, it } from 'vitest';
import { type Bytes, concat, fromHex, toHex } from '../../src/apdu/bytes.js';
import { type EmulatedCard, createCard } from '../../src/card/index.js';
import { arpcMethod2, generateApplicationCryptogram } from '../../src/crypto/cryptogram.js';
import { deriveCommonSessionKey, deriveIccMasterKey } from '../../src/crypto/key-derivation.js';
import { type AcResponse, type Session, P1, cidType, generateAc, startSession, terminalSource } from './helpers.js';

const VISA = 'A0000000031010';
const APPROVED = fromHex('3030');
const CSU_APPROVED = fromHex('00820000');

function sessionKey(card: EmulatedCard, atc: Bytes): Bytes {
  const s = card.secrets;
  return deriveCommonSessionKey(deriveIccMasterKey(s.issuerMasterKeys.ac, s.pan, s.panSequenceNumber, 'A'), atc);
}

/** The issuer's recomputation of a cryptogram over the IAD the card sent. */
function issuerAc(card: EmulatedCard, s: Session, r: AcResponse): string {
  return toHex(generateApplicationCryptogram(sessionKey(card, r.atc), concat(r.dolData, s.aip, r.atc, r.iad), { padding: 2 }));
}

const cvrByte3 = (r: AcResponse) => r.iad[5]!;

/** An online transaction: ARQC, then the second GENERATE AC with a good method-2 ARPC. */
async function onlineTransaction(card: EmulatedCard, proprietary: Bytes = new Uint8Array(0)) {
  const s = await startSession(card, VISA);
  const first = await generateAc(card, s.tags.get('8C')!, P1.ARQC, terminalSource());
  const arpc = arpcMethod2(sessionKey(card, first.atc), first.ac!, CSU_APPROVED, proprietary);
  const iad91 = concat(arpc, CSU_APPROVED, proprietary);
  const second = await generateAc(card, s.tags.get('8D')!, P1.TC, (t) => (t === '91' ? iad91 : t === '8A' ? APPROVED : terminalSource()(t)));
  return { s, first, second };
}

describe('CVR byte 3 b8: last online transaction not completed (VIS CVR, risk.ts)', () => {
  it("the second GENERATE AC does not report its own transaction's ARQC", async () => {
    const card = createCard({ seed: 'cvr-b8' });
    const { s, first, second } = await onlineTransaction(card);
    // New card (b5, no online transaction yet) and nothing else in either answer.
    expect(toHex(first.iad)).toBe('06011203A01000'); // 1st: ARQC, 2nd not requested
    expect(cidType(second.cid)).toBe('TC');
    expect(toHex(second.iad)).toBe('06011203601000'); // byte 2 60: TC in 2nd, ARQC in 1st
    expect(cvrByte3(second) & 0x80).toBe(0);
    // The issuer verifies both cryptograms over the IADs the card sent.
    expect(toHex(first.ac!)).toBe(issuerAc(card, s, first));
    expect(toHex(second.ac!)).toBe(issuerAc(card, s, second));
    expect(card.state.lastOnlineNotCompleted).toBe(false);
  });

  it('a transaction torn after its ARQC is reported by both GENERATE ACs of the next one, then cleared', async () => {
    const card = createCard({ seed: 'cvr-b8-torn' });
    const s1 = await startSession(card, VISA);
    await generateAc(card, s1.tags.get('8C')!, P1.ARQC, terminalSource());
    await card.coldReset(); // the terminal lost the card before the second GENERATE AC
    expect(card.state.lastOnlineNotCompleted).toBe(true);
    const { first, second } = await onlineTransaction(card);
    expect(cvrByte3(first) & 0x80).toBe(0x80);
    expect(cvrByte3(second) & 0x80).toBe(0x80); // the same transaction history as the first answer
    const next = await onlineTransaction(card);
    expect(cvrByte3(next.first) & 0x80).toBe(0);
    expect(cvrByte3(next.second) & 0x80).toBe(0);
  });
});

describe('CDA requested from a card without CDA (Book 3 §6.5.5.2 P1 b5)', () => {
  it('visa-cvn18 (DDA, AIP without CDA) ignores the bit: format 1 answer, AC in clear, no 9F4B', async () => {
    const card = createCard({ seed: 'no-cda' });
    const s = await startSession(card, VISA);
    expect(s.aip[0]! & 0x01).toBe(0); // AIP byte 1 b1: CDA not supported
    const r = await generateAc(card, s.tags.get('8C')!, P1.ARQC | 0x10, terminalSource());
    expect(r.sw).toBe(0x9000);
    expect(r.raw[0]).toBe(0x80); // response message template format 1
    expect(r.sdad).toBeUndefined();
    expect(cidType(r.cid)).toBe('ARQC');
    expect(toHex(r.ac!)).toBe(issuerAc(card, s, r));
  });
});

describe('ARPC method 2: issuer authentication data taken by length (Book 2 §8.2.2)', () => {
  const overrides = { cryptogram: { arpcProprietaryDataLength: 2 } };

  it('proprietary data ending in 00 (AB00) authenticates: TC, CVR byte 2 b4 clear', async () => {
    const card = createCard({ seed: 'arpc-prop', overrides });
    const { second } = await onlineTransaction(card, fromHex('AB00'));
    expect(cidType(second.cid)).toBe('TC');
    expect(second.iad[4]! & 0x08).toBe(0); // issuer authentication did not fail
    expect(card.state.issuerAuthFailedLastOnline).toBe(false);
  });

  it('an ARPC over the stripped data (AB) is not accepted for AB00', async () => {
    const card = createCard({ seed: 'arpc-prop-bad', overrides });
    const s = await startSession(card, VISA);
    const first = await generateAc(card, s.tags.get('8C')!, P1.ARQC, terminalSource());
    const wrong = arpcMethod2(sessionKey(card, first.atc), first.ac!, CSU_APPROVED, fromHex('AB'));
    const iad91 = concat(wrong, CSU_APPROVED, fromHex('AB00'));
    const second = await generateAc(card, s.tags.get('8D')!, P1.TC, (t) => (t === '91' ? iad91 : t === '8A' ? APPROVED : terminalSource()(t)));
    expect(cidType(second.cid)).toBe('AAC');
    expect(second.iad[4]! & 0x08).toBe(0x08); // CVR byte 2 b4: issuer authentication failed
  });

  it('without proprietary data (the default) the zero DOL padding of an 8-byte 91 is not part of it', async () => {
    const card = createCard({ seed: 'arpc-noprop' });
    const { second } = await onlineTransaction(card); // 8 bytes in a 10-byte CDOL2 field
    expect(cidType(second.cid)).toBe('TC');
    expect(second.iad[4]! & 0x08).toBe(0);
  });
});
