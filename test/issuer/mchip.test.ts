/** M/Chip cards (session key R = ATC || 00 00 || UN, src/crypto deriveMastercardSessionKey): the host verifies their ARQC. */
import { describe, expect, it } from 'vitest';
import { concat, fromHex, uintBytes } from '../../src/apdu/bytes.js';
import { deriveIccMasterKey, deriveMastercardSessionKey, generateApplicationCryptogram } from '../../src/crypto/index.js';
import { authRequest, IMK, testCard, testHost } from './fixtures.js';

describe('M/Chip session key cards', () => {
  it('approves an ARQC under R = ATC || 0000 || UN and declines one under the common session key', async () => {
    const base = testCard();
    const card = testCard({ cryptogram: { ...base.cryptogram, sessionKey: 'mastercard' } });
    const { host } = testHost([card]);
    const request = authRequest({ card, atc: 3 });
    const icc = request.iccData;
    const input = concat(...['9F02', '9F03', '9F1A', '95', '5F2A', '9A', '9C', '9F37', '9F35', '9F34', '82', '9F36', '9F10'].map((t) => icc.get(t)!));
    const mk = deriveIccMasterKey(fromHex(IMK.ac), card.pan, card.psn, 'A');
    const sk = deriveMastercardSessionKey(mk, uintBytes(3, 2), icc.get('9F37')!);
    icc.set('9F26', generateApplicationCryptogram(sk, input, { padding: 2 }));
    expect((await host.authorise(request)).responseCode).toBe('00');
    // authRequest's own ARQC uses the common session key: wrong for this card.
    const wrong = await host.authorise(authRequest({ card, atc: 4 }));
    expect(wrong).toMatchObject({ responseCode: '05', decidedBy: 'arqc' });
  });
});

describe('M/Chip issuer application data from the emulated mastercard-cda card', () => {
  it('is DKI | CVN | CVR(6) | DAC | counters and reports a blocked PIN in CVR byte 4 b4, which the issuer reads', async () => {
    const { createCard } = await import('../../src/card/index.js');
    const { cardReportsPinBlocked } = await import('../../src/issuer/cryptogram-check.js');
    const { decodeTlv, findTag } = await import('../../src/apdu/tlv.js');
    const { exchange } = await import('../../src/apdu/exchange.js');
    const card = createCard({ profile: 'mastercard-cda', seed: 'mchip-iad', overrides: { pinTryCounter: 0 } });
    const send = async (hex: string) => exchange(card, fromHex(hex));
    await send('00A4040007A000000004101000');
    await send('80A800000C830A0000000012340840084000');
    // CDOL1: 9F02 06, 9F03 06, 9F1A 02, 95 05, 5F2A 02, 9A 03, 9C 01, 9F37 04, 9F35 01, 9F34 03 (33 bytes).
    const r = await send('80AE800021000000001234000000000000084000000000000840250615001234567822410302');
    const iad = findTag(decodeTlv(r.data)[0]!.children!, '9F10')!.value;
    expect(iad).toHaveLength(18);
    expect(iad[0]).toBe(2); // DKI of the profile
    expect(iad[1]).toBe(0x10); // CVN 16
    expect(iad[2]! & 0x30).toBe(0x20); // CVR byte 1: first AC is an ARQC
    expect(iad[5]! & 0x08).toBe(0x08); // CVR byte 4 b4: PIN try limit exceeded
    expect(cardReportsPinBlocked(iad)).toBe(true);
    expect(cardReportsPinBlocked(fromHex('0210A0000000000000000000000000000000'))).toBe(false);
  });
});

describe('M/Chip ARQC end to end', () => {
  it('transact --profile mastercard-cda --force-online: the in-process issuer verifies the ARQC over minimum data || AIP || ATC || CVR and approves', async () => {
    const { runTransact } = await import('../../src/cli/commands/transact.js');
    const lines: string[] = [];
    const o = await runTransact({ terminal: 'eu-pos-pin', type: 'goods', json: false, seed: 1, trace: false, forceOnline: true, amount: '12.34', pin: ['1234'], profile: 'mastercard-cda' }, (l) => lines.push(l));
    expect(o.outcome).toBe('approved');
    expect(o.authorisationResponseCode).toBe('00');
    expect(lines.join('\n')).not.toMatch(/different application versions/i);
  });

  it('the issuer AC data list for the M/Chip layout is the minimum set with the CVR slice of 9F10 (counters only for an odd CVN)', async () => {
    const { acDataForCdol1 } = await import('../../src/issuer/cryptogram-check.js');
    expect(acDataForCdol1('9F0206', { iadFormat: 'mchip', cvn: 0x10 })).toBe('9F02 9F03 9F1A 95 5F2A 9A 9C 9F37 82 9F36 9F10[2:8]');
    expect(acDataForCdol1('9F0206', { iadFormat: 'mchip', cvn: 0x11 })).toBe('9F02 9F03 9F1A 95 5F2A 9A 9C 9F37 82 9F36 9F10[2:8] 9F10[10:18]');
    expect(acDataForCdol1('9F0206 9F3704', { iadFormat: 'vis', cvn: 18 })).toBe('9F02 9F37 82 9F36 9F10');
  });
});
