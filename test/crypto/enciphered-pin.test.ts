/**
 * Offline enciphered PIN for VERIFY P2='88' (EMV Book 2 §7.2) against the layout of
 * pin_blocks.enciphered_pin_for_verify in the shared vectors: '7F' || PIN block || ICC UN ||
 * random pad. No deterministic public vector exists (random pad), so: round trips, the
 * plaintext layout under the private key, uniqueness, and each card-side check failing.
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/apdu/bytes.js';
import { decipherPinForVerify, encipherPinForVerify } from '../../src/crypto/enciphered-pin.js';
import { rsaPrivateOperation, rsaPublicOperation } from '../../src/crypto/rsa.js';
import { fixtureKey, vectors } from './oda-fixtures.js';

const vector = vectors.pin_blocks.enciphered_pin_for_verify;
// The vector's plaintext offline PIN example: "PIN 1234 -> 241234FFFFFFFFFF (verified)".
const PIN_BLOCK = fromHex(/PIN 1234 -> ([0-9A-F]{16})/.exec(vector.format_note)![1]!);
const UN = fromHex('0123456789ABCDEF');

describe('enciphered_pin_for_verify', () => {
  it('the vector describes the Book 2 §7.2 layout this test checks', () => {
    expect(vector.kat).toBeNull();
    expect(vector.format_note).toContain("'7F' || PIN block");
    expect(toHex(PIN_BLOCK)).toBe('241234FFFFFFFFFF');
  });

  it.each([
    [1024, 3],
    [1024, 65537],
    [1984, 3],
    [1984, 65537],
  ] as const)('%i bits, e=%i: plaintext is 7F || PIN block || UN || pad, and the card recovers it', (bits, e) => {
    const key = fixtureKey('icc', bits, e);
    const pad = new Uint8Array(bits / 8 - 17).fill(0x5a);
    const enciphered = encipherPinForVerify({ publicKey: key, pinBlock: PIN_BLOCK, iccUnpredictableNumber: UN, random: (n) => pad.slice(0, n) });
    expect(enciphered.length).toBe(bits / 8);
    expect(toHex(rsaPrivateOperation(key, enciphered))).toBe('7F' + '241234FFFFFFFFFF' + '0123456789ABCDEF' + '5A'.repeat(bits / 8 - 17));
    const r = decipherPinForVerify({ privateKey: key, enciphered, expectedUnpredictableNumber: UN });
    expect(r.ok).toBe(true);
    expect(r.pinBlock && toHex(r.pinBlock)).toBe('241234FFFFFFFFFF');
  });

  it('is different on every call (random pad) and each still deciphers', () => {
    const key = fixtureKey('icc', 1024, 3);
    const a = encipherPinForVerify({ publicKey: key, pinBlock: PIN_BLOCK, iccUnpredictableNumber: UN });
    const b = encipherPinForVerify({ publicKey: key, pinBlock: PIN_BLOCK, iccUnpredictableNumber: UN });
    expect(toHex(a)).not.toBe(toHex(b));
    for (const c of [a, b]) expect(decipherPinForVerify({ privateKey: key, enciphered: c, expectedUnpredictableNumber: UN }).ok).toBe(true);
  });

  it('card side: wrong unpredictable number, no GET CHALLENGE, wrong header, wrong length', () => {
    const key = fixtureKey('icc', 1024, 3);
    const enciphered = encipherPinForVerify({ publicKey: key, pinBlock: PIN_BLOCK, iccUnpredictableNumber: UN });
    expect(decipherPinForVerify({ privateKey: key, enciphered, expectedUnpredictableNumber: fromHex('0123456789ABCDEE') })).toMatchObject({
      ok: false,
      reason: 'ICC unpredictable number differs from the last GET CHALLENGE',
    });
    expect(decipherPinForVerify({ privateKey: key, enciphered, expectedUnpredictableNumber: undefined }).ok).toBe(false);
    const noHeader = rsaPublicOperation(key, fromHex('7E' + '241234FFFFFFFFFF' + '0123456789ABCDEF' + '00'.repeat(128 - 17)));
    expect(decipherPinForVerify({ privateKey: key, enciphered: noHeader, expectedUnpredictableNumber: UN })).toMatchObject({
      ok: false,
      reason: 'deciphered data header is 7E, expected 7F',
    });
    expect(decipherPinForVerify({ privateKey: key, enciphered: enciphered.subarray(1), expectedUnpredictableNumber: UN }).ok).toBe(false);
    // Enciphered for another card's key.
    const other = encipherPinForVerify({ publicKey: fixtureKey('issuer', 1024, 3), pinBlock: PIN_BLOCK, iccUnpredictableNumber: UN });
    expect(decipherPinForVerify({ privateKey: key, enciphered: other, expectedUnpredictableNumber: UN }).ok).toBe(false);
  });

  it('rejects a PIN block or unpredictable number that is not 8 bytes', () => {
    const key = fixtureKey('icc', 1024, 3);
    expect(() => encipherPinForVerify({ publicKey: key, pinBlock: PIN_BLOCK.subarray(1), iccUnpredictableNumber: UN })).toThrow(/PIN block/);
    expect(() => encipherPinForVerify({ publicKey: key, pinBlock: PIN_BLOCK, iccUnpredictableNumber: UN.subarray(4) })).toThrow(/unpredictable number/);
  });
});
