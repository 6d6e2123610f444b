/** Card profiles: the shipped set, base + delta files, typed errors with file and line. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DocumentError } from '../../src/apdu/errors.js';
import { toHex } from '../../src/apdu/bytes.js';
import { isLuhnValid } from '../../src/crypto/luhn.js';
import { createCard, createDemoCard, listProfiles, loadProfile, parseProfile } from '../../src/card/index.js';
import { startSession } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'emvsim-profiles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function errorOf(fn: () => unknown): DocumentError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DocumentError) return e;
    throw e;
  }
  throw new Error('no error thrown');
}

describe('shipped profiles', () => {
  it('ships at least the eight required profiles, all valid', () => {
    const names = listProfiles();
    for (const n of ['visa-cvn18', 'mastercard-cda', 'girocard', 'sda-only', 'expired', 'pin-blocked', 'signature', 'no-cvm-list']) {
      expect(names).toContain(n);
      expect(loadProfile(n).name).toBe(n);
    }
  });

  it('every profile makes a card whose AFL records read back, with a Luhn-valid PAN', async () => {
    for (const name of listProfiles()) {
      const card = createCard({ profile: name, seed: name });
      expect(isLuhnValid(card.secrets.pan)).toBe(true);
      const aid = loadProfile(name).applications[0]!.aid;
      const s = await startSession(card, aid);
      expect(toHex(s.tags.get('5A')!).replace(/F$/, '')).toBe(card.secrets.pan);
    }
  });

  it('profile differences show on the card: expiry, CVM list, PIN counter, AIP', async () => {
    const expired = await startSession(createCard({ profile: 'expired', seed: 1 }), 'A0000000031010');
    expect(toHex(expired.tags.get('5F24')!)).toBe('230131');
    const sig = await startSession(createCard({ profile: 'signature', seed: 1 }), 'A0000000031010');
    expect(toHex(sig.tags.get('8E')!)).toBe('00000000000000001E031F03');
    const none = await startSession(createCard({ profile: 'no-cvm-list', seed: 1 }), 'A0000000031010');
    expect(none.tags.has('8E')).toBe(false);
    expect(none.aip[0]! & 0x10).toBe(0); // cardholder verification not supported
    expect(createCard({ profile: 'pin-blocked', seed: 1 }).state.pinTryCounter).toBe(0);
    const giro = await startSession(createCard({ profile: 'girocard', seed: 1 }), 'D27600002547410100');
    expect(toHex(giro.tags.get('5F28')!)).toBe('0276');
  });

  it('the demo card has PIN 1234 and a fixed PAN, and every call gives a fresh copy', () => {
    const a = createDemoCard();
    const b = createDemoCard();
    expect(a.secrets.pin).toBe('1234');
    expect(a.secrets.pan).toBe('4761739001010010');
    expect(isLuhnValid(a.secrets.pan)).toBe(true);
    expect(a.engine).not.toBe(b.engine);
  });

  it('seeded cards are reproducible; unseeded cards differ', () => {
    expect(createCard({ seed: 7 }).secrets.pan).toBe(createCard({ seed: 7 }).secrets.pan);
    expect(createCard().secrets.pan).not.toBe(createCard().secrets.pan);
  });
});

describe('base + delta profiles', () => {
  it('a delta file overrides only what it names', () => {
    const file = join(dir, 'cert-card.yaml');
    writeFileSync(file, ['base: visa-cvn18', 'iac:', '  online: "FFFFFFFFFF"', 'cvmList: "00000000 00000000 1F03"', ''].join('\n'));
    const p = loadProfile(file);
    expect(p.name).toBe('cert-card');
    expect(p.iac).toEqual({ default: 'DC4000A800', denial: '0010000000', online: 'FFFFFFFFFF' });
    expect(p.cvmList).toBe('00000000000000001F03');
    expect(p.applications[0]!.aid).toBe('A0000000031010');
  });

  it('programmatic overrides work the same way', () => {
    const card = createCard({ seed: 1, overrides: { risk: { lowerConsecutiveOfflineLimit: 0 } } });
    expect(card.engine.profile.risk.lowerConsecutiveOfflineLimit).toBe(0);
    expect(card.engine.profile.risk.upperConsecutiveOfflineLimit).toBe(6);
  });
});

describe('profile errors name the file, line and field', () => {
  it('a bad value in a delta file', () => {
    const file = join(dir, 'bad-iac.yaml');
    writeFileSync(file, ['base: visa-cvn18', 'name: bad-iac', 'iac:', '  online: "FFFF"', ''].join('\n'));
    const e = errorOf(() => loadProfile(file));
    expect(e.file).toBe(file);
    expect(e.line).toBe(4);
    expect(e.field).toBe('iac.online');
    expect(e.message).toContain('5 bytes');
  });

  it('an unknown field, a bad enum, a bad DOL, a missing base, YAML syntax', () => {
    expect(errorOf(() => parseProfile('base: visa-cvn18\ncolour: blue\n', 'x.yaml')).field).toBe('colour');
    const odaErr = errorOf(() => parseProfile('base: visa-cvn18\n\noda: rsa\n', 'y.yaml'));
    expect([odaErr.field, odaErr.line]).toEqual(['oda', 3]);
    expect(errorOf(() => parseProfile('base: visa-cvn18\ncdol1: "9F"\n', 'z.yaml')).field).toBe('cdol1');
    const baseErr = errorOf(() => parseProfile('base: no-such-card\n', 'w.yaml'));
    expect([baseErr.field, baseErr.line]).toEqual(['base', 1]);
    const syntax = errorOf(() => parseProfile('name: [unclosed\n', 's.yaml'));
    expect(syntax.file).toBe('s.yaml');
    expect(syntax.line).toBeGreaterThanOrEqual(1);
  });

  it('a fault rule with an unknown command', () => {
    const e = errorOf(() => parseProfile('base: visa-cvn18\nfaults:\n  - command: FLY\n    action: mute\n', 'f.yaml'));
    expect([e.field, e.line]).toEqual(['faults.0.command', 3]);
  });

  it('a range is checked once, by the schema, at the line of the layer that wrote it; validateProfile checks one field against another', () => {
    const range = errorOf(() => parseProfile('base: visa-cvn18\napplications:\n  - aid: A0000000031010\n    label: VISA\n    priority: 300\n', 'r.yaml'));
    expect([range.field, range.line]).toEqual(['applications.0.priority', 5]);
    const across = errorOf(() => parseProfile('base: visa-cvn18\npinTryLimit: 3\npinTryCounter: 5\n', 'c.yaml'));
    expect(across.field).toBe('pinTryCounter');
    expect(across.message).toContain('5 is outside 0..3 (pinTryLimit)');
    // A value the schema allows (pinTryCounter up to 15) is read as given when the limit allows it.
    expect(parseProfile('base: visa-cvn18\npinTryLimit: 15\npinTryCounter: 15\n', 'ok.yaml').pinTryCounter).toBe(15);
  });
});
