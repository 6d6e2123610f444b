/**
 * Issuer scripts with secure messaging (Book 3 §6.5.1-§6.5.3, §6.5.10; Book 2 §9),
 * built by the test the way an issuer host builds them: MAC with the SMI session
 * key derived from the issuer SMI master key (option A, then R = the ARQC).
 */
import { describe, expect, it } from 'vitest';
import { type Bytes, concat, fromHex, toHex } from '../../src/apdu/bytes.js';
import { deriveCommonSessionKey, deriveIccMasterKey } from '../../src/crypto/key-derivation.js';
import { issuerScriptMac, issuerScriptMacInput, pinChangeData } from '../../src/crypto/secure-messaging.js';
import { type EmulatedCard, createCard } from '../../src/card/index.js';
import { type AcResponse, P1, cidType, generateAc, send, startSession, swHex, terminalSource, verifyPlaintext } from './helpers.js';

function smKeys(card: EmulatedCard, arqc: Bytes): { smi: Bytes; smc: Bytes } {
  const s = card.secrets;
  const mk = (imk: Bytes) => deriveIccMasterKey(imk, s.pan, s.panSequenceNumber, 'A');
  return { smi: deriveCommonSessionKey(mk(s.issuerMasterKeys.smi), arqc), smc: deriveCommonSessionKey(mk(s.issuerMasterKeys.smc), arqc) };
}

/** CLA INS P1 P2 Lc data MAC, the MAC over header || ATC || ARQC || data (Book 2 §9.2.1). */
function scriptCommand(card: EmulatedCard, first: AcResponse, header: string, data: Bytes = new Uint8Array(0), corrupt = false): string {
  const h = fromHex(header);
  const full = concat(h, Uint8Array.of(data.length + 8));
  const mac = issuerScriptMac(smKeys(card, first.ac!).smi, issuerScriptMacInput(full, first.atc, first.ac!, data));
  if (corrupt) mac[0]! ^= 0x01;
  return toHex(concat(full, data, mac));
}

async function online(card: EmulatedCard) {
  const s = await startSession(card, 'A0000000031010');
  const first = await generateAc(card, s.tags.get('8C')!, P1.ARQC, terminalSource());
  expect(cidType(first.cid)).toBe('ARQC');
  return { s, first };
}

const cvrByte4 = (r: AcResponse) => r.iad[6]!;

describe('issuer scripts', () => {
  it('rejects a wrong MAC with 6988 and reports "script processing failed" in the CVR', async () => {
    const card = createCard({ seed: 'script-bad' });
    const { s, first } = await online(card);
    expect(swHex((await send(card, scriptCommand(card, first, '841E0000', undefined, true))).sw)).toBe('6988');
    expect(card.state.applicationBlocked).toBe(false); // not executed
    const second = await generateAc(card, s.tags.get('8D')!, P1.AAC, terminalSource());
    expect(cvrByte4(second) & 0x08).toBe(0x08);
    expect(cvrByte4(second) >> 4).toBe(1); // one script command processed
    // And the next transaction still reports the last script result.
    const next = await online(card);
    expect(cvrByte4(next.first) & 0x08).toBe(0x08);
  });

  it('APPLICATION BLOCK: SELECT then answers 6283 and GENERATE AC gives AAC only; UNBLOCK restores', async () => {
    const card = createCard({ seed: 'script-block' });
    let { first } = await online(card);
    expect(swHex((await send(card, scriptCommand(card, first, '841E0000'))).sw)).toBe('9000');
    await card.coldReset();
    expect(swHex((await send(card, '00A4040007A000000003101000')).sw)).toBe('6283');
    const s = await startSession(card, 'A0000000031010');
    const r = await generateAc(card, s.tags.get('8C')!, P1.ARQC, terminalSource());
    expect(cidType(r.cid)).toBe('AAC');
    // Unblock needs an online transaction: the blocked app only gives AACs, which are no ARQC,
    // but scripts need only the first cryptogram of the transaction.
    first = r;
    expect(swHex((await send(card, scriptCommand(card, first, '84180000'))).sw)).toBe('9000');
    await card.coldReset();
    expect(swHex((await send(card, '00A4040007A000000003101000')).sw)).toBe('9000');
  });

  it('PIN UNBLOCK resets the PIN try counter; PIN CHANGE sets a new PIN', async () => {
    const card = createCard({ seed: 'script-pin' });
    await startSession(card, 'A0000000031010');
    for (let i = 0; i < 3; i++) await send(card, verifyPlaintext('0000'));
    expect(card.state.pinTryCounter).toBe(0);
    let { first } = await online(card);
    expect(swHex((await send(card, scriptCommand(card, first, '84240000'))).sw)).toBe('9000');
    expect(card.state.pinTryCounter).toBe(3);
    await card.coldReset();
    ({ first } = await online(card));
    const { enciphered } = pinChangeData({ encSessionKey: smKeys(card, first.ac!).smc, newPin: '987654', scheme: 'emv' });
    expect(swHex((await send(card, scriptCommand(card, first, '84240002', enciphered))).sw)).toBe('9000');
    await card.coldReset();
    await startSession(card, 'A0000000031010');
    expect(swHex((await send(card, verifyPlaintext('1234'))).sw)).toBe('63C2');
    expect(swHex((await send(card, verifyPlaintext('987654'))).sw)).toBe('9000');
  });

  it('PUT DATA updates the lower consecutive offline limit', async () => {
    const card = createCard({ seed: 'script-put' });
    const { first } = await online(card);
    expect(swHex((await send(card, scriptCommand(card, first, '04DA9F14', fromHex('00')))).sw)).toBe('9000');
    expect(swHex((await send(card, scriptCommand(card, first, '04DA9F7F', fromHex('00')))).sw)).toBe('6A88');
    await card.coldReset();
    const s = await startSession(card, 'A0000000031010');
    expect(toHex((await send(card, '80CA9F1400')).data)).toBe('9F140100');
    // Limit 0: no offline approval any more.
    expect(cidType((await generateAc(card, s.tags.get('8C')!, P1.TC, terminalSource({ amount: 1 }))).cid)).toBe('ARQC');
  });

  it('UPDATE RECORD replaces a record', async () => {
    const card = createCard({ seed: 'script-update' });
    const { first } = await online(card);
    const record = fromHex('70075F200453454D44');
    expect(swHex((await send(card, scriptCommand(card, first, '84DC010C', record))).sw)).toBe('9000');
    expect(toHex((await send(card, '00B2010C00')).data)).toBe(toHex(record));
    expect(swHex((await send(card, scriptCommand(card, first, '84DC090C', record))).sw)).toBe('6A83');
  });

  it('CARD BLOCK makes the card answer 6A81 to everything, for good', async () => {
    const card = createCard({ seed: 'script-card-block' });
    const { first } = await online(card);
    expect(swHex((await send(card, scriptCommand(card, first, '84160000'))).sw)).toBe('9000');
    expect(swHex((await send(card, '00A4040007A000000003101000')).sw)).toBe('6A81');
    await card.coldReset();
    expect(swHex((await send(card, '00A404000E315041592E5359532E444446303100')).sw)).toBe('6A81');
  });

  it('refuses scripts before the first GENERATE AC (6985)', async () => {
    const card = createCard({ seed: 'script-early' });
    await startSession(card, 'A0000000031010');
    expect(swHex((await send(card, '841E000008' + '00'.repeat(8))).sw)).toBe('6985');
  });
});
