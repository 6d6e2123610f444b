/**
 * The raw layer of card profiles (src/card/profile/raw-image.ts, docs/card-images.md): records,
 * FCI, GPO answer and AFL given as bytes are served as given; tags can be removed from generated
 * records; it composes with base + delta; bad raw fields are DocumentErrors naming file:line:field.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/apdu/bytes.js';
import { decodeTlv, flattenTlv } from '../../src/apdu/tlv.js';
import { createCard, EmulatedCard, issueCard, loadProfile, parseCardImage } from '../../src/card/index.js';
import { send, swHex } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'emvsim-raw-'));

async function selectAndGpo(card: EmulatedCard) {
  const sel = await send(card, '00A4040007A000000003101000');
  const gpo = await send(card, '80A800000C830A0000000012340978027600');
  return { sel, gpo };
}

describe('raw card images', () => {
  it('serves records as given in any SFI 1-30, malformed and with trailing bytes, and 6A83 for a removed record', async () => {
    const card = createCard({ seed: 'raw', overrides: { raw: { records: { '1:1': '70035F2001', '20:3': 'DEADBEEF', '2:2': null } } } });
    await selectAndGpo(card);
    expect(toHex((await send(card, '00B2010C00')).data)).toBe('70035F2001');
    expect(toHex((await send(card, '00B203A400')).data)).toBe('DEADBEEF');
    expect(swHex((await send(card, '00B2021400')).sw)).toBe('6A83');
    expect(swHex((await send(card, '00B2011400')).sw)).toBe('9000'); // untouched generated record
  });

  it('removes tags from the generated records, leaving the rest of the record', async () => {
    const card = createCard({ seed: 'raw-2', overrides: { raw: { removeTags: ['8C', '5F24'] } } });
    await selectAndGpo(card);
    const tags = new Set<string>();
    for (const apdu of ['00B2011400', '00B2021400']) for (const [t] of flattenTlv(decodeTlv((await send(card, apdu)).data))) tags.add(t);
    expect(tags.has('8C')).toBe(false);
    expect(tags.has('5F24')).toBe(false);
    expect(tags.has('8D')).toBe(true);
    expect(tags.has('5A')).toBe(true);
  });

  it('answers GPO without an AFL, with a given AFL, or with a given answer; SELECT with a given FCI', async () => {
    const noAfl = createCard({ seed: 'raw-3', overrides: { raw: { afl: null } } });
    expect(toHex((await selectAndGpo(noAfl)).gpo.data)).toBe('80023C00'); // visa-cvn18 format 1: AIP only
    const given = createCard({ seed: 'raw-4', overrides: { raw: { afl: '08010100' } } });
    expect(toHex((await selectAndGpo(given)).gpo.data)).toBe('80063C0008010100');
    const answer = createCard({ seed: 'raw-5', overrides: { raw: { gpoResponse: '80013C', fci: '6F' } } });
    const r = await selectAndGpo(answer);
    expect(toHex(r.sel.data)).toBe('6F');
    expect(toHex(r.gpo.data)).toBe('80013C');
    expect(answer.state.atc).toBe(1); // the card's own logic still runs: GPO counted the ATC
  });

  it('gives the FCI per application when keyed by AID', async () => {
    const card = createCard({ profile: 'girocard', seed: 'raw-6', overrides: { raw: { fci: { D27600002547410100: '6F00' } } } });
    const first = await send(card, '00A4040008A000000059101002' + '00');
    expect(toHex(first.data).startsWith('6F')).toBe(true);
    expect(toHex(first.data)).not.toBe('6F00');
    expect(toHex((await send(card, '00A4040009D2760000254741010000')).data)).toBe('6F00');
  });

  it('composes with base + delta, and survives the card file round trip', async () => {
    const file = join(dir, 'odd.yaml');
    writeFileSync(file, 'base: visa-cvn18\nname: odd-card\nraw:\n  removeTags: ["8D"]\n  records:\n    "2:1": "7000"\n');
    const profile = loadProfile(file);
    expect(profile.raw).toEqual({ removeTags: ['8D'], records: { '2:1': '7000' } });
    expect(profile.cryptogram.cvn).toBe(18); // from the base
    const image = issueCard(profile, { seed: 'odd' });
    const reloaded = parseCardImage(JSON.stringify(image), 'odd.json');
    const card = new EmulatedCard(reloaded, { seed: 'odd' });
    await selectAndGpo(card);
    expect(toHex((await send(card, '00B2011400')).data)).toBe('7000');
  });

  it('names file:line:field for a bad raw field', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'base: visa-cvn18\nraw:\n  records:\n    "31:1": "7000"\n');
    expect(() => loadProfile(file)).toThrow(/bad\.yaml:4.*raw\.records\.31:1.*SFI 1\.\.30/);
    writeFileSync(file, 'base: visa-cvn18\nraw:\n  afl: "0801XY"\n');
    expect(() => loadProfile(file)).toThrow(/bad\.yaml:3.*raw\.afl/);
    writeFileSync(file, 'base: visa-cvn18\nraw:\n  recrods: {}\n');
    expect(() => loadProfile(file)).toThrow(/raw\.recrods.*unknown field/);
  });
});
