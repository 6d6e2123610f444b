/**
 * Currency (field 49) and card data without a chip cryptogram (no field 55): expiry (field 14) and track 2
 * (field 35, ISO/IEC 7813: PAN '=' YYMM service code) must match the card record; a chip card (service
 * code 2xx/6xx) swiped is honoured only as a fallback (POS entry mode 80).
 */
import { describe, expect, it } from 'vitest';
import { Iso8583Error } from '../../src/issuer/iso8583/codec.js';
import { messageToRequest, requestToMessage } from '../../src/issuer/iso8583/mapping.js';
import { reconcile } from '../../src/issuer/ledger.js';
import type { AuthorisationRequest } from '../../src/terminal/host.js';
import { authRequest, testHost } from './fixtures.js';

/** The test card: PAN 4761739001010010, expiry 2912. */
function swiped(overrides: Partial<AuthorisationRequest>, atc: number): AuthorisationRequest {
  const r = authRequest({ atc, amountMinor: 700 });
  r.iccData = new Map();
  delete r.expiry;
  return { ...r, posEntryMode: '901', ...overrides };
}

describe('currency', () => {
  it('an amount in another currency is held in the account currency (TEST ONLY rates); no rate: 12, nothing held', async () => {
    const { host, db } = testHost();
    // 700 JPY (exponent 0) at 0.0062 EUR/JPY = 4.34 EUR = 434 cents (ISO 4217 exponents: JPY 0, EUR 2).
    expect((await host.authorise({ ...authRequest({ atc: 3, amountMinor: 700 }), currency: '392' })).responseCode).toBe('00');
    expect(reconcile(db)[0]!).toMatchObject({ heldMinor: 434, balanced: true });
    // 10.00 USD at 0.92 EUR/USD = 9.20 EUR.
    expect((await host.authorise({ ...authRequest({ atc: 4, amountMinor: 1_000 }), currency: '0840' })).responseCode).toBe('00');
    expect(reconcile(db)[0]!.heldMinor).toBe(434 + 920);
    const unknown = await host.authorise({ ...authRequest({ atc: 5, amountMinor: 700 }), currency: '999' });
    expect(unknown).toMatchObject({ responseCode: '12', decidedBy: 'currency' });
    expect(reconcile(db)[0]!.heldMinor).toBe(434 + 920);
  });

  it('a reversal in the transaction currency releases the converted hold', async () => {
    const { host, db } = testHost();
    await host.authorise({ ...authRequest({ atc: 3, amountMinor: 700, stan: '000900' }), currency: '392' });
    const reversal = { ...authRequest({ atc: 3, amountMinor: 700, stan: '000901', kind: 'reversal' }), currency: '392', originalStan: '000900' };
    expect((await host.authorise(reversal)).responseCode).toBe('00');
    expect(reconcile(db)[0]!).toMatchObject({ heldMinor: 0, balanced: true });
  });
});

describe('magnetic stripe and manual entry', () => {
  it('a matching track 2 with a magstripe-only service code (101) is approved', async () => {
    const { host } = testHost();
    expect((await host.authorise(swiped({ track2: '4761739001010010D29121010000000000F' }, 1))).responseCode).toBe('00');
  });

  it('a chip card (201) swiped without fallback: 05 service-code; as a fallback (80): approved', async () => {
    const { host } = testHost();
    const track2 = '4761739001010010D2912201123';
    expect(await host.authorise(swiped({ track2 }, 1))).toMatchObject({ responseCode: '05', decidedBy: 'service-code' });
    expect(await host.authorise(swiped({ track2, posEntryMode: '021' }, 1))).toMatchObject({ responseCode: '05', decidedBy: 'service-code' });
    expect((await host.authorise(swiped({ track2, posEntryMode: '801' }, 1))).responseCode).toBe('00');
    expect(await host.authorise(swiped({ track2: '4761739001010010D2912601', posEntryMode: '901' }, 1))).toMatchObject({ decidedBy: 'service-code' });
  });

  it('expiry mismatch (field 14 or track 2) answers 54; neither given answers 30 naming field 14', async () => {
    const { host } = testHost();
    expect(await host.authorise(swiped({ expiry: '011231', posEntryMode: '012' }, 1))).toMatchObject({ responseCode: '54', decidedBy: 'expiry' });
    expect(await host.authorise(swiped({ track2: '4761739001010010D2812101' }, 1))).toMatchObject({ responseCode: '54', decidedBy: 'expiry' });
    expect(await host.authorise(swiped({ posEntryMode: '012' }, 1))).toMatchObject({ responseCode: '30', decidedBy: 'field 14' });
    expect((await host.authorise(swiped({ expiry: '291231', posEntryMode: '012' }, 1))).responseCode).toBe('00');
  });

  it('track 2 of another PAN, or with two separators: 30 naming field 35 (in process and over ISO 8583)', async () => {
    const { host } = testHost();
    expect(await host.authorise(swiped({ track2: '5555555555554444D0112201F' }, 1))).toMatchObject({ responseCode: '30', decidedBy: 'field 35' });
    expect(await host.authorise(swiped({ track2: '4761739001010010D2912D101' }, 1))).toMatchObject({ responseCode: '30', decidedBy: 'field 35' });
    const wire = requestToMessage(swiped({ track2: '5555555555554444D0112201F' }, 1));
    expect(() => messageToRequest(wire, '250615')).toThrow(Iso8583Error);
    try {
      messageToRequest(wire, '250615');
    } catch (e) {
      expect((e as Iso8583Error).field).toBe(35);
    }
    const twoSeparators = requestToMessage(swiped({}, 1));
    twoSeparators.fields.set(35, '4761739001010010=2912=101');
    expect(() => messageToRequest(twoSeparators, '250615')).toThrow(/field separators/);
  });
});
