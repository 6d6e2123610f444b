import { describe, expect, it } from 'vitest';
import { ascii, concat, fromHex, toHex, uintBytes } from '../../src/apdu/bytes.js';
import { decodeTlv, findTag } from '../../src/apdu/tlv.js';
import { arpcMethod1, arpcMethod2, deriveCommonSessionKey, deriveIccMasterKey, issuerScriptMac } from '../../src/crypto/index.js';
import { findCard, getAccount, setCardStatus } from '../../src/issuer/db/records.js';
import { reconcile } from '../../src/issuer/ledger.js';
import { authRequest, cardKeys, IMK, NOW, testCard, testHost } from './fixtures.js';

/** The SMI session key the card derives for scripts: Book 2 A1.3 with R = the ARQC. */
function smiSessionKey(pan: string, psn: string, arqc: Uint8Array): Uint8Array {
  return deriveCommonSessionKey(deriveIccMasterKey(fromHex(IMK.smi), pan, psn, 'A'), arqc);
}

describe('issuer decisions: every response code path (ISO 8583 field 39)', () => {
  it('approves a good ARQC with ARPC method 1 over ARC "00" (Book 2 §8.2.1) and holds the amount', async () => {
    const { host, db } = testHost();
    const request = authRequest({ atc: 5, amountMinor: 2_500 });
    const answer = await host.authorise(request);
    expect(answer.responseCode).toBe('00');
    expect(answer.authorisationCode).toMatch(/^[0-9]{6}$/);
    const arqc = request.iccData.get('9F26')!;
    const expectedArpc = arpcMethod1(cardKeys(testCard(), 5).skAc, arqc, ascii('00'));
    expect(toHex(answer.issuerAuthenticationData!)).toBe(toHex(concat(expectedArpc, ascii('00'))));
    const account = getAccount(db, findCard(db, '4761739001010010', '01')!.accountId)!;
    expect(account.heldMinor).toBe(2_500);
    expect(findCard(db, '4761739001010010', '01')!.lastAtc).toBe(5);
  });

  it('answers ARPC method 2 with a CSU "approved" bit (Book 2 §8.2.2) for a method 2 card', async () => {
    const card = testCard({ cryptogram: { ...testCard().cryptogram, arpcMethod: 2 } });
    const { host } = testHost([card]);
    const request = authRequest({ card, atc: 9 });
    const answer = await host.authorise(request);
    expect(answer.responseCode).toBe('00');
    const csu = fromHex('00800000');
    const arpc = arpcMethod2(cardKeys(card, 9).skAc, request.iccData.get('9F26')!, csu);
    expect(toHex(answer.issuerAuthenticationData!)).toBe(toHex(concat(arpc, csu)));
  });

  it('14 for an unknown card', async () => {
    const { host } = testHost();
    const answer = await host.authorise(authRequest({ atc: 1, card: testCard({ pan: '4761739001010028' }) }));
    expect(answer).toMatchObject({ responseCode: '14', decidedBy: 'unknown-card' });
  });

  it.each([
    ['lost', '41'],
    ['stolen', '43'],
    ['blocked', '62'],
  ] as const)('card %s -> %s', async (status, code) => {
    const { host, db } = testHost();
    setCardStatus(db, '4761739001010010', '01', status);
    const answer = await host.authorise(authRequest({ atc: 3 }));
    expect(answer).toMatchObject({ responseCode: code, decidedBy: 'card-status' });
  });

  it('a stolen card gets APPLICATION BLOCK (84 1E) in template 71 with the secure-messaging MAC (Book 2 §9.2)', async () => {
    const { host, db } = testHost();
    setCardStatus(db, '4761739001010010', '01', 'stolen');
    const request = authRequest({ atc: 3 });
    const answer = await host.authorise(request);
    expect(answer.issuerScripts).toHaveLength(1);
    const template = decodeTlv(answer.issuerScripts![0]!)[0]!;
    expect(template.tag).toBe('71');
    const command = findTag([template], '86')!.value;
    const header = fromHex('841E000008');
    expect(toHex(command.subarray(0, 5))).toBe('841E000008');
    const arqc = request.iccData.get('9F26')!;
    const mac = issuerScriptMac(smiSessionKey('4761739001010010', '01', arqc), concat(header, uintBytes(3, 2), arqc));
    expect(toHex(command.subarray(5))).toBe(toHex(mac));
    // The ARPC carries ARC "43" so the card authenticates the issuer before running the script.
    expect(toHex(answer.issuerAuthenticationData!.subarray(8))).toBe(toHex(ascii('43')));
  });

  it('54 for an expired card', async () => {
    const { host } = testHost([testCard({ expiry: '2505' })]);
    expect((await host.authorise(authRequest({ atc: 1 }))).responseCode).toBe('54');
  });

  it('05 (decidedBy arqc) for a wrong ARQC; nothing is held and the ATC is not advanced', async () => {
    const { host, db } = testHost();
    const answer = await host.authorise(authRequest({ atc: 4, wrongArqc: true }));
    expect(answer).toMatchObject({ responseCode: '05', decidedBy: 'arqc' });
    expect(answer.issuerAuthenticationData).toBeUndefined();
    expect(findCard(db, '4761739001010010', '01')!.lastAtc).toBeNull();
    expect(reconcile(db)[0]!.heldMinor).toBe(0);
  });

  it('05 (decidedBy atc-replay) for an ATC at or below the last seen', async () => {
    const { host } = testHost();
    expect((await host.authorise(authRequest({ atc: 10 }))).responseCode).toBe('00');
    expect(await host.authorise(authRequest({ atc: 10 }))).toMatchObject({ responseCode: '05', decidedBy: 'atc-replay' });
    expect(await host.authorise(authRequest({ atc: 7 }))).toMatchObject({ responseCode: '05', decidedBy: 'atc-replay' });
  });

  it('05 (decidedBy atc-window) for an ATC far beyond the last seen (configurable window)', async () => {
    const { host, db } = testHost([testCard()], { atcWindow: 20 });
    expect((await host.authorise(authRequest({ atc: 10 }))).responseCode).toBe('00');
    expect(await host.authorise(authRequest({ atc: 31 }))).toMatchObject({ responseCode: '05', decidedBy: 'atc-window' });
    expect((await host.authorise(authRequest({ atc: 30 }))).responseCode).toBe('00');
    const row = db.prepare("SELECT reason FROM authorisations WHERE decided_by = 'atc-window'").get() as { reason: string };
    expect(row.reason).toMatch(/cloned card suspected/);
  });

  it('online PIN: 00 with the right PIN (format 0 and format 4), 55 wrong, 75 once the issuer counter is exhausted', async () => {
    const { host, db } = testHost();
    expect((await host.authorise(authRequest({ atc: 1, pin: '1234' }))).responseCode).toBe('00');
    expect((await host.authorise(authRequest({ atc: 2, pin: '1234', pinFormat: 4 }))).responseCode).toBe('00');
    expect(await host.authorise(authRequest({ atc: 3, pin: '9999' }))).toMatchObject({ responseCode: '55', decidedBy: 'pin' });
    expect((await host.authorise(authRequest({ atc: 4, pin: '9999' }))).responseCode).toBe('55');
    expect(await host.authorise(authRequest({ atc: 5, pin: '9999' }))).toMatchObject({ responseCode: '75', decidedBy: 'pin-tries' });
    // The counter is exhausted: even the right PIN is now 75.
    expect((await host.authorise(authRequest({ atc: 6, pin: '1234' }))).responseCode).toBe('75');
    expect(findCard(db, '4761739001010010', '01')!.pinTries).toBe(3);
  });

  it('a good online PIN on a card whose offline PIN is blocked gets PIN UNBLOCK (84 24) in template 72', async () => {
    const { host, db } = testHost([testCard({ offlinePinBlocked: true })]);
    const request = authRequest({ atc: 8, pin: '1234' });
    const answer = await host.authorise(request);
    expect(answer.responseCode).toBe('00');
    const template = decodeTlv(answer.issuerScripts![0]!)[0]!;
    expect(template.tag).toBe('72');
    const command = findTag([template], '86')!.value;
    const arqc = request.iccData.get('9F26')!;
    const mac = issuerScriptMac(smiSessionKey('4761739001010010', '01', arqc), concat(fromHex('8424000008'), uintBytes(8, 2), arqc));
    expect(toHex(command)).toBe('8424000008' + toHex(mac));
    expect(findCard(db, '4761739001010010', '01')!.offlinePinBlocked).toBe(false);
  });

  it('51 when the amount exceeds the available balance (balance - holds)', async () => {
    const { host } = testHost([testCard({ balanceMinor: 5_000, dailyAmountLimitMinor: 100_000 })]);
    expect((await host.authorise(authRequest({ atc: 1, amountMinor: 3_000 }))).responseCode).toBe('00');
    expect(await host.authorise(authRequest({ atc: 2, amountMinor: 3_000 }))).toMatchObject({ responseCode: '51', decidedBy: 'funds' });
  });

  it('61 daily amount limit, 65 daily count limit', async () => {
    const { host } = testHost([testCard({ dailyAmountLimitMinor: 5_000, dailyCountLimit: 2 })]);
    expect(await host.authorise(authRequest({ atc: 1, amountMinor: 6_000 }))).toMatchObject({ responseCode: '61', decidedBy: 'amount-limit' });
    expect((await host.authorise(authRequest({ atc: 2 }))).responseCode).toBe('00');
    expect((await host.authorise(authRequest({ atc: 3 }))).responseCode).toBe('00');
    expect(await host.authorise(authRequest({ atc: 4 }))).toMatchObject({ responseCode: '65', decidedBy: 'count-limit' });
  });

  it('a financial message (0200) posts a debit; a refund (9C 20) credits', async () => {
    const { host, db } = testHost();
    expect((await host.authorise(authRequest({ atc: 1, kind: 'financial', amountMinor: 1_234 }))).responseCode).toBe('00');
    expect((await host.authorise(authRequest({ atc: 2, kind: 'financial', amountMinor: 234, transactionType: '20' }))).responseCode).toBe('00');
    const r = reconcile(db)[0]!;
    expect(r.balanceMinor).toBe(100_000 - 1_234 + 234);
    expect(r.balanced).toBe(true);
  });
});

describe('idempotency and reversals', () => {
  it('a retransmission gets the stored answer and never a second hold', async () => {
    const { host, db } = testHost();
    const request = authRequest({ atc: 3, amountMinor: 700, stan: '000123' });
    const first = await host.authorise(request);
    const again = await host.authorise(request);
    expect(again).toEqual(first);
    expect(reconcile(db)[0]!.heldMinor).toBe(700);
    expect((db.prepare('SELECT COUNT(*) AS n FROM holds').get() as { n: number }).n).toBe(1);
  });

  it('a reversal (0400) releases the hold exactly once; a reversal without original answers 25', async () => {
    const { host, db } = testHost();
    await host.authorise(authRequest({ atc: 3, amountMinor: 900, stan: '000200' }));
    expect(reconcile(db)[0]!.heldMinor).toBe(900);
    const reversal = { ...authRequest({ atc: 3, amountMinor: 900, stan: '000201', kind: 'reversal' }), originalStan: '000200' };
    expect((await host.authorise(reversal)).responseCode).toBe('00');
    expect(reconcile(db)[0]!.heldMinor).toBe(0);
    // Retransmitted reversal and a second reversal with a new STAN: no second release.
    expect((await host.authorise(reversal)).responseCode).toBe('00');
    await host.authorise({ ...reversal, stan: '000202' });
    const r = reconcile(db)[0]!;
    expect(r.heldMinor).toBe(0);
    expect(r.balanced).toBe(true);
    expect((await host.authorise({ ...reversal, stan: '000203', originalStan: '999999' })).responseCode).toBe('25');
  });

  it('reversing a 0200 credits the debit back once', async () => {
    const { host, db } = testHost();
    await host.authorise(authRequest({ atc: 1, amountMinor: 4_000, stan: '000300', kind: 'financial' }));
    const reversal = { ...authRequest({ atc: 1, amountMinor: 4_000, stan: '000301', kind: 'reversal' }), originalStan: '000300' };
    await host.authorise(reversal);
    await host.authorise({ ...reversal, stan: '000302' });
    expect(reconcile(db)[0]).toMatchObject({ balanceMinor: 100_000, balanced: true });
  });

  it('daily limits count from the host clock day (UTC)', async () => {
    let now = NOW;
    const { host } = testHost([testCard({ dailyCountLimit: 1 })], { clock: () => now });
    expect((await host.authorise(authRequest({ atc: 1 }))).responseCode).toBe('00');
    expect((await host.authorise(authRequest({ atc: 2 }))).responseCode).toBe('65');
    now += 24 * 3600 * 1000;
    expect((await host.authorise(authRequest({ atc: 3 }))).responseCode).toBe('00');
  });
});
