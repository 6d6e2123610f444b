/**
 * A public recording of a real Visa contactless session (qVSDC-style GPO with 9F4B), replayed
 * through ReplayTransport: every command the inspector sends must equal the recorded one byte for
 * byte, so the test proves the PPSE/SELECT/PDOL/READ RECORD sequence is what a real reader sent.
 * Source and changes: test/vectors/contactless/visa-debit-fdda-session.json.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReplayTransport } from '../../../src/apdu/replay-transport.js';
import { formatInspection, inspectContactless } from '../../../src/terminal/card-inspector/index.js';

const session = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'vectors', 'contactless', 'visa-debit-fdda-session.json'), 'utf8')) as {
  terminal: { ttq: string; amount: number; amountOther: number; country: string; currency: string; date: string; transactionType: number; unpredictableNumber: string };
  atr: string;
  pairs: { command: string; response: string }[];
};

describe('replayed public Visa contactless session', () => {
  it('the inspector sends exactly the recorded commands and decodes the answers', async () => {
    const replay = new ReplayTransport(session.pairs, { atr: session.atr, protocol: 'T=1' });
    const r = await inspectContactless(replay, { terminal: session.terminal });
    const app = r.application!;
    expect(app.adfName).toBe('A0000000031010');
    expect(app.kernelId).toBe('03'); // no 9F2A in the PPSE: Visa's default (Book B Table 3-6); 9F66 in the PDOL keeps kernel 3 (§3.3.3.6)
    expect(app.gpo.sw).toBe('9000');
    expect(app.records.map((x) => `${x.sfi}:${x.record}`)).toEqual(['2:3', '2:4', '2:5', '2:6']);
    // Visa's published CA key 09 (scripts/capk/test-capks.json) verifies the real issuer and ICC
    // certificates (Book 2 §6.3, §6.4); the fDDA signature in the GPO answer is recovered, not judged.
    expect(app.oda?.method).toBe('fDDA');
    expect(app.oda?.verdict).toBe('recovered, not judged');
    expect(app.oda?.steps.map((s) => [s.object, s.failures])).toEqual([['issuer certificate', []], ['ICC certificate', []]]);
    // The recovered ICC dynamic number is the ATC the card returned with GPO (9F36 = 03AA).
    expect(app.oda?.recovered?.iccDynamicNumber).toBe('03AA');
    expect(app.oda?.recovered?.signedDataFormat).toBe('95');
    const text = formatInspection(r);
    // 9F6C read as Visa's CTQ (the selected AID is Visa's), printed once, under its own line.
    expect(text).toMatch(/ 9F6C [^\n]*\(2\): 1600\n\s+Switch interface if offline data authentication fails and reader supports contact chip\n/);
    expect(text.split('Switch interface for cash transactions').length - 1).toBe(1);
    expect(text).toContain('Visa form factor indicator, version 1: card');
    expect(text).toContain('492182******6752');
    expect(text).not.toContain('4921828094896752');
  });

  it('a different terminal UN makes the GPO differ from the recording (ReplayMismatchError)', async () => {
    const replay = new ReplayTransport(session.pairs, { atr: session.atr, protocol: 'T=1' });
    await expect(inspectContactless(replay, { terminal: { ...session.terminal, unpredictableNumber: '00000000' } })).rejects.toThrow(/exchange 2 differs/);
  });
});
