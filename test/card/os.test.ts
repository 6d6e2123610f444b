/** Card OS behaviour seen by a terminal: ATR, resets, selection, records, status words, T=0 rules. */
import { describe, expect, it } from 'vitest';
import { parseAtr } from '../../src/apdu/atr.js';
import { fromHex, toAscii, toHex } from '../../src/apdu/bytes.js';
import { isKnownStatusWord } from '../../src/apdu/status-words.js';
import { decodeTlv, findTag, flattenTlv } from '../../src/apdu/tlv.js';
import { createCard } from '../../src/card/index.js';
import { selectCommand, send, startSession, swHex } from './helpers.js';

const raw = (card: ReturnType<typeof createCard>, hex: string) => {
  const r = card.transmitSync(hex);
  return { data: toHex(r.subarray(0, r.length - 2)), sw: toHex(r.subarray(r.length - 2)) };
};

describe('ATR and resets', () => {
  it('gives a parseable EMV ATR announcing T=0 or T=1 as the profile says', async () => {
    const t1 = createCard({ profile: 'visa-cvn18', seed: 1 });
    const t0 = createCard({ profile: 'mastercard-cda', seed: 1 });
    expect(parseAtr(await t1.coldReset()).protocols).toEqual([1]);
    expect(parseAtr(await t0.coldReset()).protocols).toEqual([0]);
    expect(t1.protocol).toBe('T=1');
    expect(t0.protocol).toBe('T=0');
  });

  it('forgets the selected application and transaction on cold and warm reset', async () => {
    const card = createCard({ seed: 2 });
    expect(raw(card, selectCommand('A0000000031010')).sw).toBe('9000');
    expect(raw(card, '00B2011400').sw).toBe('9000');
    await card.warmReset();
    expect(raw(card, '00B2011400').sw).toBe('6A82'); // no application selected any more
    expect(raw(card, '80CA9F3600').sw).toBe('6A88');
    raw(card, selectCommand('A0000000031010'));
    expect(raw(card, '80A800000C830A00000000100009780826').sw.slice(0, 2)).toBe('90');
    await card.coldReset();
    raw(card, selectCommand('A0000000031010'));
    // GPO is allowed again: the transaction state was volatile.
    expect(raw(card, '80A800000C830A00000000100009780826').sw).toBe('9000');
  });
});

describe('SELECT (Book 1 §11.3, §12.2.3)', () => {
  it('selects the PSE and lists every application in its directory records', () => {
    const card = createCard({ profile: 'girocard', seed: 3 });
    const pse = raw(card, '00A404000E315041592E5359532E444446303100');
    expect(pse.sw).toBe('9000');
    const fci = decodeTlv(pse.data);
    expect(toAscii(findTag(fci, '84')!.value)).toBe('1PAY.SYS.DDF01');
    const sfi = findTag(fci, '88')!.value[0]!;
    const aids: string[] = [];
    for (let rec = 1; ; rec++) {
      const r = raw(card, `00B2${rec.toString(16).padStart(2, '0')}${((sfi << 3) | 4).toString(16).padStart(2, '0')}00`);
      if (r.sw === '6A83') break;
      expect(r.sw).toBe('9000');
      aids.push(toHex(findTag(decodeTlv(r.data), '4F')!.value));
    }
    expect(aids).toEqual(['A000000059101002', 'D27600002547410100']);
  });

  it('matches partial AIDs and walks them with P2 "next occurrence"', () => {
    const card = createCard({
      seed: 4,
      overrides: {
        applications: [
          { aid: 'A0000000031010', label: 'VISA CREDIT', priority: 1 },
          { aid: 'A0000000032010', label: 'VISA ELECTRON', priority: 2 },
        ],
      },
    });
    const aidOf = (d: string) => toHex(findTag(decodeTlv(fromHex(d)), '84')!.value);
    const first = raw(card, selectCommand('A000000003'));
    expect(first.sw).toBe('9000');
    expect(aidOf(first.data)).toBe('A0000000031010');
    const next = raw(card, selectCommand('A000000003', 0x02));
    expect(next.sw).toBe('9000');
    expect(aidOf(next.data)).toBe('A0000000032010');
    expect(raw(card, selectCommand('A000000003', 0x02)).sw).toBe('6A82');
    expect(raw(card, selectCommand('A000000004')).sw).toBe('6A82');
    expect(raw(card, selectCommand('A0000000031010FF')).sw).toBe('6A82'); // longer than any AID
  });

  it('returns the FCI with PDOL, label, language and log entry', () => {
    const card = createCard({ seed: 5 });
    const r = raw(card, selectCommand('A0000000031010'));
    const t = flattenTlv(decodeTlv(fromHex(r.data)));
    expect(toAscii(t.get('50')!)).toBe('VISA CREDIT');
    expect(toHex(t.get('9F38')!)).toBe('9F02065F2A029F1A02');
    expect(toAscii(t.get('5F2D')!)).toBe('en');
    expect(toHex(t.get('9F4D')!)).toBe('0B0A');
  });

  it('answers 6283 with the FCI when the application is blocked', () => {
    const card = createCard({ seed: 6, overrides: { applicationBlocked: true } });
    const r = raw(card, selectCommand('A0000000031010'));
    expect(r.sw).toBe('6283');
    expect(findTag(decodeTlv(fromHex(r.data)), '84')).toBeDefined();
  });

  it('answers 6A81 to every command when the card is blocked', () => {
    const card = createCard({ seed: 7, overrides: { cardBlocked: true } });
    expect(raw(card, selectCommand('A0000000031010')).sw).toBe('6A81');
    expect(raw(card, '00A404000E315041592E5359532E444446303100').sw).toBe('6A81');
  });
});

describe('status words for errors (ISO/IEC 7816-4 §5.6)', () => {
  const card = createCard({ seed: 8 });
  raw(card, selectCommand('A0000000031010'));
  const cases: [string, string, string][] = [
    ['unknown INS', '00FF000000', '6D00'],
    ['unknown CLA', 'A0A4040007A000000003101000', '6E00'],
    ['GPO with CLA 00', '00A800000C830A00000000100009780826', '6E00'],
    ['SELECT with P1 02', '00A4020002011100', '6A86'],
    ['READ RECORD P2 without the SFI form', '00B2010800', '6A86'],
    ['READ RECORD of a missing SFI', '00B2014C00', '6A82'],
    ['READ RECORD of a missing record', '00B2091400', '6A83'],
    ['GET DATA of an unknown tag', '80CA9F7F00', '6A88'],
    ['GPO with the wrong PDOL length', '80A8000004830200000000', '6700'],
    ['GENERATE AC before GPO', '80AE80000100', '6985'],
    ['VERIFY with P2 81', '0020008108241234FFFFFFFFFF', '6A86'],
    ['VERIFY before GPO (no transaction initiated)', '0020008008241234FFFFFFFFFF', '6985'],
    ['PUT DATA without secure messaging', '00DA9F140101', '6982'],
    ['a malformed APDU (Lc too long)', '00A404000F3150', '6700'],
    ['EXTERNAL AUTHENTICATE without ARQC', '008200000A0102030405060708093030', '6985'],
  ];
  for (const [what, apdu, want] of cases) {
    it(`${what} -> ${want}`, () => expect(raw(card, apdu).sw).toBe(want));
  }

  it('VERIFY with a 7-byte block after GPO -> 6700', () => {
    const c = createCard({ seed: 'verify-length' });
    raw(c, selectCommand('A0000000031010'));
    expect(raw(c, '80A800000C830A00000000100009780826').sw).toBe('9000');
    expect(raw(c, '0020008007241234FFFFFFFF').sw).toBe('6700');
  });

  it('INTERNAL AUTHENTICATE before GPO is 6985, after GPO it signs (Book 3 §10.3 is a transaction step)', async () => {
    const c = createCard({ profile: 'mastercard-cda', seed: 'ia-before-gpo' });
    expect(swHex((await send(c, selectCommand('A0000000041010'))).sw)).toBe('9000');
    expect(swHex((await send(c, '00880000040102030400')).sw)).toBe('6985');
    await startSession(c, 'A0000000041010');
    expect(swHex((await send(c, '00880000040102030400')).sw)).toBe('9000');
  });

  it('GPO twice is 6985', () => {
    const c = createCard({ seed: 9 });
    raw(c, selectCommand('A0000000031010'));
    expect(raw(c, '80A800000C830A00000000100009780826').sw).toBe('9000');
    expect(raw(c, '80A800000C830A00000000100009780826').sw).toBe('6985');
  });

  it('GET DATA returns the counters and the log format', () => {
    const c = createCard({ seed: 10 });
    raw(c, selectCommand('A0000000031010'));
    expect(raw(c, '80CA9F3600').data).toBe('9F36020000');
    expect(raw(c, '80CA9F1700').data).toBe('9F170103');
    expect(raw(c, '80CA9F1300').data).toBe('9F13020000');
    expect(raw(c, '80CA9F4F00').data).toBe('9F4F169F02069F03065F2A029A039C019F36029F27019F1A02');
  });

  it('GET CHALLENGE gives 8 fresh bytes', () => {
    const c = createCard({ seed: 11 });
    const a = raw(c, '0084000000');
    const b = raw(c, '0084000008');
    expect(a.sw).toBe('9000');
    expect(a.data).toHaveLength(16);
    expect(b.data).not.toBe(a.data);
    expect(raw(c, '0084010000').sw).toBe('6A86');
  });

  it('every answer to these errors is a known status word', () => {
    for (const [, apdu] of cases) expect(isKnownStatusWord(parseInt(raw(card, apdu).sw, 16))).toBe(true);
  });
});

describe('T=0 transport rules (Book 1 §9.3, Annex A)', () => {
  it('answers case 4 commands with 61xx and serves the data with GET RESPONSE', () => {
    const card = createCard({ profile: 'mastercard-cda', seed: 12 });
    const sel = raw(card, '00A4040007A0000000041010'); // case 3 at TPDU level: no Le over T=0
    expect(sel.sw.slice(0, 2)).toBe('61');
    const n = parseInt(sel.sw.slice(2), 16);
    const part = raw(card, '00C0000005');
    expect(part.sw).toBe(`61${(n - 5).toString(16).toUpperCase().padStart(2, '0')}`);
    expect(part.data.slice(0, 4)).toBe('6F' + (n - 2).toString(16).toUpperCase().padStart(2, '0'));
    const wrong = raw(card, '00C00000FF');
    expect(wrong.sw).toBe(`6C${(n - 5).toString(16).toUpperCase().padStart(2, '0')}`);
    const rest = raw(card, `00C00000${(n - 5).toString(16).padStart(2, '0')}`);
    expect(rest.sw).toBe('9000');
    expect(rest.data).toHaveLength((n - 5) * 2);
  });

  it('answers a case 2 command with a wrong Le with 6Cxx, then the data with the exact Le', () => {
    const card = createCard({ profile: 'mastercard-cda', seed: 13 });
    raw(card, '00A4040007A0000000041010');
    expect(raw(card, '80CA9F3600').sw).toBe('6C05');
    expect(raw(card, '80CA9F3605')).toEqual({ data: '9F36020000', sw: '9000' });
    expect(raw(card, '0084000000').sw).toBe('6C08');
  });

  it('a terminal using the exchange rules sees whole answers over T=0', async () => {
    const card = createCard({ profile: 'mastercard-cda', seed: 14 });
    const r = await send(card, selectCommand('A0000000041010'));
    expect(swHex(r.sw)).toBe('9000');
    expect(toHex(findTag(decodeTlv(r.data), '84')!.value)).toBe('A0000000041010');
    expect(swHex((await send(card, '0084000000')).sw)).toBe('9000');
  });

  it('a warning with data over T=0 (blocked application): 6283 first, the FCI through GET RESPONSE', async () => {
    const card = createCard({ profile: 'mastercard-cda', seed: 16, overrides: { applicationBlocked: true } });
    expect(raw(card, '00A4040007A0000000041010')).toEqual({ data: '', sw: '6283' });
    const r = await send(card, selectCommand('A0000000041010'));
    expect(swHex(r.sw)).toBe('6283');
    expect(toHex(findTag(decodeTlv(r.data), '84')!.value)).toBe('A0000000041010');
  });

  it('GET RESPONSE without pending data is 6985', () => {
    const card = createCard({ profile: 'mastercard-cda', seed: 15 });
    expect(raw(card, '00C0000010').sw).toBe('6985');
  });
});
