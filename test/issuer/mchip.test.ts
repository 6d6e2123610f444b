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
