/**
 * Deviations a certification review found, each checked against the clause:
 * 6A81 to any SELECT terminates (Book 1 §12.3.2 / §12.3.3 step 2); the second
 * GENERATE AC answers only TC or AAC (Book 3 §6.5.5.4 / §9.3) and a TC whose
 * CDA fails is not trusted (Book 2 §6.6.2); one cashback test for the AUC and
 * the CV Rule condition (Book 3 §10.4.2, Annex C3); offline enciphered PIN
 * recovers its key without ODA (Book 2 §7.1, Book 3 §10.5.1); "Fail CVM" with
 * b7 goes on to the next rule (Book 3 §10.5). Expected values come from the
 * spec, not from the kernel.
 */
import { describe, expect, it } from 'vitest';
import { TVR, isBitSet } from '../../src/apdu/bitmaps.js';
import { type Bytes, ascii, concat, fromHex, toHex } from '../../src/apdu/bytes.js';
import { encodeTlv } from '../../src/apdu/tlv.js';
import type { TraceExchange, TraceRecord } from '../../src/apdu/trace.js';
import type { CardTransport } from '../../src/apdu/transport.js';
import type { EmulatedCard } from '../../src/card/index.js';
import { isCashback } from '../../src/terminal/environment.js';
import { formatOutcome } from '../../src/terminal/report.js';
import { card, hostFor, minimalCardRecord, run, scriptedTransport, terminal } from './harness.js';

const NO_RANDOM = { randomSelection: { thresholdMinor: 0, targetPercent: 0, maxTargetPercent: 0 } };
const ONLINE = { amountMinor: 6000 }; // above the 50.00 floor limit of eu-pos-pin
const tvrBit = (tvrHex: string, bit: keyof typeof TVR) => isBitSet(fromHex(tvrHex), TVR[bit]);

/** A card answering SELECT by name from a table (PSE and AIDs); other AIDs 6A82. No ODA, no CVM. */
function selectCard(selectSw: Record<string, string>): CardTransport & { log: string[] } {
  const ok = (d: Bytes) => concat(d, fromHex('9000'));
  const record = minimalCardRecord();
  return scriptedTransport('select card', (c) => {
    if (c[1] === 0xa4) {
      const name = toHex(c.subarray(5, 5 + c[4]!));
      const key = name === toHex(ascii('1PAY.SYS.DDF01')) ? 'PSE' : name;
      const status = selectSw[key] ?? '6A82';
      if (status !== '9000') return fromHex(status);
      return ok(encodeTlv('6F', [{ tag: '84', value: fromHex(name) }, { tag: 'A5', children: [{ tag: '50', value: ascii('APP') }] }]));
    }
    if (c[1] === 0xb2) return c[2] === 1 ? ok(record) : fromHex('6A83');
    if (c[1] === 0xa8) return ok(encodeTlv('80', fromHex('0000 08010100')));
    if (c[1] === 0xae) return ok(encodeTlv('80', concat(Uint8Array.of(c[2]! & 0xc0), fromHex('0001 1122334455667788'))));
    return fromHex('6A88');
  });
}

const selects = (log: string[]) => log.filter((c) => c.startsWith('00A404'));

describe('6A81 to a SELECT terminates the card session (Book 1 §12.3.2, §12.3.3 step 2)', () => {
  it('PSE 6A82, then the first AID of the list answers 6A81: terminated, no further SELECT', async () => {
    const t = selectCard({ PSE: '6A82', A0000000031010: '6A81', A0000000041010: '9000' });
    const { outcome } = await run({ transport: t, config: terminal('eu-pos-pin', {}, NO_RANDOM) });
    expect(outcome.outcome).toBe('terminated');
    expect(outcome.reason).toMatch(/6A81/);
    expect(outcome.application).toBeUndefined();
    expect(selects(t.log)).toHaveLength(2); // PSE, then A0000000031010; A0000000041010 never selected
  });

  it('no PSE (usePse false): 6A82 to the first AID, 6A81 to the second: terminated', async () => {
    const t = selectCard({ A0000000031010: '6A82', A0000000041010: '6A81', A0000000043060: '9000' });
    const { outcome } = await run({ transport: t, config: terminal('eu-pos-pin', { usePse: false }, NO_RANDOM) });
    expect(outcome.outcome).toBe('terminated');
    expect(outcome.reason).toMatch(/A0000000041010 answered 6A81/);
    expect(selects(t.log).some((c) => c.includes('A0000000043060'))).toBe(false);
  });

  it('SELECT PSE answered 6A81: terminated without trying the list of AIDs', async () => {
    const t = selectCard({ PSE: '6A81', A0000000031010: '9000' });
    const { outcome } = await run({ transport: t, config: terminal('eu-pos-pin', {}, NO_RANDOM) });
    expect(outcome.outcome).toBe('terminated');
    expect(selects(t.log)).toHaveLength(1);
  });
});

/** Wraps an emulated card and rewrites the response to the nth GENERATE AC (or the GET RESPONSE after it, T=0). */
function rewriteGenerateAc(c: EmulatedCard, nth: number, rewrite: (r: Uint8Array) => Uint8Array): CardTransport {
  let generateAcs = 0;
  let pending = false;
  return {
    name: c.name,
    protocol: c.protocol,
    coldReset: () => c.coldReset(),
    warmReset: () => c.warmReset(),
    close: () => c.close(),
    async transmit(cmd: Bytes) {
      const r = await c.transmit(cmd);
      if (cmd[1] === 0xae) {
        generateAcs++;
        pending = generateAcs === nth;
        if (pending && r.length > 2) {
          pending = false;
          return rewrite(r);
        }
        return r;
      }
      if (cmd[1] === 0xc0 && pending) {
        pending = false;
        return rewrite(r);
      }
      pending = false;
      return r;
    },
  };
}

describe('second GENERATE AC (Book 3 §6.5.5.4 / §9.3, Book 2 §6.6.2)', () => {
  it('an ARQC answered to the second GENERATE AC terminates; the cryptogram does not claim a decision', async () => {
    const c = card('visa-cvn18');
    // Format 1 response 80 L CID ...: CID 80 (ARQC) instead of the TC.
    const t = rewriteGenerateAc(c, 2, (r) => {
      const x = r.slice();
      x[2] = 0x80;
      return x;
    });
    const { outcome } = await run({ transport: t, config: terminal('eu-pos-pin', {}, NO_RANDOM), host: hostFor(c), request: ONLINE });
    expect(outcome.outcome).toBe('terminated');
    expect(outcome.reason).toMatch(/card returned ARQC to the second GENERATE AC/);
    expect(outcome.cryptogram).toBeUndefined();
    expect(outcome.cardCryptogram).toBe('ARQC');
  });

  it('CDA fails on the second GENERATE AC: declined, cryptogram AAC, ARC stays the issuer\'s 00; the card said TC', async () => {
    const c = card('mastercard-cda');
    const t = rewriteGenerateAc(c, 2, (r) => {
      const x = r.slice();
      x[40] = x[40]! ^ 0xff; // inside the signed dynamic application data (9F4B)
      return x;
    });
    const { outcome } = await run({ transport: t, config: terminal('eu-pos-pin', {}, NO_RANDOM), host: hostFor(c), request: ONLINE });
    expect(outcome.outcome).toBe('declined');
    expect(outcome.reason).toMatch(/CDA failed on the second GENERATE AC/);
    expect(tvrBit(outcome.tvr, 'cdaFailed')).toBe(true);
    expect(outcome.cryptogram).toBe('AAC');
    expect(outcome.cardCryptogram).toBe('TC');
    // One rule for 8A after the second GENERATE AC, as for a card AAC after an approval (completion.ts).
    expect(outcome.authorisationResponseCode).toBe('00');
    expect(outcome.hostResponseCode).toBe('00');
    expect(outcome.facts.cryptogram).toBe('AAC');
    expect(formatOutcome(outcome).join('\n')).toMatch(/cryptogram {3}AAC {3}ARC 00 {3}\(card answered TC\)/);
  });

  it('the unaltered online transaction still ends with the card TC and the host ARC', async () => {
    const c = card('mastercard-cda');
    const { outcome } = await run({ transport: c, config: terminal('eu-pos-pin', {}, NO_RANDOM), host: hostFor(c), request: ONLINE });
    expect(outcome.outcome).toBe('approved');
    expect(outcome.cryptogram).toBe('TC');
    expect(outcome.cardCryptogram).toBe('TC');
    expect(outcome.authorisationResponseCode).toBe('00');
  });

  it('a second 9F4B in the second GENERATE AC answer (CDA) terminates, it is never approved (Book 3 §6.5.5.4, §10.2)', async () => {
    const c = card('mastercard-cda');
    const t = rewriteGenerateAc(c, 2, (r) => {
      // Re-encode the 77 template with a duplicate 9F4B of arbitrary bytes appended inside it.
      const data = r.subarray(0, r.length - 2);
      const [, lengthBytes] = data[1]! === 0x81 ? [0, 2] : data[1]! === 0x82 ? [0, 3] : [0, 1];
      const body = data.subarray(1 + lengthBytes);
      return concat(encodeTlv('77', concat(body, fromHex('9F4B0401020304'))), r.subarray(r.length - 2));
    });
    const { outcome } = await run({ transport: t, config: terminal('eu-pos-pin', {}, NO_RANDOM), host: hostFor(c), request: ONLINE });
    expect(outcome.outcome).toBe('terminated');
    expect(outcome.reason).toMatch(/9F4B occurs more than once/);
    expect(outcome.error).toBeUndefined();
  });
});

describe('cashback: one test for the AUC and the CV Rule condition (Book 3 §10.4.2, Annex C3)', () => {
  it('isCashback: a cashback transaction, or any Amount Other above zero', () => {
    expect(isCashback({ transactionType: 'cashback' })).toBe(true);
    expect(isCashback({ transactionType: 'goods', otherAmountMinor: 500 })).toBe(true);
    expect(isCashback({ transactionType: 'goods', otherAmountMinor: 0 })).toBe(false);
    expect(isCashback({ transactionType: 'services' })).toBe(false);
  });

  // Domestic (issuer country 0276 = terminal 276). AUC byte 2: b8 domestic cashback, b7 international cashback.
  const goodsWithOther = { amountMinor: 1000, transactionType: 'goods' as const, otherAmountMinor: 500 };
  const cvmList = '00000000 00000000 1F05 0100'; // no CVM if purchase with cashback, else plaintext PIN

  it('goods with Amount Other, AUC without domestic cashback: service not allowed, and the CVM condition sees cashback', async () => {
    const c = card('visa-cvn18', { issuerCountry: '0276', auc: 'FF40', cvmList });
    const { outcome } = await run({ transport: c, config: terminal('eu-pos-pin', {}, NO_RANDOM), host: hostFor(c), request: goodsWithOther });
    expect(tvrBit(outcome.tvr, 'serviceNotAllowed')).toBe(true);
    expect(outcome.cvmResults).toBe('1F0502');
  });

  it('goods with Amount Other, AUC with domestic cashback: allowed; same CVM rule', async () => {
    const c = card('visa-cvn18', { issuerCountry: '0276', auc: 'FF80', cvmList });
    const { outcome } = await run({ transport: c, config: terminal('eu-pos-pin', {}, NO_RANDOM), host: hostFor(c), request: goodsWithOther });
    expect(tvrBit(outcome.tvr, 'serviceNotAllowed')).toBe(false);
    expect(outcome.cvmResults).toBe('1F0502');
  });

  it('goods without Amount Other: no cashback check, the cashback CV Rule is skipped', async () => {
    const c = card('visa-cvn18', { issuerCountry: '0276', auc: 'FF40', cvmList });
    const { outcome } = await run({ transport: c, config: terminal('eu-pos-pin', {}, NO_RANDOM), host: hostFor(c), request: { amountMinor: 1000 } });
    expect(tvrBit(outcome.tvr, 'serviceNotAllowed')).toBe(false);
    expect(outcome.cvmResults).toBe('010002');
  });
});

describe('offline enciphered PIN recovers its key without ODA (Book 2 §7.1, Book 3 §10.5.1)', () => {
  // VERIFY with P2 88 (enciphered PIN, Book 3 §6.5.12) answered 9000: the card deciphered the block with its key.
  const enciphered9000 = (trace: TraceRecord[]) =>
    trace.filter((r): r is TraceExchange => r.type === 'apdu' && r.command.toUpperCase().startsWith('00200088') && r.sw.toUpperCase() === '9000');

  it('SDA-only terminal, DDA card: the ICC public key (9F46) is recovered for the PIN; VERIFY P2 88 succeeds', async () => {
    const c = card('visa-cvn18', { cvmList: '00000000 00000000 0400' });
    const { outcome } = await run({ transport: c, config: terminal('eu-pos-pin', { capabilities: 'E0F880' }, NO_RANDOM), host: hostFor(c), request: { amountMinor: 100 } });
    expect(outcome.cvmResults).toBe('040002');
    expect(tvrBit(outcome.tvr, 'cardholderVerificationNotSuccessful')).toBe(false);
    expect(tvrBit(outcome.tvr, 'offlineDataAuthenticationNotPerformed')).toBe(true);
    expect(enciphered9000(outcome.trace)).toHaveLength(1);
  });

  it('terminal without ODA, card with a PIN encipherment key: 9F2D is recovered under the issuer key; VERIFY P2 88 succeeds', async () => {
    const c = card('pin-encipherment-key', { cvmList: '00000000 00000000 0400' });
    const { outcome } = await run({ transport: c, config: terminal('eu-pos-pin', { capabilities: 'E0F800' }, NO_RANDOM), host: hostFor(c), request: { amountMinor: 100 } });
    expect(outcome.cvmResults).toBe('040002');
    const cv = outcome.steps.find((s) => s.name === 'cardholder-verification');
    expect(cv?.decisions.some((d) => /9F2D/.test(d.text))).toBe(true);
    expect(enciphered9000(outcome.trace)).toHaveLength(1);
  });
});

describe('"Fail CVM" (00) follows b7 like any failed CVM (Book 3 §10.5)', () => {
  const cvm = async (list: string) => {
    const c = card('visa-cvn18', { cvmList: `00000000 00000000 ${list}` });
    return (await run({ transport: c, config: terminal('eu-pos-pin', {}, NO_RANDOM), host: hostFor(c), request: { amountMinor: 100 } })).outcome;
  };

  it('4000 1F00: Fail CVM with b7, then No CVM required succeeds (1F0002)', async () => {
    const o = await cvm('4000 1F00');
    expect(o.cvmResults).toBe('1F0002');
    expect(tvrBit(o.tvr, 'cardholderVerificationNotSuccessful')).toBe(false);
  });

  it('0000 1F00: Fail CVM without b7 ends CVM processing (000001)', async () => {
    const o = await cvm('0000 1F00');
    expect(o.cvmResults).toBe('000001');
    expect(tvrBit(o.tvr, 'cardholderVerificationNotSuccessful')).toBe(true);
  });

  it('4000 alone: nothing follows, verification not successful with the last rule (400001)', async () => {
    const o = await cvm('4000');
    expect(o.cvmResults).toBe('400001');
    expect(tvrBit(o.tvr, 'cardholderVerificationNotSuccessful')).toBe(true);
  });
});
