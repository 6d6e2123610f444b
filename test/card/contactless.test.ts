/** The card's two interfaces: PPSE over contactless, PSE over contact (src/card/os/ppse.ts). */
import { describe, expect, it } from 'vitest';
import { parseAtr } from '../../src/apdu/atr.js';
import { toAscii, toHex } from '../../src/apdu/bytes.js';
import { decodeTlv, findTag } from '../../src/apdu/tlv.js';
import { createCard, loadProfile } from '../../src/card/index.js';
import { contactlessAtr } from '../../src/card/os/ppse.js';

const PPSE = '00A404000E325041592E5359532E444446303100';
const PSE = '00A404000E315041592E5359532E444446303100';
const raw = (card: ReturnType<typeof createCard>, hex: string) => {
  const r = card.transmitSync(hex);
  return { data: r.subarray(0, r.length - 2), sw: toHex(r.subarray(r.length - 2)) };
};
const select = (aid: string) => `00A40400${(aid.length / 2).toString(16).padStart(2, '0')}${aid}00`;

describe('PPSE (Book B §3.3.2) on the contactless interface', () => {
  const card = createCard({ profile: 'contactless-dual', interface: 'contactless', seed: 1 });

  it('answers an FCI 6F { 84 2PAY.SYS.DDF01, A5 { BF0C { 61 ... } } } with one entry per contactless application', () => {
    const r = raw(card, PPSE);
    expect(r.sw).toBe('9000');
    const fci = decodeTlv(r.data);
    expect(toAscii(findTag(fci, '84')!.value)).toBe('2PAY.SYS.DDF01');
    const bf0c = findTag(fci, 'BF0C')!;
    const entries = bf0c.children!.filter((t) => t.tag === '61');
    // V PAY (contactless: false) is not listed.
    expect(entries.map((e) => toHex(findTag(e.children!, '4F')!.value))).toEqual(['A0000000031010', 'A0000000032010']);
    const first = entries[0]!.children!;
    expect(toAscii(findTag(first, '50')!.value)).toBe('VISA CREDIT');
    expect(toHex(findTag(first, '87')!.value)).toBe('01');
    expect(toHex(findTag(first, '9F2A')!.value)).toBe('03');
    // No 9F2A personalised: Entry Point takes the default by RID (Book B Table 3-6).
    expect(findTag(entries[1]!.children!, '9F2A')).toBeUndefined();
  });

  it('refuses the PSE and the contact-only application over contactless (6A82)', () => {
    expect(raw(card, PSE).sw).toBe('6A82');
    expect(raw(card, select('A0000000038010')).sw).toBe('6A82');
    expect(raw(card, select('A0000000031010')).sw).toBe('9000');
  });

  it('writes 9F29 (extended selection) when the profile sets it', () => {
    const profile = loadProfile('contactless-dual', { overrides: {} });
    profile.applications[0]!.extendedSelection = '0102';
    const c = createCard({ profile, interface: 'contactless', seed: 2 });
    const entry = findTag(decodeTlv(raw(c, PPSE).data), '61')!;
    expect(toHex(findTag(entry.children!, '9F29')!.value)).toBe('0102');
  });

  it('presents T=1 and the ATR a PC/SC reader synthesises for an ISO 14443-4 card (PC/SC Part 3)', () => {
    expect(card.protocol).toBe('T=1');
    const atr = card.atr;
    expect(toHex(atr.subarray(0, 4))).toBe('3B8E8001');
    const parsed = parseAtr(atr);
    expect(parsed.protocols).toContain(1);
    let x = 0;
    for (const b of atr.subarray(1)) x ^= b;
    expect(x).toBe(0); // TCK makes the XOR of T0..TCK zero
    // The ATR seen for an ISO 14443-4 Type A card without historical bytes in PC/SC readers.
    expect(toHex(contactlessAtr(Uint8Array.of()))).toBe('3B80800101');
  });
});

describe('the contact interface of the same card', () => {
  const card = createCard({ profile: 'contactless-dual', seed: 1 });
  it('refuses the PPSE (6A82) and offers the PSE and every application', () => {
    expect(raw(card, PPSE).sw).toBe('6A82');
    expect(raw(card, PSE).sw).toBe('9000');
    expect(raw(card, select('A0000000038010')).sw).toBe('9000');
  });
  it('a card without ppse refuses the PPSE even over contactless', () => {
    const c = createCard({ profile: 'visa-cvn18', interface: 'contactless', seed: 1 });
    expect(raw(c, PPSE).sw).toBe('6A82');
  });
});

describe('profile fields of the contactless interface', () => {
  it('ppse without a contactless application, and kernelId on a contact-only application, are errors naming the field', () => {
    expect(() => loadProfile('contactless-dual', { overrides: { applications: [{ aid: 'A0000000031010', label: 'VISA', priority: 1 }] } })).toThrow(/ppse: no application is marked contactless/);
    expect(() => loadProfile('contactless-dual', { overrides: { applications: [{ aid: 'A0000000031010', label: 'VISA', priority: 1, contactless: true }, { aid: 'A0000000032010', label: 'E', priority: 2, kernelId: '03' }] } })).toThrow(/applications\.1\.kernelId: is written in the PPSE only/);
    expect(() => loadProfile('contactless-dual', { overrides: { applications: [{ aid: 'A0000000031010', label: 'VISA', priority: 1, contactless: true, kernelId: 'XYZ' }] } })).toThrow(/applications\.0\.kernelId/);
  });
});
