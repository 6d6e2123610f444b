/**
 * A public recording of a Debit Mastercard contactless session (no PDOL, CDA card), replayed
 * through ReplayTransport: the inspector sends exactly the recorded commands, Mastercard's published
 * CA key 05 verifies the real issuer and ICC certificates (the ICC certificate's hash covers the
 * AFL's ODA record and the AIP through 9F4A), and CDA stays unjudged: no GENERATE AC is sent.
 * Source: test/vectors/contactless/debit-mastercard-session.json.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReplayTransport } from '../../../src/apdu/replay-transport.js';
import { formatInspection, inspectContactless } from '../../../src/terminal/card-inspector/index.js';

const session = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'vectors', 'contactless', 'debit-mastercard-session.json'), 'utf8')) as {
  terminal: { date: string; unpredictableNumber: string };
  atr: string;
  pairs: { command: string; response: string }[];
};

describe('replayed public Debit Mastercard contactless session', () => {
  it('kernel 2 by default (Table 3-6), empty PDOL, four records, real certificate chain verified', async () => {
    const r = await inspectContactless(new ReplayTransport(session.pairs, { atr: session.atr, protocol: 'T=1' }), { terminal: session.terminal });
    const app = r.application!;
    expect(app.kernelId).toBe('02');
    expect(app.pdolData).toBe('');
    expect(app.records.map((x) => `${x.sfi}:${x.record}:${x.oda}`)).toEqual(['1:1:false', '2:1:true', '4:1:false', '4:2:false']);
    expect(app.oda?.method).toBe('CDA');
    expect(app.oda?.verdict).toBe('certificates verified');
    const text = formatInspection(r);
    expect(text).toContain('537505******0110');
    expect(text).not.toContain('5375050000160110');
    // 9F6C and 9F66 in a Mastercard record are not the Visa CTQ / the TTQ (Book C-2 Annex A): the
    // mag-stripe application version number and PUNATC(Track2), by the selected AID (the record has no 4F).
    expect(text).toMatch(/ 9F6C [^\n]*\(2\): 0001 {2}-> mag-stripe application version 0001 \(Mastercard Mag-stripe Application Version Number \(Card\)\)\n/);
    expect(text).toMatch(/ 9F66 [^\n]*\(2\): 00FE {2}-> PUNATC\(Track2\) 00FE/);
    expect(text).not.toMatch(/Card Transaction Qualifiers \(CTQ\) \(Visa\)[^\n]*\n\s+(Online PIN required|Switch interface|if CTQ)/);
    expect(text).not.toContain('warning: length');
  });
});
