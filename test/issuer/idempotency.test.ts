/**
 * Retransmission vs. a new transaction reusing the STAN (ISO 8583:1987 field 39 code 94, "duplicate
 * transmission"): the idempotency key (class, terminal, STAN, RRN, date) finds the stored answer only when
 * the request asks for the same thing (PAN, field 4, field 49, ICC 9F26/9F36); otherwise 94, nothing posted.
 */
import { describe, expect, it } from 'vitest';
import { reconcile } from '../../src/issuer/ledger.js';
import { authRequest, testCard, testHost } from './fixtures.js';

const rows = (db: ReturnType<typeof testHost>['db']) => (db.prepare('SELECT COUNT(*) AS n FROM authorisations').get() as { n: number }).n;

describe('idempotency key collisions', () => {
  it('same STAN, another amount: 94 and no hold; the true retransmission still gets the stored approval', async () => {
    const { host, db } = testHost();
    const first = authRequest({ atc: 3, amountMinor: 100, stan: '000111' });
    const approved = await host.authorise(first);
    expect(approved.responseCode).toBe('00');
    const other = await host.authorise(authRequest({ atc: 4, amountMinor: 90_000, stan: '000111' }));
    expect(other).toMatchObject({ responseCode: '94', decidedBy: 'duplicate-transmission' });
    expect(other.authorisationCode).toBeUndefined();
    expect(reconcile(db)[0]!.heldMinor).toBe(100);
    expect(await host.authorise(first)).toEqual(approved);
    expect(reconcile(db)[0]!).toMatchObject({ heldMinor: 100, balanced: true });
  });

  it('same STAN, another PAN: 94, the second card holds nothing and its ATC is not consumed', async () => {
    const c2 = testCard({ pan: '4761739001010028', label: 'c2' });
    const { host, db } = testHost([testCard(), c2]);
    expect((await host.authorise(authRequest({ atc: 3, amountMinor: 100, stan: '000222' }))).responseCode).toBe('00');
    expect((await host.authorise(authRequest({ card: c2, atc: 3, amountMinor: 5_000, stan: '000222' }))).responseCode).toBe('94');
    expect(reconcile(db).map((a) => a.heldMinor)).toEqual([100, 0]);
    // Sent again with a fresh STAN, the same cryptogram is a first use for card 2: approved.
    expect((await host.authorise(authRequest({ card: c2, atc: 3, amountMinor: 5_000, stan: '000223' }))).responseCode).toBe('00');
  });

  it('same STAN and amount, another cryptogram (9F26/9F36) or currency: 94; a repeated 94 adds no row', async () => {
    const { host, db } = testHost();
    await host.authorise(authRequest({ atc: 5, amountMinor: 700, stan: '000333' }));
    const newArqc = authRequest({ atc: 6, amountMinor: 700, stan: '000333' });
    expect((await host.authorise(newArqc)).responseCode).toBe('94');
    const before = rows(db);
    expect((await host.authorise(newArqc)).responseCode).toBe('94');
    expect(rows(db)).toBe(before);
    const yen = { ...authRequest({ atc: 5, amountMinor: 700, stan: '000333' }), currency: '392' };
    expect((await host.authorise(yen)).responseCode).toBe('94');
    expect(reconcile(db)[0]!.heldMinor).toBe(700);
  });
});
