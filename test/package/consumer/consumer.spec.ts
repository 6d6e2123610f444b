// A vitest file in the consumer's project, TypeScript, through the public API.
import { createCard, createDemoCard, createInProcessHost, createTerminal, type TransactionOutcome } from 'emvsim';
import { decodeTlv, toHex } from 'emvsim/apdu';
import { ScriptedHost } from 'emvsim/testing';
import { describe, expect, it } from 'vitest';

describe('emvsim from a consumer project', () => {
  it('approves online with the in-process issuer; the issuer carries the liability', async () => {
    const host = createInProcessHost();
    const terminal = createTerminal({ profile: 'eu-pos-pin', host, cardholder: { pins: ['1234'] }, clock: new Date('2026-06-15T10:00:00Z') });
    const outcome: TransactionOutcome = await terminal.transact(createDemoCard(), { amount: 6000, currency: 'EUR' });
    host.db.close();
    expect(outcome.outcome).toBe('approved');
    expect(outcome.liability.party).toBe('issuer');
  });

  it('goes offline-declined when the host cannot be reached and the card wants to go online', async () => {
    const card = createCard({ profile: 'visa-cvn18', seed: 3 });
    const terminal = createTerminal({ profile: 'eu-pos-pin', host: new ScriptedHost({ mode: 'unreachable' }), cardholder: { pins: ['1234'] }, clock: new Date('2026-06-15T10:00:00Z') });
    const outcome = await terminal.transact(card, { amount: 6000 });
    expect(outcome.outcome).not.toBe('approved');
    expect(outcome.hostResponseCode).toBeUndefined();
  });

  it('decodes BER-TLV with emvsim/apdu', () => {
    const [t] = decodeTlv('5A084761739001010010');
    expect(t!.tag).toBe('5A');
    expect(toHex(t!.value)).toBe('4761739001010010');
  });
});
