/**
 * The settlement outbox in process (the kill tests in settle-kill.test.ts run the CLI): what the next
 * settle does with each state the outbox can be left in.
 */
import { describe, expect, it } from 'vitest';
import { DocumentError } from '../../src/apdu/errors.js';
import { createMerchantCard, createPurseCard } from '../../src/card/geldkarte/index.js';
import { ClearingLedger, memoryOutbox, settleDay } from '../../src/issuer/geldkarte/index.js';
import { fetchSummary, pay } from '../../src/terminal/geldkarte/index.js';

const intent = (summarySequence: number, merchantId = '6725050190000000423D') => ({ format: 'emvsim-geldkarte-pending-summary' as const, merchantId, summarySequence });

describe('settleDay and its outbox', () => {
  it('an intent whose SETTLE never committed is dropped: nothing delivered twice, the day closes normally', async () => {
    const merchant = createMerchantCard({ seed: 'm' });
    expect((await pay(createPurseCard({ seed: 'p' }), merchant, 250)).result).toBe('approved');
    const ledger = new ClearingLedger();
    const outbox = memoryOutbox();
    outbox.write(intent(1));
    const day = await settleDay(merchant, ledger, outbox);
    expect(day.recovered).toBeUndefined();
    expect(day.summary.summarySequence).toBe(1);
    expect(day.result.accepted).toBe(true);
    expect(ledger.state.merchantAccounts).toEqual({ [day.summary.merchantId]: 250 });
    expect(outbox.read()).toBeUndefined();
  });

  it('a summary closed on the card but never delivered goes first, then the new day', async () => {
    const merchant = createMerchantCard({ seed: 'm' });
    expect((await pay(createPurseCard({ seed: 'p' }), merchant, 250)).result).toBe('approved');
    const outbox = memoryOutbox();
    outbox.write(intent(1));
    await fetchSummary(merchant); // SETTLE committed; the process "died" before keeping the bytes
    const ledger = new ClearingLedger();
    const day = await settleDay(merchant, ledger, outbox);
    expect(day.recovered?.summary.summarySequence).toBe(1);
    expect(day.recovered?.result.accepted).toBe(true);
    expect(day.summary.summarySequence).toBe(2);
    expect(ledger.state.settled.map((s) => s.summarySequence)).toEqual([1, 2]);
    expect(Object.values(ledger.state.merchantAccounts)).toEqual([250]);
  });

  it('refuses to guess: an outbox of another merchant card, or one the card has moved past, is an error naming it', async () => {
    const merchant = createMerchantCard({ seed: 'm' });
    const other = memoryOutbox();
    other.write(intent(1, '67250501900000009999'));
    await expect(settleDay(merchant, new ClearingLedger(), other)).rejects.toThrow(/pending summary is of merchant card 67250501900000009999/);
    await fetchSummary(merchant);
    await fetchSummary(merchant); // summaries 1 and 2 closed outside this outbox
    const passed = memoryOutbox();
    passed.write(intent(1));
    const error = await settleDay(merchant, new ClearingLedger(), passed).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DocumentError);
    expect((error as Error).message).toMatch(/summary 1 .* never delivered, and the card has moved on to summary 3/);
    expect(passed.read()).toBeDefined(); // kept for the operator
  });
});
