/**
 * A card file is validated on load (card-image-validate.ts): each bad field is a DocumentError
 * naming the file and the field path, never a TypeError or a silently bricked card.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DocumentError } from '../../src/apdu/errors.js';
import { type CardImage, issueCard, loadCard, loadProfile, parseCardImage } from '../../src/card/index.js';
import { startSession, send, swHex, verifyPlaintext } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'emvsim-cardfile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base: CardImage = issueCard(loadProfile('visa-cvn18'), { seed: 'card-file' });

/** The card file with one change, as JSON text (what a hand edit produces). */
function edited(change: (image: Record<string, any>) => void): string {
  const image = structuredClone(base) as unknown as Record<string, any>;
  change(image);
  return JSON.stringify(image);
}

function errorOf(text: string): DocumentError {
  try {
    parseCardImage(text, 'card.json');
  } catch (e) {
    expect(e).toBeInstanceOf(DocumentError);
    return e as DocumentError;
  }
  throw new Error('the card file was accepted');
}

const cases: { field: string; change: (i: Record<string, any>) => void; message?: RegExp }[] = [
  { field: 'state.pin', change: (i) => (i.state.pin = null), message: /4 to 12 digits/ },
  { field: 'state.pin', change: (i) => (i.state.pin = '12a4') },
  { field: 'state.pinTryCounter', change: (i) => (i.state.pinTryCounter = 99), message: /outside 0\.\.3/ },
  { field: 'state.pinTryCounter', change: (i) => (i.state.pinTryCounter = -1) },
  { field: 'state.atc', change: (i) => (i.state.atc = 70000), message: /outside 0\.\.65535/ },
  { field: 'state.lastOnlineAtc', change: (i) => (i.state.lastOnlineAtc = 5), message: /outside 0\.\.0/ }, // above the ATC
  { field: 'state.consecutiveOffline', change: (i) => (i.state.consecutiveOffline = 1.5) },
  { field: 'state.cumulativeOfflineAmount', change: (i) => (i.state.cumulativeOfflineAmount = '100') },
  { field: 'state.scriptCommandsLastTransaction', change: (i) => delete i.state.scriptCommandsLastTransaction },
  { field: 'state.applicationBlocked', change: (i) => (i.state.applicationBlocked = 'no'), message: /true or false/ },
  { field: 'state.cardBlocked', change: (i) => (i.state.cardBlocked = 0) },
  { field: 'state.issuerAuthFailedLastOnline', change: (i) => (i.state.issuerAuthFailedLastOnline = null) },
  { field: 'state.lastOnlineNotCompleted', change: (i) => delete i.state.lastOnlineNotCompleted },
  { field: 'state.scriptFailedLastTransaction', change: (i) => (i.state.scriptFailedLastTransaction = 'false') },
  { field: 'state.log', change: (i) => (i.state.log = 'ZZ'), message: /list/ },
  { field: 'state.log.0', change: (i) => (i.state.log = ['ZZ']), message: /hex/ },
  { field: 'state.log.0', change: (i) => (i.state.log = ['00']), message: /23 bytes/ }, // Log Format length (Book 3 Annex D)
  { field: 'state.dataOverrides', change: (i) => (i.state.dataOverrides = null), message: /object/ },
  { field: 'state.dataOverrides.9F14', change: (i) => (i.state.dataOverrides = { '9F14': 'X1' }) },
  { field: 'state.dataOverrides.zz', change: (i) => (i.state.dataOverrides = { zz: '01' }), message: /tag/ },
  { field: 'state.recordOverrides', change: (i) => (i.state.recordOverrides = []) },
  { field: 'state.recordOverrides.31:1', change: (i) => (i.state.recordOverrides = { '31:1': '7000' }), message: /SFI/ },
  { field: 'state.recordOverrides.2:1', change: (i) => (i.state.recordOverrides = { '2:1': 7000 }) },
  { field: 'state.applets', change: (i) => (i.state.applets = 'purse') },
  { field: 'state', change: (i) => (i.state = null) },
  { field: 'iccKey.modulus', change: (i) => (i.iccKey = { n: 1 }) },
  { field: 'iccKey.privateExponent', change: (i) => (i.iccKey.privateExponent = 'G0') },
  { field: 'iccKey.modulus', change: (i) => (i.iccKey.modulus = '00FF'), message: /RSA modulus/ },
  { field: 'iccKey', change: (i) => delete i.iccKey, message: /needs an ICC key/ },
  { field: 'oda.issuerCertificate', change: (i) => (i.oda.issuerCertificate = 42) },
  { field: 'oda', change: (i) => delete i.oda, message: /dda/ },
  { field: 'profile.cdol1', change: (i) => (i.profile.cdol1 = '9F'), message: /DOL/ },
  { field: 'profile.pinTryLimit', change: (i) => (i.profile.pinTryLimit = 0) },
  { field: 'profile.cryptogram.issuerMasterKeys.ac', change: (i) => (i.profile.cryptogram.issuerMasterKeys.ac = '0123') },
  { field: 'profile.risk.preferOnline', change: (i) => delete i.profile.risk.preferOnline },
  { field: 'profile.pan', change: (i) => delete i.profile.pan },
  { field: 'profile.faults.0.sw', change: (i) => (i.profile.faults = [{ action: 'status', ins: 0xae }]) },
  { field: 'profile', change: (i) => (i.profile = 'visa') },
];

describe('card file validation: one DocumentError per bad field, naming file and field path', () => {
  for (const c of cases) {
    it(`${c.field}${c.message ? ` (${c.message.source})` : ''}`, () => {
      const e = errorOf(edited(c.change));
      expect(e.file).toBe('card.json');
      expect(e.field).toBe(c.field);
      // file:line:field (the line of the field in the JSON text, when the file's shape is at fault)
      expect(e.message).toMatch(new RegExp(`^card\\.json(:\\d+)?: ${c.field.replace(/\./g, '\\.')}: `));
      if (c.message) expect(e.message).toMatch(c.message);
    });
  }

  it('a valid card file loads, with its stored fault rules and a used state', () => {
    const text = edited((i) => {
      i.profile.faults = [{ action: 'status', ins: 0xae, sw: 0x6f00, occurrence: 2 }];
      Object.assign(i.state, { atc: 12, lastOnlineAtc: 10, pinTryCounter: 1, log: ['00'.repeat(23)], dataOverrides: { '9F14': '05' }, recordOverrides: { '2:1': '7000' } });
    });
    const image = parseCardImage(text, 'card.json');
    expect(image.profile.faults).toEqual([{ action: 'status', ins: 0xae, sw: 0x6f00, occurrence: 2 }]);
    expect(image.state.atc).toBe(12);
  });

  it('a card file keeps its own money field names: profile.risk.cumulativeOfflineAmountLimit and state.cumulativeOfflineAmount load unchanged', () => {
    // The YAML profile says cumulativeOfflineAmountLimitMinor; the card file (format version 1) stores
    // the resolved profile, written before and after that rename alike (docs/documents.md "Amounts").
    const text = edited((i) => {
      i.profile.risk.cumulativeOfflineAmountLimit = 12345;
      i.state.cumulativeOfflineAmount = 678;
    });
    expect(text).toContain('"cumulativeOfflineAmountLimit":12345');
    const image = parseCardImage(text, 'card.json');
    expect(image.profile.risk.cumulativeOfflineAmountLimit).toBe(12345);
    expect(image.state.cumulativeOfflineAmount).toBe(678);
    expect(image.version).toBe(1);
    // Written back, the file has the same names and values: nothing is renamed or lost.
    expect(JSON.parse(JSON.stringify(image)).profile.risk).toEqual(JSON.parse(text).profile.risk);
    expect(errorOf(edited((i) => (i.profile.risk.cumulativeOfflineAmountLimit = 1e12))).message).toMatch(/profile\.risk\.cumulativeOfflineAmountLimit: 1000000000000 is too large/);
  });

  it('loadCard reports the path, and a card that loaded still knows its PIN (no silent bricking)', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, edited((i) => (i.state.pin = null)));
    expect(() => loadCard(bad)).toThrow(`${bad}: state.pin: `);
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(base));
    const card = loadCard(good);
    await startSession(card, 'A0000000031010');
    expect(swHex((await send(card, verifyPlaintext('1234'))).sw)).toBe('9000');
  });

  it('loadCard removes a temp file a crashed writer left beside the card file', () => {
    const file = join(dir, 'torn.json');
    writeFileSync(file, JSON.stringify(base));
    writeFileSync(join(dir, `.torn.json.${2 ** 22 + 7}.0.tmp`), '{"format":"emvsim-card", torn');
    loadCard(file);
    expect(readdirSync(dir).filter((n) => n.startsWith('.torn.json.'))).toEqual([]);
  });
});
