/**
 * GENERATE AC, issuer authentication and ODA, checked from outside the card:
 * the ARQC is recomputed from the ISSUER master key with src/crypto (option A
 * -> common session key -> MAC over CDOL data || AIP || ATC || IAD, the layout
 * documented in README.md (card section)), signatures are recovered under the CAPK.
 */
import { describe, expect, it } from 'vitest';
import { type Bytes, concat, fromHex, readUint, toHex } from '../../src/apdu/bytes.js';
import { buildStaticDataToBeAuthenticated } from '../../src/crypto/oda/static-data.js';
import { verifyOdaChain } from '../../src/crypto/oda/verify-chain.js';
import { loadDefaultCapks } from '../../src/crypto/capk.js';
import { arpcMethod1, arpcMethod2, generateApplicationCryptogram } from '../../src/crypto/cryptogram.js';
import { deriveCommonSessionKey, deriveIccMasterKey, deriveMastercardSessionKey } from '../../src/crypto/key-derivation.js';
import { type EmulatedCard, createCard } from '../../src/card/index.js';
import { type AcResponse, type Session, P1, cidType, generateAc, send, startSession, swHex, terminalSource, verifyPlaintext } from './helpers.js';

const capks = loadDefaultCapks();

/** The AC session key: Book 2 A1.3 common session key, or M/Chip's R = ATC || 0000 || UN (the first GENERATE AC's 9F37). */
function sessionKey(card: EmulatedCard, atc: Bytes, un = '12345678'): Bytes {
  const s = card.secrets;
  const mk = deriveIccMasterKey(s.issuerMasterKeys.ac, s.pan, s.panSequenceNumber, 'A');
  if (card.engine.profile.cryptogram.sessionKey === 'mastercard') return deriveMastercardSessionKey(mk, atc, fromHex(un));
  return deriveCommonSessionKey(mk, atc);
}

/**
 * What the issuer host computes (independent of the card code). VIS/CCD layout: CDOL data || AIP ||
 * ATC || IAD. M/Chip CVN 10 (jPOS MChipCryptogram / CVNMCDataBuilder): the Book 2 minimum data set
 * (9F02 9F03 9F1A 95 5F2A 9A 9C 9F37, the first 29 bytes of the shipped CDOL1; at the second
 * GENERATE AC TVR and UN as sent in CDOL2 8A02 910A 9505 9F3704) || AIP || ATC || CVR (9F10 bytes 3-8).
 */
function expectedAc(card: EmulatedCard, s: Session, r: AcResponse, un?: string, firstCdol1?: Bytes): string {
  let input = concat(r.dolData, s.aip, r.atc, r.iad);
  if (card.engine.profile.iadFormat === 'mchip') {
    const cdol1 = firstCdol1 ?? r.dolData;
    const minimum = firstCdol1 === undefined ? cdol1.subarray(0, 29) : concat(cdol1.subarray(0, 14), r.dolData.subarray(12, 17), cdol1.subarray(19, 25), r.dolData.subarray(17, 21));
    input = concat(minimum, s.aip, r.atc, r.iad.subarray(2, 8));
  }
  return toHex(generateApplicationCryptogram(sessionKey(card, r.atc, un), input, { padding: 2 }));
}

const cvr = (r: AcResponse) => r.iad.subarray(3, 7);

describe('GENERATE AC cryptograms verify with the issuer master key', () => {
  for (const [profile, aid] of [
    ['visa-cvn18', 'A0000000031010'],
    ['mastercard-cda', 'A0000000041010'],
    ['girocard', 'A000000059101002'],
  ] as const) {
    it(`${profile}: ARQC and TC/AAC of the second GENERATE AC`, async () => {
      const card = createCard({ profile, seed: `ac-${profile}` });
      const s = await startSession(card, aid);
      const arqc = await generateAc(card, s.tags.get('8C')!, P1.ARQC, terminalSource({ amount: 2500 }));
      expect(swHex(arqc.sw)).toBe('9000');
      expect(cidType(arqc.cid)).toBe('ARQC');
      expect(toHex(arqc.ac!)).toBe(expectedAc(card, s, arqc));
      expect(readUint(arqc.atc)).toBe(1);
      if (profile === 'mastercard-cda') {
        // M/Chip IAD = DKI | CVN | CVR(6) | DAC(2) | counters(8); CVR byte 1: 1st AC ARQC, 2nd not requested.
        expect(arqc.iad).toHaveLength(18);
        expect(toHex(arqc.iad.subarray(0, 2))).toBe('0210');
        expect(arqc.iad[2]! & 0xf0).toBe(0xa0);
      } else {
        // IAD = 06 | DKI | CVN | CVR(4) with the CVN of the profile.
        expect(arqc.iad).toHaveLength(7);
        expect(arqc.iad[0]).toBe(0x06);
        expect(cvr(arqc)[0]).toBe(0x03);
        // CVR byte 2: 1st AC = ARQC (b6b5 = 10), 2nd GENERATE AC not requested yet (b8b7 = 10).
        expect(cvr(arqc)[1]! & 0xf0).toBe(0xa0);
      }
      const second = await generateAc(card, s.tags.get('8D')!, P1.AAC, terminalSource());
      expect(cidType(second.cid)).toBe('AAC');
      expect(toHex(second.ac!)).toBe(expectedAc(card, s, second, undefined, arqc.dolData));
      expect(toHex(second.atc)).toBe(toHex(arqc.atc)); // one ATC per transaction
    });
  }

  it('increments and persists the ATC once per transaction', async () => {
    const card = createCard({ seed: 'atc' });
    for (let i = 1; i <= 3; i++) {
      await card.coldReset();
      const s = await startSession(card, 'A0000000031010');
      const r = await generateAc(card, s.tags.get('8C')!, P1.AAC, terminalSource());
      expect(readUint(r.atc)).toBe(i);
      expect(toHex((await send(card, '80CA9F3600')).data)).toBe(`9F3602${i.toString(16).padStart(4, '0')}`);
    }
    expect(card.state.atc).toBe(3);
  });

  it('refuses a third GENERATE AC and a second one after a final TC', async () => {
    const card = createCard({ seed: 'third' });
    let s = await startSession(card, 'A0000000031010');
    const tc = await generateAc(card, s.tags.get('8C')!, P1.TC, terminalSource({ amount: 100 }));
    expect(cidType(tc.cid)).toBe('TC');
    expect(swHex((await generateAc(card, s.tags.get('8D')!, P1.TC, terminalSource())).sw)).toBe('6985');
    s = await startSession(card, 'A0000000031010');
    await generateAc(card, s.tags.get('8C')!, P1.ARQC, terminalSource());
    await generateAc(card, s.tags.get('8D')!, P1.AAC, terminalSource());
    expect(swHex((await generateAc(card, s.tags.get('8D')!, P1.AAC, terminalSource())).sw)).toBe('6985');
  });

  it('checks the CDOL data length (6700) and the reference control parameter (6A86)', async () => {
    const card = createCard({ seed: 'p1' });
    await startSession(card, 'A0000000031010');
    expect(swHex((await send(card, '80AE8000020000')).sw)).toBe('6700');
    expect(swHex((await send(card, '80AEC000020000')).sw)).toBe('6A86');
    expect(swHex((await send(card, '80AE8100020000')).sw)).toBe('6A86');
  });
});

describe('issuer authentication (Book 2 §8.2) and what the card remembers', () => {
  it('visa-cvn18 (ARPC method 2): a good ARPC in CDOL2 gives a TC and records the online ATC', async () => {
    const card = createCard({ seed: 'arpc-good' });
    const s = await startSession(card, 'A0000000031010');
    const arqc = await generateAc(card, s.tags.get('8C')!, P1.ARQC, terminalSource());
    const csu = fromHex('00820000');
    const arpc = arpcMethod2(sessionKey(card, arqc.atc), arqc.ac!, csu);
    const iad91 = concat(arpc, csu, new Uint8Array(2)); // CDOL2 asks for 10 bytes
    const tc = await generateAc(card, s.tags.get('8D')!, P1.TC, (t) => (t === '91' ? iad91 : t === '8A' ? fromHex('3030') : terminalSource()(t)));
    expect(cidType(tc.cid)).toBe('TC');
    expect(cvr(tc)[1]! & 0x08).toBe(0); // issuer authentication did not fail
    expect(card.state.lastOnlineAtc).toBe(1);
    expect(toHex((await send(card, '80CA9F1300')).data)).toBe('9F13020001');
  });

  it('mastercard-cda (ARPC method 1): EXTERNAL AUTHENTICATE 9000, a wrong ARPC 6300', async () => {
    const card = createCard({ profile: 'mastercard-cda', seed: 'arpc-1' });
    let s = await startSession(card, 'A0000000041010');
    let arqc = await generateAc(card, s.tags.get('8C')!, P1.ARQC, terminalSource({ currency: '0840', country: '0840' }));
    const arc = fromHex('3030');
    const good = arpcMethod1(sessionKey(card, arqc.atc), arqc.ac!, arc);
    expect(swHex((await send(card, `008200000A${toHex(good)}3030`)).sw)).toBe('9000');
    expect(swHex((await send(card, `008200000A${toHex(good)}3030`)).sw)).toBe('6985'); // only once
    s = await startSession(card, 'A0000000041010');
    arqc = await generateAc(card, s.tags.get('8C')!, P1.ARQC, terminalSource({ currency: '0840', country: '0840' }));
    expect(swHex((await send(card, `008200000A${toHex(good)}3030`)).sw)).toBe('6300');
  });

  it('failed issuer authentication: AAC, CVR bits, and the next transaction goes online', async () => {
    const card = createCard({ seed: 'arpc-bad' });
    let s = await startSession(card, 'A0000000031010');
    await generateAc(card, s.tags.get('8C')!, P1.ARQC, terminalSource());
    const bad = fromHex('0102030400820000');
    const aac = await generateAc(card, s.tags.get('8D')!, P1.TC, (t) => (t === '91' ? concat(bad, new Uint8Array(2)) : t === '8A' ? fromHex('3030') : terminalSource()(t)));
    expect(cidType(aac.cid)).toBe('AAC');
    expect(cvr(aac)[1]! & 0x08).toBe(0x08); // CVR byte 2 b4: issuer authentication performed and failed
    expect(card.state.issuerAuthFailedLastOnline).toBe(true);
    s = await startSession(card, 'A0000000031010');
    const next = await generateAc(card, s.tags.get('8C')!, P1.TC, terminalSource({ amount: 100 }));
    expect(cidType(next.cid)).toBe('ARQC');
    expect(cvr(next)[2]! & 0x08).toBe(0x08); // CVR byte 3 b4: issuer authentication failure on last online transaction
  });
});

describe('card risk management', () => {
  it('approves offline up to the lower consecutive offline limit, then asks to go online', async () => {
    const card = createCard({ seed: 'velocity' }); // lower limit 3
    const types: string[] = [];
    for (let i = 0; i < 4; i++) {
      const s = await startSession(card, 'A0000000031010');
      const r = await generateAc(card, s.tags.get('8C')!, P1.TC, terminalSource({ amount: 100 }));
      types.push(cidType(r.cid));
      if (i === 3) expect(cvr(r)[2]! & 0x20).toBe(0x20); // exceeded velocity checking counters
    }
    expect(types).toEqual(['TC', 'TC', 'TC', 'ARQC']);
  });

  it('asks online above the cumulative offline amount and in a foreign currency', async () => {
    const card = createCard({ seed: 'amount' }); // cumulative limit 200.00
    let s = await startSession(card, 'A0000000031010');
    expect(cidType((await generateAc(card, s.tags.get('8C')!, P1.TC, terminalSource({ amount: 25000 }))).cid)).toBe('ARQC');
    s = await startSession(card, 'A0000000031010');
    expect(cidType((await generateAc(card, s.tags.get('8C')!, P1.TC, terminalSource({ amount: 100, currency: '0840' }))).cid)).toBe('ARQC');
  });

  it('the online-preferring girocard answers ARQC to a TC request', async () => {
    const card = createCard({ profile: 'girocard', seed: 'giro' });
    const s = await startSession(card, 'A000000059101002');
    expect(cidType((await generateAc(card, s.tags.get('8C')!, P1.TC, terminalSource({ amount: 100 }))).cid)).toBe('ARQC');
  });

  it('records offline PIN results in the CVR and declines after the PIN try limit on girocard', async () => {
    const card = createCard({ profile: 'girocard', seed: 'giro-pin' });
    let s = await startSession(card, 'A000000059101002');
    await send(card, verifyPlaintext('1234'));
    const ok = await generateAc(card, s.tags.get('8C')!, P1.ARQC, terminalSource());
    expect(cvr(ok)[1]! & 0x06).toBe(0x04); // offline PIN performed, not failed
    await card.coldReset();
    s = await startSession(card, 'A000000059101002');
    for (let i = 0; i < 3; i++) await send(card, verifyPlaintext('0000'));
    const blocked = await generateAc(card, s.tags.get('8C')!, P1.ARQC, terminalSource());
    expect(cidType(blocked.cid)).toBe('AAC');
    expect(cvr(blocked)[1]! & 0x06).toBe(0x06);
    expect(cvr(blocked)[2]! & 0x40).toBe(0x40); // PIN try limit exceeded
    expect(swHex((await send(card, '00A4040008A00000005910100200')).sw)).toBe('6283'); // blocked by the card
  });
});

describe('offline data authentication under the emvsim test CA (CAPK E5)', () => {
  function chainTags(s: Session): Record<string, Bytes | undefined> {
    const t: Record<string, Bytes | undefined> = {};
    for (const tag of ['90', '92', '9F32', '9F46', '9F47', '9F48', '93']) t[tag] = s.tags.get(tag);
    return t;
  }
  const staticData = (s: Session) => buildStaticDataToBeAuthenticated(s.odaRecords, { sdaTagList: s.tags.get('9F4A')!, aip: s.aip });

  it('DDA: INTERNAL AUTHENTICATE signs the DDOL data', async () => {
    const card = createCard({ seed: 'dda' });
    const s = await startSession(card, 'A0000000031010');
    const ddolData = fromHex('CAFEBABE');
    const r = await send(card, `0088000004${toHex(ddolData)}00`);
    expect(swHex(r.sw)).toBe('9000');
    const sdad = r.data.subarray(r.data[1]! === 0x81 ? 3 : r.data[1]! === 0x82 ? 4 : 2);
    const capk = capks.get('A000000003', toHex(s.tags.get('8F')!))!;
    const result = verifyOdaChain({ capk, pan: s.tags.get('5A')!, tags: { ...chainTags(s), '9F4B': sdad }, staticData: staticData(s), ddolData, method: 'DDA' });
    expect(result.failures).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('CDA: the GENERATE AC signature verifies and carries the right cryptogram', async () => {
    const card = createCard({ profile: 'mastercard-cda', seed: 'cda' });
    const s = await startSession(card, 'A0000000041010');
    const r = await generateAc(card, s.tags.get('8C')!, P1.ARQC | 0x10, terminalSource({ currency: '0840', country: '0840', un: 'A1B2C3D4' }));
    expect(cidType(r.cid)).toBe('ARQC');
    expect(r.ac).toBeUndefined(); // only inside 9F4B
    const capk = capks.get('A000000004', toHex(s.tags.get('8F')!))!;
    const result = verifyOdaChain({
      capk,
      pan: s.tags.get('5A')!,
      tags: { ...chainTags(s), '9F4B': r.sdad },
      staticData: staticData(s),
      cda: { unpredictableNumber: fromHex('A1B2C3D4'), cid: r.cid, transactionData: { pdolData: s.pdolData, cdol1Data: r.dolData, responseTlvs: r.raw } },
    });
    expect(result.failures).toEqual([]);
    expect(result.applicationCryptogram).toBe(expectedAc(card, s, r, 'A1B2C3D4'));
  });

  it('CDA on the second GENERATE AC hashes CDOL1 and CDOL2 data', async () => {
    const card = createCard({ profile: 'mastercard-cda', seed: 'cda-2' });
    const s = await startSession(card, 'A0000000041010');
    const src = terminalSource({ currency: '0840', country: '0840', un: '0A0B0C0D' });
    const first = await generateAc(card, s.tags.get('8C')!, P1.ARQC | 0x10, src);
    // With CDA the ARQC travels inside 9F4B; the issuer recomputes it from the data (as here).
    const arpc = arpcMethod1(sessionKey(card, first.atc, '0A0B0C0D'), fromHex(expectedAc(card, s, first, '0A0B0C0D')), fromHex('3030'));
    const second = await generateAc(card, s.tags.get('8D')!, P1.TC | 0x10, (t) => (t === '91' ? concat(arpc, fromHex('3030')) : t === '8A' ? fromHex('3030') : src(t)));
    expect(cidType(second.cid)).toBe('TC');
    const capk = capks.get('A000000004', toHex(s.tags.get('8F')!))!;
    const result = verifyOdaChain({
      capk,
      pan: s.tags.get('5A')!,
      tags: { ...chainTags(s), '9F4B': second.sdad },
      staticData: staticData(s),
      cda: { unpredictableNumber: fromHex('0A0B0C0D'), cid: second.cid, transactionData: { pdolData: s.pdolData, cdol1Data: first.dolData, cdol2Data: second.dolData, responseTlvs: second.raw } },
    });
    expect(result.failures).toEqual([]);
    expect(card.state.issuerAuthFailedLastOnline).toBe(false);
    expect(card.state.lastOnlineAtc).toBe(1);
  });

  it('SDA: the signed static data verifies and INTERNAL AUTHENTICATE is unknown', async () => {
    const card = createCard({ profile: 'sda-only', seed: 'sda' });
    const s = await startSession(card, 'A0000000031010');
    expect(s.aip[0]! & 0x40).toBe(0x40);
    const capk = capks.get('A000000003', toHex(s.tags.get('8F')!))!;
    const result = verifyOdaChain({ capk, pan: s.tags.get('5A')!, tags: chainTags(s), staticData: staticData(s), method: 'SDA' });
    expect(result.failures).toEqual([]);
    expect(swHex((await send(card, '0088000004CAFEBABE00')).sw)).toBe('6D00');
  });
});
