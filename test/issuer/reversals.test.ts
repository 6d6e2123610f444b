/**
 * Reversal matching (src/issuer/reversals.ts): terminal, original STAN and date (field 90, else 11/13) and
 * PAN; the amount must equal the original's (no partial reversal: 12); a declined original is answered 00 and
 * nothing moves; a reversal that arrives before its original makes the late original a decline (12).
 */
import { describe, expect, it } from 'vitest';
import { messageToRequest, requestToMessage } from '../../src/issuer/iso8583/mapping.js';
import { reconcile } from '../../src/issuer/ledger.js';
import type { IssuerRequest } from '../../src/issuer/request-identity.js';
import { authRequest, testCard, testHost } from './fixtures.js';

const c2 = testCard({ pan: '4761739001010028', label: 'c2' });
const reversalOf = (o: Parameters<typeof authRequest>[0] & { originalStan: string; originalDate?: string }): IssuerRequest => ({
  ...authRequest({ ...o, kind: 'reversal' }),
  originalStan: o.originalStan,
  ...(o.originalDate ? { originalDate: o.originalDate } : {}),
});

describe('reversal matching', () => {
  it('a reversal with the original STAN but another PAN does not touch the original (25)', async () => {
    const { host, db } = testHost([testCard(), c2]);
    await host.authorise(authRequest({ atc: 3, amountMinor: 700, stan: '000300' }));
    const r = await host.authorise(reversalOf({ card: c2, atc: 9, amountMinor: 700, stan: '000301', originalStan: '000300' }));
    expect(r.responseCode).toBe('25');
    expect(reconcile(db).map((a) => a.heldMinor)).toEqual([700, 0]);
  });

  it('another original date (field 90) does not match; the right date does', async () => {
    const { host, db } = testHost();
    await host.authorise(authRequest({ atc: 3, amountMinor: 700, stan: '000310' })); // date 250615
    expect((await host.authorise(reversalOf({ atc: 3, amountMinor: 700, stan: '000311', originalStan: '000310', originalDate: '0614' }))).responseCode).toBe('25');
    expect(reconcile(db)[0]!.heldMinor).toBe(700);
    expect((await host.authorise(reversalOf({ atc: 3, amountMinor: 700, stan: '000312', originalStan: '000310', originalDate: '0615' }))).responseCode).toBe('00');
    expect(reconcile(db)[0]!).toMatchObject({ heldMinor: 0, balanced: true });
  });

  it('field 90 carries the original date over ISO 8583 (MMDD after MTI and STAN)', () => {
    const message = requestToMessage({ ...reversalOf({ atc: 1, stan: '000999', originalStan: '000123', originalDate: '0614' }) });
    expect(String(message.fields.get(90)).slice(0, 14)).toBe('01000001230614');
    expect(messageToRequest(message, '250615')).toMatchObject({ originalStan: '000123', originalDate: '0614' });
  });

  it('an amount other than the original: 12 (no partial reversal), the hold stays; the full amount then reverses', async () => {
    const { host, db } = testHost();
    await host.authorise(authRequest({ atc: 3, amountMinor: 700, stan: '000320' }));
    const lower = await host.authorise(reversalOf({ atc: 3, amountMinor: 1, stan: '000321', originalStan: '000320' }));
    expect(lower).toMatchObject({ responseCode: '12', decidedBy: 'reversal-amount' });
    expect(reconcile(db)[0]!.heldMinor).toBe(700);
    expect((await host.authorise(reversalOf({ atc: 3, amountMinor: 700, stan: '000322', originalStan: '000320' }))).responseCode).toBe('00');
    expect(reconcile(db)[0]!.heldMinor).toBe(0);
  });

  it('a reversal of a declined original answers 00 and posts nothing', async () => {
    const { host, db } = testHost();
    const before = reconcile(db)[0]!;
    expect((await host.authorise(authRequest({ atc: 3, amountMinor: 700, stan: '000330', wrongArqc: true }))).responseCode).toBe('05');
    expect((await host.authorise(reversalOf({ atc: 3, amountMinor: 700, stan: '000331', originalStan: '000330' }))).responseCode).toBe('00');
    const after = reconcile(db)[0]!;
    expect(after).toEqual(before);
    expect((db.prepare('SELECT COUNT(*) AS n FROM postings').get() as { n: number }).n).toBe(0);
    expect((db.prepare('SELECT COUNT(*) AS n FROM holds').get() as { n: number }).n).toBe(0);
    expect((db.prepare('SELECT COUNT(*) AS n FROM daily_usage WHERE count != 0 OR amount_minor != 0').get() as { n: number }).n).toBe(0);
  });
});

describe('reversal before its original (terminal timeout race)', () => {
  it('the orphan reversal answers 25 and is kept; the late original is declined 12 and holds nothing', async () => {
    const { host, db } = testHost();
    const early = await host.authorise(reversalOf({ atc: 3, amountMinor: 700, stan: '000401', originalStan: '000400' }));
    expect(early.responseCode).toBe('25');
    const late = await host.authorise(authRequest({ atc: 3, amountMinor: 700, stan: '000400' }));
    expect(late).toMatchObject({ responseCode: '12', decidedBy: 'reversed-before-original' });
    expect(reconcile(db)[0]!).toMatchObject({ heldMinor: 0, balanced: true });
    // Linked both ways; the original's retransmission gets the same decline.
    const link = db.prepare("SELECT id, reversed_by, (SELECT original_id FROM authorisations r WHERE r.id = a.reversed_by) AS back FROM authorisations a WHERE kind = 'authorisation'").get() as { id: number; reversed_by: number; back: number };
    expect(link.back).toBe(link.id);
    expect((await host.authorise(authRequest({ atc: 3, amountMinor: 700, stan: '000400' }))).responseCode).toBe('12');
    // Another card's or another amount's transaction with that STAN is not caught by the orphan.
    const { host: h2 } = testHost();
    await h2.authorise(reversalOf({ atc: 3, amountMinor: 700, stan: '000401', originalStan: '000400' }));
    expect((await h2.authorise(authRequest({ atc: 3, amountMinor: 800, stan: '000400' }))).responseCode).toBe('00');
  });
});
