/**
 * PIN CHANGE/UNBLOCK with and without the current PIN (Book 3 §6.5.10, VIS PIN block,
 * Book 2 §9) checked against independent known answers: pyemv's Visa CVN 18 test
 * (test/crypto/public-vectors.json, id pyemv_visa_cvn18). The card is personalised with that
 * vector's issuer master keys, PAN and PSN through profile overrides and brought to the
 * vector's state (ATC 001B before the transaction, last online transaction not completed,
 * issuer authentication failed last time, no online transaction yet), so that its ARQC is the
 * vector's ARQC. The script commands are then the vector's exact bytes: the MAC covers that
 * ATC and ARQC, so the card accepts them only if its VIS secure-messaging keys, ECB
 * decipherment and VIS PIN block handling are right.
 * (pyemv's CVN 10 vector cannot be reproduced: its cryptogram covers the CVR only, while this
 * card always MACs the whole IAD.)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { concat, toHex } from '../../src/apdu/bytes.js';
import { EmulatedCard, type NonVolatileState, createCard, issueCard, loadProfile } from '../../src/card/index.js';
import { deriveCommonSessionKey, deriveIccMasterKey } from '../../src/crypto/key-derivation.js';
import { issuerScriptMac, issuerScriptMacInput, pinChangeData } from '../../src/crypto/secure-messaging.js';
import { decodeVisPinBlock } from '../../src/card/app/pin-change.js';
import { P1, generateAc, send, startSession, swHex, terminalSource } from './helpers.js';

interface Vector {
  id: string;
  inputs: Record<string, string>;
  expected: Record<string, string>;
}
const here = path.dirname(fileURLToPath(import.meta.url));
const vectors = (JSON.parse(readFileSync(path.resolve(here, '..', 'crypto', 'public-vectors.json'), 'utf8')) as { vectors: Vector[] }).vectors;
const cvn18 = vectors.find((v) => v.id === 'pyemv_visa_cvn18')!;
const input = (k: string) => cvn18.inputs[k]!;
const expected = (k: string) => cvn18.expected[k]!;

/** The vector's CDOL1 data: amount 40.00, other 0, country 0124, TVR, currency 0124, date, type, UN. */
const TERMINAL = terminalSource({ amount: 4000, otherAmount: 0, country: '0124', tvr: '8000048000', currency: '0124', date: '191105', type: '01', un: '52BF4585' });

function vectorCard(pin: string, persist?: (state: NonVolatileState) => void): EmulatedCard {
  const profile = loadProfile('visa-cvn18', {
    overrides: {
      pan: input('pan'),
      panSequenceNumber: input('psn'),
      pin,
      aip: '1800',
      cdol1: '9F0206 9F0306 9F1A02 9505 5F2A02 9A03 9C01 9F3704',
      cryptogram: {
        cvn: 18,
        dki: 1,
        derivation: 'B',
        sessionKey: 'common',
        padding: 2,
        issuerMasterKeys: { ac: input('imk_ac'), smi: input('imk_smi'), smc: input('imk_smc') },
        scriptMacLength: 8,
        scriptKeys: 'visa',
        scriptEncryption: 'visa',
        pinChangeBlock: 'vis',
      },
    },
  });
  const image = issueCard(profile, { seed: 'pyemv' });
  // The vector's transaction: ATC 001C after the increment; CVR byte 3 B8 = last online transaction
  // not completed (80), velocity exceeded (20: currency 0124 is not the card's), new card (10),
  // issuer authentication failed in the last online transaction (08).
  Object.assign(image.state, { atc: 0x1b, lastOnlineAtc: 0, lastOnlineNotCompleted: true, issuerAuthFailedLastOnline: true });
  return new EmulatedCard(image, { seed: 'pyemv', ...(persist ? { persist } : {}) });
}

async function vectorTransaction(card: EmulatedCard) {
  const s = await startSession(card, 'A0000000031010', { currency: '0124', country: '0124', amount: 4000 });
  const first = await generateAc(card, s.tags.get('8C')!, P1.ARQC, TERMINAL);
  return { s, first };
}

describe('PIN CHANGE/UNBLOCK against pyemv Visa CVN 18 (public known answers)', () => {
  it("the card's ARQC is the vector's (same keys, data, ATC and IAD)", async () => {
    const { first } = await vectorTransaction(vectorCard('8888'));
    expect(toHex(first.atc)).toBe(input('atc'));
    expect(toHex(first.iad)).toBe('06011203A0B800');
    expect(toHex(first.dolData)).toBe(input('ac_data').slice(0, 58));
    expect(toHex(first.ac!)).toBe(expected('arqc'));
  });

  it("P2 02 (without the current PIN): the vector's command sets the new PIN 9999", async () => {
    const card = vectorCard('8888');
    await vectorTransaction(card);
    expect(swHex((await send(card, expected('pin_change_command'))).sw)).toBe('9000');
    expect(card.state.pin).toBe(input('new_pin'));
    expect(card.state.pinTryCounter).toBe(3);
  });

  it("P2 01 (with the current PIN 8888): the vector's command sets 9999 on a card whose PIN is 8888", async () => {
    const card = vectorCard(input('current_pin'));
    await vectorTransaction(card);
    expect(swHex((await send(card, expected('pin_change_current_command'))).sw)).toBe('9000');
    expect(card.state.pin).toBe(input('new_pin'));
    expect(card.state.pinTryCounter).toBe(3);
  });

  it('P2 01 with a wrong current PIN: each command is a failed PIN try (63C2, 63C1, 63C0, then 6983), PIN unchanged', async () => {
    const card = vectorCard('1234'); // the issuer enciphered against 8888
    const { s } = await vectorTransaction(card);
    const answers: string[] = [];
    for (let i = 0; i < 4; i++) answers.push(swHex((await send(card, expected('pin_change_current_command'))).sw));
    expect(answers).toEqual(['63C2', '63C1', '63C0', '6983']);
    expect(card.state.pin).toBe('1234');
    expect(card.state.pinTryCounter).toBe(0);
    // CVR byte 4 of the second GENERATE AC: 4 script commands, script processing failed (Book 3 §10.10, VIS CVR).
    const second = await generateAc(card, s.tags.get('8D')!, P1.AAC, terminalSource());
    expect(second.iad[6]).toBe(0x48);
    // And a VERIFY with the real PIN is now refused: the tries were really spent.
    expect(swHex((await send(card, '0020008008241234FFFFFFFFFF')).sw)).toBe('6983');
  });

  it('a wrong current PIN whose first digit is right (8988) is still caught by the block format', async () => {
    const card = vectorCard('8988');
    await vectorTransaction(card);
    expect(swHex((await send(card, expected('pin_change_current_command'))).sw)).toBe('63C2');
    expect(card.state.pin).toBe('8988');
  });

  it('a failed try persists before the comparison: a loaded card file keeps the decremented counter', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { loadCard } = await import('../../src/card/index.js');
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'emvsim-pinchange-')), 'card.json');
    writeFileSync(file, JSON.stringify(vectorCard('1234').toImage()));
    const card = loadCard(file, { seed: 'pyemv' });
    await vectorTransaction(card);
    expect(swHex((await send(card, expected('pin_change_current_command'))).sw)).toBe('63C2');
    expect(loadCard(file).state.pinTryCounter).toBe(2);
  });

  it('P2 01 with the right current PIN persists the spent try (limit-1, old PIN) before the reset (limit, new PIN)', async () => {
    const persisted: { ptc: number; pin: string }[] = [];
    const card = vectorCard(input('current_pin'), (state) => persisted.push({ ptc: state.pinTryCounter, pin: state.pin }));
    await vectorTransaction(card);
    const before = persisted.length;
    expect(swHex((await send(card, expected('pin_change_current_command'))).sw)).toBe('9000');
    const during = persisted.slice(before);
    // The first write of the command is the spent try with the PIN unchanged; the reset and
    // the new PIN come only after it (a later write records the script counters, CVR byte 4).
    expect(during[0]).toEqual({ ptc: 2, pin: input('current_pin') });
    expect(during[1]).toEqual({ ptc: 3, pin: input('new_pin') });
  });

  it('P2 01 with the right current PIN and a power cut at the first write: no 9000, no reset, PIN unchanged', async () => {
    let writes = 0;
    let cutAt = Number.POSITIVE_INFINITY;
    const durable: { ptc: number; pin: string }[] = [];
    const card = vectorCard(input('current_pin'), (state) => {
      if (++writes === cutAt) throw new Error('power cut');
      durable.push({ ptc: state.pinTryCounter, pin: state.pin });
    });
    await vectorTransaction(card);
    cutAt = writes + 1; // the PIN CHANGE's first write
    const before = durable.length;
    await expect(send(card, expected('pin_change_current_command'))).rejects.toThrow('power cut');
    expect(durable.slice(before)).toEqual([]); // nothing of the comparison ever became durable
    expect(card.state.pinTryCounter).toBe(2); // the spent try, never the reset
    expect(card.state.pin).toBe(input('current_pin'));
  });

  it('P2 01 is 6A86 on a card whose PIN block is ISO format 2 (no current PIN in the block), with a valid MAC', async () => {
    const card = createCard({ seed: 'iso2-p2-01' });
    const sess = await startSession(card, 'A0000000031010');
    const first = await generateAc(card, sess.tags.get('8C')!, P1.ARQC, terminalSource());
    // Issuer side (CCD): SMI/SMC session keys = Book 2 A1.3 with R = the ARQC, MAC over header || ATC || ARQC || data.
    const sec = card.secrets;
    const mk = (imk: Uint8Array) => deriveIccMasterKey(imk, sec.pan, sec.panSequenceNumber, 'A');
    const smc = deriveCommonSessionKey(mk(sec.issuerMasterKeys.smc), first.ac!);
    const smi = deriveCommonSessionKey(mk(sec.issuerMasterKeys.smi), first.ac!);
    const { enciphered } = pinChangeData({ encSessionKey: smc, newPin: '4321', scheme: 'emv' });
    const command = (p2: number) => {
      const header = Uint8Array.of(0x84, 0x24, 0x00, p2, enciphered.length + 8);
      return concat(header, enciphered, issuerScriptMac(smi, issuerScriptMacInput(header, first.atc, first.ac!, enciphered)));
    };
    expect(swHex((await send(card, command(0x01))).sw)).toBe('6A86');
    expect(card.state.pinTryCounter).toBe(3); // no try spent
    expect(swHex((await send(card, command(0x02))).sw)).toBe('9000');
    expect(card.state.pin).toBe('4321');
  });
});

describe('decodeVisPinBlock (VIS 1.5 Annex C.11 layout)', () => {
  it('reads 0N || digits || F fill and rejects anything else', () => {
    const b = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
    expect(decodeVisPinBlock(b('049999FFFFFFFFFF'))).toBe('9999');
    expect(decodeVisPinBlock(b('0C123456789012FF'))).toBe('123456789012');
    expect(decodeVisPinBlock(b('249999FFFFFFFFFF'))).toBeUndefined(); // control nibble must be 0
    expect(decodeVisPinBlock(b('039999FFFFFFFFFF'))).toBeUndefined(); // length below 4
    expect(decodeVisPinBlock(b('04999AFFFFFFFFFF'))).toBeUndefined(); // non-decimal digit
    expect(decodeVisPinBlock(b('049999FFFFFFFF0F'))).toBeUndefined(); // filler not F
  });
});
