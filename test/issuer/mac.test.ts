/**
 * Field 64/128 MAC (ANSI X9.19 = ISO/IEC 9797-1 MAC algorithm 3, padding 1):
 * known answers from the shared vectors, placement per ISO 8583:1987 (the MAC
 * is the last element: 64, or 128 with a secondary bitmap), and the server's
 * 63 (security violation) answer that changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/apdu/bytes.js';
import { Iso8583HostClient } from '../../src/issuer/client.js';
import { decodeMessage, encodeMessage } from '../../src/issuer/iso8583/codec.js';
import { encodeSignedMessage, MacError, messageMac, verifyMessageMac } from '../../src/issuer/iso8583/mac.js';
import { requestToMessage } from '../../src/issuer/iso8583/mapping.js';
import { Iso8583Server } from '../../src/issuer/server.js';
import { HostUnavailableError } from '../../src/terminal/host.js';
import { authRequest, testHost, vectors } from './fixtures.js';

const KEY = fromHex('0123456789ABCDEFFEDCBA9876543210');
const OTHER_KEY = fromHex('FEDCBA98765432100123456789ABCDEF');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const vector = (id: string): any => vectors().symmetric.groups.primitive.find((v: { id: string }) => v.id === id);

function ledgerState(db: ReturnType<typeof testHost>['db']): unknown {
  return db.prepare('SELECT (SELECT COUNT(*) FROM authorisations) AS auths, (SELECT SUM(held_minor) FROM accounts) AS held, (SELECT MAX(last_atc) FROM cards) AS atc').get();
}

describe('ANSI X9.19 message MAC', () => {
  it('is ISO/IEC 9797-1 MAC algorithm 3 with padding method 1 (known answers)', () => {
    const annexB4 = vector('iso9797_1_annexB4_alg3_pad1_24');
    expect(toHex(messageMac(fromHex(annexB4.inputs.key), fromHex(annexB4.inputs.data)).subarray(0, 4))).toBe(annexB4.expected.mac);
    const hello = vector('mac_iso9797_alg3_hello_world_pad1');
    expect(toHex(messageMac(fromHex(hello.inputs.K1 + hello.inputs.K2), fromHex(hello.inputs.data)))).toBe(hello.expected.mac);
  });

  it('goes in field 64, the last 8 bytes, over everything before it (bitmap bit 64 set)', () => {
    const message = requestToMessage(authRequest({ atc: 1 }));
    const signed = encodeSignedMessage(message, KEY);
    expect(signed[11]! & 0x01).toBe(1); // bit 64 = last bit of the primary bitmap
    const decoded = decodeMessage(signed);
    expect(decoded.fields.get(64)).toEqual(messageMac(KEY, signed.subarray(0, signed.length - 8)));
    // Everything else is the plain encoding with bit 64 added.
    const plain = encodeMessage({ mti: message.mti, fields: new Map([...message.fields, [64, new Uint8Array(8)]]) });
    expect(toHex(signed.subarray(0, signed.length - 8))).toBe(toHex(plain.subarray(0, plain.length - 8)));
    expect(() => verifyMessageMac(signed, decoded, KEY)).not.toThrow();
  });

  it('goes in field 128 when the message has a secondary bitmap (a reversal with field 90)', () => {
    const message = requestToMessage({ ...authRequest({ atc: 2, kind: 'reversal' }), originalStan: '000001' });
    const signed = encodeSignedMessage(message, KEY);
    const decoded = decodeMessage(signed);
    expect(decoded.fields.has(64)).toBe(false);
    expect(decoded.fields.get(128)).toEqual(messageMac(KEY, signed.subarray(0, signed.length - 8)));
    verifyMessageMac(signed, decoded, KEY);
  });

  it('rejects a changed byte, a wrong key, a missing MAC and a MAC in the wrong field', () => {
    const signed = encodeSignedMessage(requestToMessage(authRequest({ atc: 1, amountMinor: 1_000 })), KEY);
    const tampered = Uint8Array.from(signed);
    const amountAt = Buffer.from(signed).indexOf('000000001000', 0, 'latin1');
    tampered[amountAt + 8] = 0x39; // 1,000 -> 9,000 minor units
    expect(() => verifyMessageMac(tampered, decodeMessage(tampered), KEY)).toThrow(MacError);
    expect(() => verifyMessageMac(signed, decodeMessage(signed), OTHER_KEY)).toThrow(/does not verify/);
    const unsigned = encodeMessage(requestToMessage(authRequest({ atc: 1 })));
    expect(() => verifyMessageMac(unsigned, decodeMessage(unsigned), KEY)).toThrow(expect.objectContaining({ field: 64 }));
    const reversal = requestToMessage({ ...authRequest({ atc: 2, kind: 'reversal' }), originalStan: '000001' });
    reversal.fields.set(64, new Uint8Array(8));
    const misplaced = encodeMessage(reversal);
    expect(() => verifyMessageMac(misplaced, decodeMessage(misplaced), KEY)).toThrow(expect.objectContaining({ field: 64 }));
  });
});

describe('server with terminal MAC keys', () => {
  const macKeys = new Map([['TERM0001', KEY]]);

  it('approves a correctly MACed request and MACs its answer', async () => {
    const { host } = testHost();
    const server = new Iso8583Server({ host, macKeys });
    const body = await server.answer(encodeSignedMessage(requestToMessage(authRequest({ atc: 1 })), KEY));
    const answer = decodeMessage(body);
    expect(answer.fields.get(39)).toBe('00');
    verifyMessageMac(body, answer, KEY);
  });

  it.each([
    ['a tampered amount', (b: Uint8Array) => { const t = Uint8Array.from(b); t[Buffer.from(b).indexOf('000000001000', 0, 'latin1') + 8] = 0x39; return t; }],
    ['a MAC under another key', () => encodeSignedMessage(requestToMessage(authRequest({ atc: 1, amountMinor: 1_000, stan: '000100' })), OTHER_KEY)],
    ['no MAC', () => encodeMessage(requestToMessage(authRequest({ atc: 1, amountMinor: 1_000, stan: '000100' })))],
    ['a terminal without a key', () => encodeSignedMessage(requestToMessage(authRequest({ atc: 1, terminalId: 'TERM0099', stan: '000100' })), KEY)],
  ])('answers 63 (security violation) to %s and changes nothing', async (_what, build) => {
    const { host, db } = testHost();
    const violations: number[] = [];
    const server = new Iso8583Server({ host, macKeys, onSecurityViolation: (e) => violations.push(e.field) });
    const good = encodeSignedMessage(requestToMessage(authRequest({ atc: 1, amountMinor: 1_000, stan: '000100' })), KEY);
    const before = ledgerState(db);
    const answer = decodeMessage(await server.answer(build(good)));
    expect(answer.mti).toBe('0110');
    expect(answer.fields.get(39)).toBe('63');
    expect(answer.fields.get(11)).toBe('000100');
    expect(violations).toHaveLength(1);
    expect(ledgerState(db)).toEqual(before);
    // The genuine message still goes through afterwards: nothing (ATC, STAN) was consumed.
    expect(decodeMessage(await server.answer(good)).fields.get(39)).toBe('00');
  });

  it('over TCP: a client with the key is approved; an answer MACed under another key is no answer', async () => {
    const { host } = testHost();
    const server = new Iso8583Server({ host, macKeys });
    const { port } = await server.listen(0);
    const client = new Iso8583HostClient({ port, macKey: KEY, timeoutMs: 2000 });
    const impostor = new Iso8583HostClient({ port, macKey: OTHER_KEY, timeoutMs: 200, retries: 0 });
    try {
      expect((await client.authorise(authRequest({ atc: 1 }))).responseCode).toBe('00');
      expect(await client.echo()).toBeGreaterThanOrEqual(0);
      // The host answers the impostor 63 MACed under TERM0001's real key, which the impostor cannot verify.
      await expect(impostor.authorise(authRequest({ atc: 2 }))).rejects.toBeInstanceOf(HostUnavailableError);
      expect((await client.authorise(authRequest({ atc: 2 }))).responseCode).toBe('00');
    } finally {
      client.close();
      impostor.close();
      await server.close();
    }
  });

  it('a client without a key gets the unsigned 63 answer', async () => {
    const { host } = testHost();
    const server = new Iso8583Server({ host, macKeys });
    const { port } = await server.listen(0);
    const client = new Iso8583HostClient({ port, timeoutMs: 2000 });
    try {
      const answer = await client.authorise(authRequest({ atc: 1 }));
      expect(answer.responseCode).toBe('63');
      expect(answer.message).toMatch(/field 64: message authentication code missing/);
    } finally {
      client.close();
      await server.close();
    }
  });
});


