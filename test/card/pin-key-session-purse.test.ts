/**
 * Three personalisation options checked from the outside:
 *  - a separate ICC PIN encipherment key (Book 2 §7.1): 9F2D/9F2E/9F2F in the records, the
 *    certificate recovered under the CAPK chain, VERIFY P2 '88' enciphered with that key;
 *  - the Mastercard AC session key (cryptogram.sessionKey: mastercard): the ARQC recomputed
 *    here with deriveMastercardSessionKey(MK, ATC, UN of CDOL1);
 *  - a GeldKarte purse card file opened with the plain loadCard.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { concat, fromHex, toHex } from '../../src/apdu/bytes.js';
import { createCard, cryptogramInput, loadCard, loadProfile } from '../../src/card/index.js';
import { newPurseCardFile } from '../../src/card/geldkarte/index.js';
import { loadDefaultCapks } from '../../src/crypto/capk.js';
import { generateApplicationCryptogram, arpcMethod1 } from '../../src/crypto/cryptogram.js';
import { encipherPinForVerify } from '../../src/crypto/enciphered-pin.js';
import { deriveIccMasterKey, deriveMastercardSessionKey } from '../../src/crypto/key-derivation.js';
import { verifyOdaChain } from '../../src/crypto/oda/verify-chain.js';
import { offlinePlaintextPinBlock } from '../../src/crypto/pin-block.js';
import { publicKeyOf, type RsaPublicKey } from '../../src/crypto/rsa.js';
import { DocumentError } from '../../src/apdu/errors.js';
import { P1, cidType, generateAc, send, startSession, swHex, terminalSource } from './helpers.js';

const MC_AID = 'A0000000041010';

function verifyEnciphered(key: RsaPublicKey, pin: string, challenge: Uint8Array): Uint8Array {
  const data = encipherPinForVerify({ publicKey: key, pinBlock: offlinePlaintextPinBlock(pin), iccUnpredictableNumber: challenge });
  return concat(fromHex('00200088'), Uint8Array.of(data.length), data);
}

describe('ICC PIN encipherment key (profile pin-encipherment-key, Book 2 §7.1)', () => {
  it('reads 9F2D/9F2E/9F2F, certified under the issuer key; VERIFY P2 88 works with that key only', async () => {
    const card = createCard({ profile: 'pin-encipherment-key', seed: 'pin-key-1' });
    const s = await startSession(card, MC_AID);
    for (const tag of ['9F2D', '9F2E', '9F46']) expect(s.tags.has(tag)).toBe(true);
    const capk = loadDefaultCapks().get('A000000004', toHex(s.tags.get('8F')!))!;
    const tags: Record<string, Uint8Array | undefined> = {};
    for (const tag of ['90', '92', '9F32', '9F46', '9F47', '9F48', '9F2D', '9F2E', '9F2F']) tags[tag] = s.tags.get(tag);
    const chain = verifyOdaChain({ capk, pan: s.tags.get('5A')!, tags, method: 'DDA' });
    const pinKey = chain.iccPinEnciphermentPublicKey!;
    expect(pinKey).toBeDefined();
    expect(chain.steps.find((x) => x.object === 'ICC PIN encipherment certificate')?.failures).toEqual([]);
    // A different key from the ICC key (9F46).
    const iccKey = publicKeyOf(card.secrets.iccKey!);
    expect(toHex(pinKey.modulus)).not.toBe(toHex(iccKey.modulus));

    // Enciphered with the ICC key: the card deciphers with the PIN key, so this is a wrong PIN.
    let challenge = (await send(card, '0084000000')).data;
    expect(swHex((await send(card, verifyEnciphered(iccKey, '1234', challenge))).sw)).toBe('63C2');
    challenge = (await send(card, '0084000000')).data;
    expect(swHex((await send(card, verifyEnciphered(pinKey, '1234', challenge))).sw)).toBe('9000');
    expect(card.state.pinTryCounter).toBe(3);
  });

  it('cards without the option have no 9F2D and keep enciphering with the ICC key', async () => {
    const card = createCard({ profile: 'mastercard-cda', seed: 'pin-key-2' });
    const s = await startSession(card, MC_AID);
    expect(s.tags.has('9F2D')).toBe(false);
    const challenge = (await send(card, '0084000000')).data;
    expect(swHex((await send(card, verifyEnciphered(publicKeyOf(card.secrets.iccKey!), '1234', challenge))).sw)).toBe('9000');
  });

  it('the profile option is checked: it needs pinEncipherment and an issuer certificate', () => {
    expect(() => loadProfile('mastercard-cda', { overrides: { pinEnciphermentKey: true, pinEncipherment: false } })).toThrow(DocumentError);
    expect(() => loadProfile('mastercard-cda', { overrides: { pinEnciphermentKey: true, oda: 'none' } })).toThrow(/oda must not be 'none'/);
  });
});

describe("AC session key 'mastercard' (R = ATC || 0000 || UN)", () => {
  it('ARQC and TC verify with deriveMastercardSessionKey over the UN of CDOL1; the ARPC is checked with that key', async () => {
    const card = createCard({ profile: 'mastercard-cda', seed: 'mc-skd', overrides: { cryptogram: { sessionKey: 'mastercard' } } });
    const s = await startSession(card, MC_AID);
    const un = 'CAFEBABE';
    const first = await generateAc(card, s.tags.get('8C')!, P1.ARQC, terminalSource({ un }));
    expect(cidType(first.cid)).toBe('ARQC');
    const sec = card.secrets;
    const mk = deriveIccMasterKey(sec.issuerMasterKeys.ac, sec.pan, sec.panSequenceNumber, 'A');
    const sk = deriveMastercardSessionKey(mk, first.atc, fromHex(un));
    // M/Chip layout (jPOS MChipCryptogram, CVN 10): minimum data set (the first 29 bytes of the shipped
    // CDOL1: 9F02 9F03 9F1A 95 5F2A 9A 9C 9F37) || AIP || ATC || CVR (9F10 bytes 3-8).
    const input = concat(first.dolData.subarray(0, 29), s.aip, first.atc, first.iad.subarray(2, 8));
    expect(toHex(first.ac!)).toBe(toHex(generateApplicationCryptogram(sk, input)));
    // Issuer authentication with method 1 and the same session key (EXTERNAL AUTHENTICATE).
    const arc = fromHex('3030');
    const ext = concat(fromHex('008200000A'), arpcMethod1(sk, first.ac!, arc), arc);
    expect(swHex((await send(card, ext)).sw)).toBe('9000');
    const cdol2Source = terminalSource({ un: '01020304' });
    const second = await generateAc(card, s.tags.get('8D')!, P1.TC, (tag) => (tag === '8A' ? arc : cdol2Source(tag)));
    expect(cidType(second.cid)).toBe('TC');
    // The second cryptogram keeps the first GENERATE AC's session key (UN of CDOL1, not of CDOL2).
    // Second cryptogram: TVR and UN as sent in CDOL2 (8A02 910A 9505 9F3704), the rest from CDOL1.
    const c1 = first.dolData;
    const c2 = second.dolData;
    const secondInput = concat(c1.subarray(0, 14), c2.subarray(12, 17), c1.subarray(19, 25), c2.subarray(17, 21), s.aip, second.atc, second.iad.subarray(2, 8));
    expect(toHex(second.ac!)).toBe(toHex(generateApplicationCryptogram(sk, secondInput)));
    // The documented cryptogram input (docs/card.md), built here from what went over the wire.
    expect(toHex(cryptogramInput(card.engine, second.dolData, second.iad))).toBe(toHex(secondInput));
  });

  it('a profile without 9F37 04 in CDOL1 cannot use it', () => {
    expect(() =>
      loadProfile('mastercard-cda', { overrides: { cryptogram: { sessionKey: 'mastercard' }, cdol1: '9F0206 9F0306 9F1A02 9505 5F2A02 9A03 9C01' } }),
    ).toThrow(/cdol1 must list 9F37 04/);
  });
});

describe('GeldKarte purse card file opened with loadCard', () => {
  it('answers SELECT D27600002545500200 and READ RECORD 00 B2 01 C4 with the balance', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'emvsim-purse-')), 'purse.json');
    newPurseCardFile(file, { balance: 1234 });
    const card = loadCard(file);
    expect(swHex((await send(card, '00A4040C09D27600002545500200')).sw)).toBe('9000');
    const r = await send(card, '00B201C400');
    expect(swHex(r.sw)).toBe('9000');
    // EF_BETRAG record 1: balance (3 bytes BCD, minor units) first (docs/sources.md).
    expect(toHex(r.data.subarray(0, 3))).toBe('001234');
  });
});
