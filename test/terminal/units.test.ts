/** Pure functions of the kernel, checked against the spec's rules and worked examples. */
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../src/apdu/bytes.js';
import { DocumentError } from '../../src/apdu/errors.js';
import { chooseOdaMethod } from '../../src/terminal/offline-data-authentication.js';
import { listTerminalProfiles, loadTerminalProfile, parseTerminalProfile } from '../../src/terminal/config-loader.js';
import { terminalTypeInfo } from '../../src/terminal/config.js';
import { allowedAnswer, cryptogramTypeOf } from '../../src/terminal/generate-ac.js';
import { explainLiability, parseLiabilityTable } from '../../src/terminal/liability.js';
import { dateValue } from '../../src/terminal/processing-restrictions.js';
import { parseAfl } from '../../src/terminal/read-application-data.js';
import { randomSelectionPercentage } from '../../src/terminal/terminal-risk-management.js';
import { matchingBits } from '../../src/terminal/tvr.js';
import { matchApplication } from '../../src/terminal/application-selection.js';
import { liabilityRules } from './harness.js';

describe('random transaction selection (Book 3 §10.6.2)', () => {
  const p = { thresholdMinor: 1000, targetPercent: 20, maxTargetPercent: 60 };
  it('below the threshold uses the target percentage', () => expect(randomSelectionPercentage(999, 5000, p)).toBe(20));
  it('at the threshold the interpolation starts at the target', () => expect(randomSelectionPercentage(1000, 5000, p)).toBe(20));
  it('half way to the floor limit is half way to the maximum', () => expect(randomSelectionPercentage(3000, 5000, p)).toBe(40));
  it('at or above the floor limit random selection does not apply', () => {
    expect(randomSelectionPercentage(5000, 5000, p)).toBe(0);
    expect(randomSelectionPercentage(9000, 5000, p)).toBe(0);
  });
});

describe('dates (Book 3 §10.4.3: YY 50-99 is 19YY)', () => {
  it('orders across the century', () => {
    expect(dateValue('991231')).toBeLessThan(dateValue('000101'));
    expect(dateValue(fromHex('491231'))).toBe(20491231);
    expect(dateValue('500101')).toBe(19500101);
  });
});

describe('AFL (Book 3 §10.2)', () => {
  it('parses SFI, range and ODA count', () => {
    expect(parseAfl(fromHex('08010100 10010201'))).toEqual([
      { sfi: 1, first: 1, last: 1, odaCount: 0 },
      { sfi: 2, first: 1, last: 2, odaCount: 1 },
    ]);
  });
  it('rejects SFI 0, first record 0, last < first, too many ODA records', () => {
    expect(typeof parseAfl(fromHex('00010100'))).toBe('string');
    expect(typeof parseAfl(fromHex('08000100'))).toBe('string');
    expect(typeof parseAfl(fromHex('08020100'))).toBe('string');
    expect(typeof parseAfl(fromHex('08010203'))).toBe('string');
    expect(typeof parseAfl(fromHex('F8010100'))).toBe('string');
  });
});

describe('action codes (Book 3 §10.7)', () => {
  it('names the TVR bits matching an action code', () => {
    expect(matchingBits(fromHex('0000008000'), fromHex('DC4004F800'))).toEqual(['floorLimitExceeded']);
    expect(matchingBits(fromHex('8000000000'), fromHex('0010000000'))).toEqual([]);
  });
});

describe('cryptograms (Book 3 §6.5.5.4)', () => {
  it('decodes the CID type bits', () => {
    expect(cryptogramTypeOf(0x00)).toBe('AAC');
    expect(cryptogramTypeOf(0x40)).toBe('TC');
    expect(cryptogramTypeOf(0x80)).toBe('ARQC');
    expect(cryptogramTypeOf(0xc0)).toBeUndefined();
  });
  it('allows the requested or a lower cryptogram only', () => {
    expect(allowedAnswer('TC', 'ARQC')).toBe(true);
    expect(allowedAnswer('TC', 'AAC')).toBe(true);
    expect(allowedAnswer('ARQC', 'TC')).toBe(false);
    expect(allowedAnswer('AAC', 'ARQC')).toBe(false);
  });
});

describe('ODA method (Book 3 §10.3)', () => {
  it('prefers CDA over DDA over SDA', () => {
    expect(chooseOdaMethod(fromHex('6100'), fromHex('E0F8C8'))).toBe('CDA');
    expect(chooseOdaMethod(fromHex('6100'), fromHex('E0F8C0'))).toBe('DDA');
    expect(chooseOdaMethod(fromHex('4000'), fromHex('E0F8C8'))).toBe('SDA');
    expect(chooseOdaMethod(fromHex('0000'), fromHex('E0F8C8'))).toBe('none');
    expect(chooseOdaMethod(fromHex('6100'), fromHex('E0F800'))).toBe('none');
  });
});

describe('terminal types (Book 4 Annex A1)', () => {
  it('decodes attended / online / offline', () => {
    expect(terminalTypeInfo(0x22)).toEqual({ attended: true, onlineCapable: true, offlineCapable: true });
    expect(terminalTypeInfo(0x21)).toEqual({ attended: true, onlineCapable: true, offlineCapable: false });
    expect(terminalTypeInfo(0x26)).toEqual({ attended: false, onlineCapable: false, offlineCapable: true });
  });
});

describe('AID matching (Book 1 §12.3.1)', () => {
  const apps = [
    { aid: 'A0000000031010', partialSelection: false },
    { aid: 'A000000004', partialSelection: true },
  ] as never;
  it('matches exactly, or partially when the ASI allows', () => {
    expect(matchApplication('A0000000031010', apps)).toBeDefined();
    expect(matchApplication('A000000003101001', apps)).toBeUndefined();
    expect(matchApplication('A0000000041010', apps)).toBeDefined();
  });
});

describe('terminal profiles', () => {
  it('ships the four required profiles and each loads', () => {
    const names = listTerminalProfiles();
    for (const n of ['eu-pos-pin', 'unattended-parking', 'girocard-online', 'magstripe-fallback']) expect(names).toContain(n);
    for (const n of names) expect(loadTerminalProfile(n).applications.length).toBeGreaterThan(0);
  });
  it('names file, line and field of a bad value', () => {
    const text = 'name: x\nterminalType: "22"\ncapabilities: E0F8\napplications:\n  - aid: A0000000031010\n';
    try {
      parseTerminalProfile(text, 'bad.yaml');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DocumentError);
      expect((e as DocumentError).message).toBe('bad.yaml:3: capabilities: must be 3 bytes of hex, got 2');
    }
  });
  it('rejects a threshold above the floor limit with its line', () => {
    const text = 'applications:\n  - aid: A0000000031010\n    floorLimitMinor: 100\n    randomSelection:\n      thresholdMinor: 500\n';
    expect(() => parseTerminalProfile(text, 't.yaml')).toThrow(/t\.yaml:5: applications\.0\.randomSelection\.thresholdMinor/);
  });
});

describe('liability rules', () => {
  const base = {
    outcome: 'approved', entryMode: 'chip', scheme: 'visa', cvm: 'offline-pin', cvmSuccessful: true, cardPinPreferring: true,
    cardSupportsPin: true, wentOnline: false, onlineAuthorised: false, fullChipData: false, aboveFloorLimit: false,
    offlineApproved: true, pinPadPresent: true, pinPadWorking: true, odaResult: 'success', cryptogram: 'TC',
    authorisationResponseCode: 'Y1', directDebit: false,
  } as const;
  const who = (delta: Partial<typeof base> | Record<string, unknown>) => explainLiability({ ...base, ...delta } as never, liabilityRules);
  it('chip and PIN within the floor limit: issuer', () => expect(who({}).rule).toBe('chip-and-pin'));
  it('above the floor limit without authorisation: merchant', () => expect(who({ aboveFloorLimit: true }).party).toBe('merchant'));
  it('magstripe read of a chip card: acquirer', () => expect(who({ entryMode: 'magstripe' }).party).toBe('acquirer'));
  it('fallback authorised online: configurable, issuer by default', () => expect(who({ entryMode: 'fallback', onlineAuthorised: true }).party).toBe('issuer'));
  it('fallback not authorised: merchant', () => expect(who({ entryMode: 'fallback' }).party).toBe('merchant'));
  it('online without full chip data: acquirer', () => expect(who({ wentOnline: true, onlineAuthorised: true, fullChipData: false, cvm: 'signature' }).rule).toBe('online-without-full-chip-data'));
  it('PIN-preferring card, no working PIN pad, signature: acquirer', () => expect(who({ pinPadWorking: false, cvm: 'signature' }).rule).toBe('pin-preferring-card-without-pin-pad'));
  it('signature by the card CVM list: issuer', () => expect(who({ cardPinPreferring: false, cvm: 'signature' }).party).toBe('issuer'));
  it('girocard with PIN authorised online: issuer guarantee', () => expect(who({ scheme: 'girocard', onlineAuthorised: true, wentOnline: true, fullChipData: true }).rule).toBe('girocard-pin-online'));
  it('ELV direct debit: merchant', () => expect(who({ scheme: 'girocard', cvm: 'signature', directDebit: true }).rule).toBe('girocard-elv'));
  it('GeldKarte purse: guaranteed to the merchant', () => expect(who({ scheme: 'geldkarte', cvm: 'none' }).rule).toBe('geldkarte-purse'));
  it('declined: nobody', () => expect(who({ outcome: 'declined' }).party).toBe('none'));
  it('explains why earlier rules did not apply', () => {
    const e = who({});
    expect(e.skipped[0]).toEqual({ rule: 'no-payment', because: 'outcome is "approved", rule wants ["declined","terminated"]' });
  });
  it('a rules file with an unknown fact names its line', () => {
    expect(() => parseLiabilityTable('rules:\n  - id: a\n    when: { colour: red }\n    party: issuer\n    reason: x\n', 'r.yaml')).toThrow(/r\.yaml:3: rules\.0\.when\.colour: unknown fact/);
  });
  it('a variable party resolves, an undefined one is an error', () => {
    const t = parseLiabilityTable('variables: { who: merchant }\nrules:\n  - id: a\n    party: $who\n    reason: x\n', 'v.yaml');
    expect(t.rules[0]!.party).toBe('merchant');
    expect(() => parseLiabilityTable('rules:\n  - id: a\n    party: $who\n    reason: x\n', 'v.yaml')).toThrow(/v\.yaml:3: rules\.0\.party/);
  });
});
