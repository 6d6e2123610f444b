/** VERIFY and the PIN try counter (Book 3 §6.5.12, Book 2 §7.2). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fromHex } from '../../src/apdu/bytes.js';
import { encipherPinForVerify } from '../../src/crypto/enciphered-pin.js';
import { offlinePlaintextPinBlock } from '../../src/crypto/pin-block.js';
import { publicKeyOf } from '../../src/crypto/rsa.js';
import { EmulatedCard, createCard, issueCard, loadCard, loadProfile, newCardFile } from '../../src/card/index.js';
import { selectCommand, send, startSession, swHex, verifyPlaintext } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'emvsim-pin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function sw(card: Parameters<typeof send>[0], apdu: string): Promise<string> {
  return swHex((await send(card, apdu)).sw);
}

describe('offline plaintext PIN', () => {
  it('counts down 63C2, 63C1, 63C0, then 6983, and stays blocked across resets and reloads', async () => {
    const file = join(dir, 'blocking.json');
    newCardFile(loadProfile('visa-cvn18'), file, { seed: 'pin-1' });
    let card = loadCard(file);
    await startSession(card, 'A0000000031010');
    expect(await sw(card, verifyPlaintext('9999'))).toBe('63C2');
    expect(await sw(card, verifyPlaintext('9999'))).toBe('63C1');
    expect(await sw(card, verifyPlaintext('9999'))).toBe('63C0');
    expect(await sw(card, verifyPlaintext('1234'))).toBe('6983'); // even the right PIN
    await card.coldReset();
    await startSession(card, 'A0000000031010');
    expect(await sw(card, verifyPlaintext('1234'))).toBe('6983');
    card = loadCard(file); // a new process would see the same file
    await startSession(card, 'A0000000031010');
    expect(await sw(card, verifyPlaintext('1234'))).toBe('6983');
    expect((await send(card, '80CA9F1700')).data).toEqual(fromHex('9F170100'));
  });

  it('resets the counter to the limit after the right PIN', async () => {
    const card = createCard({ seed: 'pin-2' });
    await startSession(card, 'A0000000031010');
    expect(await sw(card, verifyPlaintext('0000'))).toBe('63C2');
    expect(await sw(card, verifyPlaintext('1234'))).toBe('9000');
    expect(card.state.pinTryCounter).toBe(3);
    expect(await sw(card, verifyPlaintext('0000'))).toBe('63C2');
  });

  it('VERIFY 00 20 00 80 without data reports the tries left without using one', async () => {
    const card = createCard({ seed: 'pin-3' });
    await startSession(card, 'A0000000031010');
    expect(await sw(card, '0020008000')).toBe('63C3');
    expect(await sw(card, '0020008000')).toBe('63C3');
    await sw(card, verifyPlaintext('1111'));
    expect(await sw(card, '0020008000')).toBe('63C2');
  });

  it('a malformed PIN block costs a try and is not accepted', async () => {
    const card = createCard({ seed: 'pin-4' });
    await startSession(card, 'A0000000031010');
    expect(await sw(card, '00200080081234FFFFFFFFFFFF')).toBe('63C2');
  });

  it('the pin-blocked profile answers 6983 at once', async () => {
    const card = createCard({ profile: 'pin-blocked', seed: 'pin-5' });
    await startSession(card, 'A0000000031010');
    expect(await sw(card, verifyPlaintext('1234'))).toBe('6983');
    expect(await sw(card, '0020008000')).toBe('6983');
  });

  it('VERIFY before any application is selected is 6985', async () => {
    const card = createCard({ seed: 'pin-6' });
    expect(await sw(card, verifyPlaintext('1234'))).toBe('6985');
  });

  it('VERIFY after SELECT but before GET PROCESSING OPTIONS is 6985 and costs no try (no transaction initiated)', async () => {
    const card = createCard({ seed: 'pin-7' });
    expect(await sw(card, selectCommand('A0000000031010'))).toBe('9000');
    expect(await sw(card, verifyPlaintext('9999'))).toBe('6985');
    expect(await sw(card, verifyPlaintext('1234'))).toBe('6985');
    expect(await sw(card, '0020008000')).toBe('6985');
    // Allowed before GPO: GET DATA (the counter is untouched) and READ RECORD.
    expect((await send(card, '80CA9F1700')).data).toEqual(fromHex('9F170103'));
    expect(await sw(card, '00B2010C00')).toBe('9000');
    expect(card.state.pinTryCounter).toBe(3);
    // After GPO the same VERIFY is compared and counted.
    await startSession(card, 'A0000000031010');
    expect(await sw(card, verifyPlaintext('9999'))).toBe('63C2');
    expect(await sw(card, verifyPlaintext('1234'))).toBe('9000');
  });

  it('a new SELECT ends the transaction: VERIFY is 6985 again until the next GPO', async () => {
    const card = createCard({ seed: 'pin-8' });
    await startSession(card, 'A0000000031010');
    expect(await sw(card, verifyPlaintext('1234'))).toBe('9000');
    await sw(card, selectCommand('A0000000031010'));
    expect(await sw(card, verifyPlaintext('1234'))).toBe('6985');
    await card.coldReset();
    await sw(card, selectCommand('A0000000031010'));
    expect(await sw(card, verifyPlaintext('1234'))).toBe('6985');
  });
});

describe('offline enciphered PIN (P2 88, Book 2 §7.2)', () => {
  const enciphered = (card: ReturnType<typeof createCard>, pin: string, challenge: Uint8Array) => {
    const data = encipherPinForVerify({ publicKey: publicKeyOf(card.secrets.iccKey!), pinBlock: offlinePlaintextPinBlock(pin), iccUnpredictableNumber: challenge });
    return `00200088${data.length.toString(16).padStart(2, '0')}${Buffer.from(data).toString('hex')}`;
  };

  it('accepts the PIN enciphered with the ICC public key over the last challenge', async () => {
    const card = createCard({ profile: 'mastercard-cda', seed: 'enc-1' });
    await startSession(card, 'A0000000041010');
    const challenge = (await send(card, '0084000000')).data;
    expect(challenge).toHaveLength(8);
    expect(await sw(card, enciphered(card, '1234', challenge))).toBe('9000');
  });

  it('rejects a wrong PIN, a stale challenge and a missing challenge', async () => {
    const card = createCard({ profile: 'mastercard-cda', seed: 'enc-2' });
    await startSession(card, 'A0000000041010');
    let challenge = (await send(card, '0084000000')).data;
    expect(await sw(card, enciphered(card, '4321', challenge))).toBe('63C2');
    // The challenge was used up: the same block again is refused with 6985 before any
    // comparison (Book 2 §7.2: GET CHALLENGE must come first), so no try is spent.
    expect(await sw(card, enciphered(card, '1234', challenge))).toBe('6985');
    const old = challenge;
    challenge = (await send(card, '0084000000')).data;
    expect(await sw(card, enciphered(card, '1234', old))).toBe('63C1');
    challenge = (await send(card, '0084000000')).data;
    expect(await sw(card, enciphered(card, '1234', challenge))).toBe('9000');
  });
});

describe('the PIN try is persisted before the comparison (Book 3 §6.5.12; app/pin-try.ts)', () => {
  /** A card whose durable store is a spy: records the counter at each persist call, throws when told to. */
  /** Records the PIN try counter of every persist after `arm()` (GPO persists the new ATC before). */
  function spiedCard(failOnCall?: number) {
    const persisted: number[] = [];
    let armed = false;
    const image = issueCard(loadProfile('visa-cvn18'), { seed: 'pin-persist' });
    const card = new EmulatedCard(image, {
      seed: 'pin-persist',
      persist: (state) => {
        if (!armed) return;
        if (persisted.length + 1 === failOnCall) throw new Error('power cut');
        persisted.push(state.pinTryCounter);
      },
    });
    return { card, persisted, limit: image.profile.pinTryLimit, arm: () => (armed = true) };
  }

  it('the right PIN persists the spent try (limit-1) first, then the reset counter (limit)', async () => {
    const { card, persisted, limit, arm } = spiedCard();
    await startSession(card, 'A0000000031010');
    arm();
    expect(await sw(card, verifyPlaintext('1234'))).toBe('9000');
    expect(persisted).toEqual([limit - 1, limit]);
  });

  it('a power cut at the first persist: the right PIN is not answered 9000 and the counter is not reset', async () => {
    const { card, persisted, limit, arm } = spiedCard(1);
    await startSession(card, 'A0000000031010');
    arm();
    await expect(send(card, verifyPlaintext('1234'))).rejects.toThrow('power cut');
    expect(persisted).toEqual([]); // nothing durable: no comparison result ever reached the store
    expect(card.state.pinTryCounter).toBe(limit - 1); // RAM holds the spent try, never the reset
    expect(card.state.pinTryCounter).not.toBe(limit);
  });
});
