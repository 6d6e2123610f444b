/**
 * The purse's VERIFY uses the EMV application's PIN try rules (src/card/app/pin-try.ts,
 * Book 3 §6.5.12): same counter, same answers 63C2, 63C1, 63C0 then 6983, the last wrong PIN
 * blocks the application when the profile says so, the counter is checked before the length.
 * And a purse DEBIT is one card-file write: balance, EF_BSEQ and EF_BLOG in one snapshot.
 */
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/apdu/bytes.js';
import { EmulatedCard, type NonVolatileState } from '../../src/card/index.js';
import { createMerchantCard, installPurse, issuePurseCard } from '../../src/card/geldkarte/index.js';
import type { PurseState } from '../../src/card/geldkarte/purse-files.js';
import { PURSE_CLA, PURSE_INS } from '../../src/apdu/geldkarte-protocol.js';
import { pay } from '../../src/terminal/geldkarte/index.js';

const SELECT_PURSE = '00A4040C09D27600002545500200';
const verify = (pin: string) => `0020008008${('2' + pin.length.toString(16) + pin).padEnd(16, 'F')}`;
const sw = (card: EmulatedCard, apdu: string) => toHex(card.transmitSync(apdu)).slice(-4);

function purseCard(options: { blockOnLimit?: boolean; persist?: (s: NonVolatileState) => void } = {}): EmulatedCard {
  const image = issuePurseCard({}, { seed: 'purse-pin' });
  if (options.blockOnLimit !== undefined) image.profile.risk.blockApplicationOnPinTryLimitExceeded = options.blockOnLimit;
  return installPurse(new EmulatedCard(image, { seed: 'purse-pin', ...(options.persist ? { persist: options.persist } : {}) }));
}

describe('purse VERIFY = EMV VERIFY try rules', () => {
  it('wrong PINs answer 63C2, 63C1, 63C0, then 6983 even for the right PIN', () => {
    const card = purseCard();
    expect(sw(card, SELECT_PURSE)).toBe('9000');
    expect([1, 2, 3].map(() => sw(card, verify('9999')))).toEqual(['63C2', '63C1', '63C0']);
    expect(sw(card, verify('1234'))).toBe('6983');
    expect(sw(card, '0020008000')).toBe('6983'); // the counter query
    expect(card.state.pinTryCounter).toBe(0);
  });

  it('the right PIN resets the shared counter; the query spends no try', () => {
    const card = purseCard();
    sw(card, SELECT_PURSE);
    expect(sw(card, verify('0000'))).toBe('63C2');
    expect(sw(card, '0020008000')).toBe('63C2');
    expect(sw(card, verify('1234'))).toBe('9000');
    expect(card.state.pinTryCounter).toBe(3);
  });

  it('the last wrong PIN blocks the application when the profile says so (VIS CVR byte 3 b2)', () => {
    const blocking = purseCard({ blockOnLimit: true });
    sw(blocking, SELECT_PURSE);
    for (let i = 0; i < 3; i++) sw(blocking, verify('9999'));
    expect(blocking.state.applicationBlocked).toBe(true);
    const lenient = purseCard({ blockOnLimit: false });
    sw(lenient, SELECT_PURSE);
    for (let i = 0; i < 3; i++) sw(lenient, verify('9999'));
    expect(lenient.state.applicationBlocked).toBe(false);
  });

  it('a blocked counter is 6983 whatever the length (counter checked before the length, as verify.ts)', () => {
    const card = purseCard();
    sw(card, SELECT_PURSE);
    for (let i = 0; i < 3; i++) sw(card, verify('9999'));
    expect(sw(card, '002000800412345678')).toBe('6983');
    const fresh = purseCard();
    sw(fresh, SELECT_PURSE);
    expect(sw(fresh, '002000800412345678')).toBe('6700'); // wrong length, no try spent
    expect(fresh.state.pinTryCounter).toBe(3);
  });

  it('the try is persisted before the comparison: [limit-1, limit] for the right PIN', () => {
    const counters: number[] = [];
    const card = purseCard({ persist: (s) => counters.push(s.pinTryCounter) });
    sw(card, SELECT_PURSE);
    expect(sw(card, verify('1234'))).toBe('9000');
    expect(counters).toEqual([2, 3]);
  });
});

describe('purse DEBIT is one card-file write', () => {
  it(`DEBIT (E0 ${PURSE_INS.DEBIT.toString(16).toUpperCase()}) persists once, with balance, BSEQ and BLOG changed together`, async () => {
    const events: ({ kind: 'command'; cla: number; ins: number } | { kind: 'persist'; purse: PurseState })[] = [];
    const purse = purseCard({ persist: (s) => events.push({ kind: 'persist', purse: structuredClone(s.applets!.geldkarte as PurseState) }) });
    const before = structuredClone(purse.state.applets!.geldkarte as PurseState);
    const transmit = purse.transmit.bind(purse);
    purse.transmit = (command: Uint8Array) => {
      events.push({ kind: 'command', cla: command[0]!, ins: command[1]! });
      return transmit(command);
    };
    const merchant = createMerchantCard({ seed: 1 });
    await pay(purse, merchant, 250, { now: () => new Date(Date.UTC(2024, 10, 30, 14, 27, 33)) });
    const debitAt = events.findIndex((e) => e.kind === 'command' && e.cla === PURSE_CLA && e.ins === PURSE_INS.DEBIT);
    expect(debitAt).toBeGreaterThanOrEqual(0);
    const nextCommand = events.findIndex((e, i) => i > debitAt && e.kind === 'command');
    const writes = events.slice(debitAt + 1, nextCommand < 0 ? undefined : nextCommand).filter((e) => e.kind === 'persist');
    expect(writes).toHaveLength(1);
    const after = (writes[0] as { purse: PurseState }).purse;
    expect(after.balance).toBe(before.balance - 250);
    expect(after.bseq).toBe(before.bseq + 1);
    expect(after.blog).toHaveLength(before.blog.length + 1);
    expect(after.blog.slice(1)).toEqual(before.blog);
    // No other purse write in the whole payment changed the balance.
    const balanceWrites = events.filter((e) => e.kind === 'persist' && e.purse.balance !== before.balance);
    expect(balanceWrites).toHaveLength(1);
  });
});
