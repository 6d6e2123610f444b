/**
 * Online PIN end to end with the REAL in-process issuer host (src/issuer), not
 * the scripted host: the PIN pad enciphers the ISO 9564-1 block under the
 * terminal's PIN encryption key (Book 3 §10.5.1, Book 4 §6.3.4.2), the issuer
 * deciphers it under the same zone key, checks the IBM 3624 offset and keeps
 * its own try counter (55 wrong PIN, 75 tries exceeded); a good online PIN on
 * a card whose offline PIN is blocked brings a PIN UNBLOCK script (84 24,
 * Book 3 §6.5.10) in template 72.
 *
 * Expected blocks are computed here with node:crypto (TDES-EDE ECB), not with
 * the code under test.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex, xor } from '../../src/apdu/bytes.js';
import { DocumentError } from '../../src/apdu/errors.js';
import type { EmulatedCard } from '../../src/card/index.js';
import { createInProcessHost, TEST_ZONE_KEYS, type IssuerHost } from '../../src/issuer/index.js';
import { parseTerminalProfile } from '../../src/terminal/config-loader.js';
import type { AuthorisationRequest, AuthorisationResponse } from '../../src/terminal/host.js';
import { stanCounter } from '../../src/terminal/environment.js';
import { encipherOnlinePin } from '../../src/terminal/online-pin-block.js';
import { NOW, card, run, terminal, tvrHas } from './harness.js';

/** The key of scripts/keys/test-zone-keys.yaml, written out here as the test's own known answer. */
const TEST_ZPK = '0123456789ABCDEFFEDCBA9876543210';
const ONLINE_PIN_ONLY = { cvmList: '00000000 00000000 4203' };

function tdes(encrypt: boolean, keyHex: string, data: Uint8Array): Uint8Array {
  const key = Buffer.from(keyHex, 'hex');
  const c = encrypt ? createCipheriv('des-ede-ecb', key, null) : createDecipheriv('des-ede-ecb', key, null);
  c.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

/** ISO 9564-1 §9.3.1 format 0: 0 N PIN F..F xor 0000 || 12 rightmost PAN digits without the check digit. */
function clearFormat0(pin: string, pan: string): Uint8Array {
  return xor(fromHex(('0' + pin.length.toString(16) + pin).padEnd(16, 'F')), fromHex('0000' + pan.slice(0, -1).slice(-12)));
}

/** The in-process issuer, recording what the terminal sent. */
class RecordingHost {
  readonly requests: AuthorisationRequest[] = [];
  readonly answers: AuthorisationResponse[] = [];
  constructor(readonly inner: IssuerHost) {}
  async authorise(request: AuthorisationRequest): Promise<AuthorisationResponse> {
    this.requests.push(request);
    const answer = await this.inner.authorise(request);
    this.answers.push(answer);
    return answer;
  }
}

const issuer = () => new RecordingHost(createInProcessHost({ clock: () => NOW.getTime() }));
/** Shipped cards are issued with seed = profile name: the PAN the issuer was seeded with. */
const shippedCard = (profile: string, overrides?: Record<string, unknown>): EmulatedCard => card(profile, overrides, profile);

describe('the PIN pad enciphers the online PIN block (ISO 9564-1)', () => {
  it('format 0 under TDES: TDES(ZPK, PIN field xor PAN field), the known answer', () => {
    const pan = '4761739001010010';
    const clear = clearFormat0('1234', pan);
    expect(toHex(clear)).toBe('041223C6FFEFEFFE');
    const block = encipherOnlinePin({ format: 0, key: TEST_ZPK, keySource: 'test' }, '1234', pan, () => new Uint8Array(8));
    expect(block.format).toBe(0);
    expect(toHex(block.block)).toBe(toHex(tdes(true, TEST_ZPK, clear)));
  });
  it('the shipped test zone key file is the issuer key: one definition', () => {
    expect(toHex(TEST_ZONE_KEYS.zpkTdes)).toBe(TEST_ZPK);
    expect(terminal().onlinePin).toEqual({ format: 0, key: TEST_ZPK, keySource: 'test-zone-keys.yaml#zpkTdes' });
  });
});

describe('online PIN against the in-process issuer host (Book 3 §10.5.1, Book 4 §6.3.4.2)', () => {
  it('PIN-blocked card, right PIN online: approved 00, PIN UNBLOCK (84 24) in 72 resets the card, 9F5B successful', async () => {
    const c = shippedCard('pin-blocked');
    expect(c.state.pinTryCounter).toBe(0);
    const host = issuer();
    const { outcome } = await run({ transport: c, host, cardholder: { pins: ['1234'] } });
    expect(outcome.outcome).toBe('approved');
    expect(outcome.authorisationResponseCode).toBe('00');
    expect(outcome.cvmResults).toBe('420300'); // online PIN, condition 03, result unknown (Book 4 Annex A4)
    expect(tvrHas(outcome.tvr, 3, 0x04)).toBe(true); // online PIN entered
    expect(tvrHas(outcome.tvr, 3, 0x20)).toBe(true); // PIN try limit exceeded (offline)
    // The request carries only the enciphered block: deciphering it with the zone key gives the clear format 0 block.
    const request = host.requests[0]!;
    const clear = clearFormat0('1234', request.pan);
    expect(request.pinBlock?.format).toBe(0);
    expect(toHex(request.pinBlock!.block)).not.toBe(toHex(clear));
    expect(toHex(tdes(false, TEST_ZPK, request.pinBlock!.block))).toBe(toHex(clear));
    // The issuer sent one 72 script with 84 24 00 00 (PIN UNBLOCK), and the card ran it.
    const scripts = host.answers[0]!.issuerScripts ?? [];
    expect(scripts.map((s) => toHex(s).slice(0, 2))).toEqual(['72']);
    expect(toHex(scripts[0]!)).toContain('8424000008');
    expect(outcome.issuerScriptResults).toMatch(/^20[0-9A-F]{8}$/); // 9F5B: script processed successfully
    expect(c.state.pinTryCounter).toBe(3);
    // Neither the clear PIN block nor the enciphered one is in the outcome, its trace or its decisions.
    const everything = JSON.stringify(outcome).toUpperCase();
    expect(everything).not.toContain(toHex(clear));
    expect(everything).not.toContain(toHex(request.pinBlock!.block));
  });

  it('wrong online PIN: 55 with the issuer counter, then 75 once its try limit is reached; the right PIN no longer helps', async () => {
    const c = shippedCard('visa-cvn18', ONLINE_PIN_ONLY);
    const host = issuer();
    const answers: string[] = [];
    const stan = stanCounter();
    for (const pin of ['1111', '2222', '3333', '1234']) {
      const { outcome } = await run({ transport: c, host, stan, cardholder: { pins: [pin] } });
      expect(outcome.outcome).toBe('declined');
      answers.push(`${outcome.authorisationResponseCode} ${host.answers.at(-1)!.message}`);
    }
    expect(answers).toEqual([
      '55 wrong online PIN, 2 tries left',
      '55 wrong online PIN, 1 tries left',
      '75 online PIN tries exhausted (3/3)',
      '75 online PIN tries exhausted (3/3)',
    ]);
  });

  it('a right PIN after a wrong one resets the issuer counter', async () => {
    const c = shippedCard('visa-cvn18', ONLINE_PIN_ONLY);
    const host = issuer();
    const codes: (string | undefined)[] = [];
    const stan = stanCounter();
    for (const pin of ['1111', '1234', '2222']) codes.push((await run({ transport: c, host, stan, cardholder: { pins: [pin] } })).outcome.authorisationResponseCode);
    expect(codes).toEqual(['55', '00', '55']);
    expect(host.answers[2]!.message).toBe('wrong online PIN, 2 tries left');
  });

  it('format 4 under the AES zone key: the issuer deciphers it too', async () => {
    const c = shippedCard('visa-cvn18', ONLINE_PIN_ONLY);
    const host = issuer();
    const config = terminal('eu-pos-pin', { onlinePin: { format: 4, key: toHex(TEST_ZONE_KEYS.zpkAes), keySource: 'test' } });
    const { outcome } = await run({ transport: c, host, config, cardholder: { pins: ['1234'] } });
    expect(host.requests[0]!.pinBlock?.format).toBe(4);
    expect(host.requests[0]!.pinBlock?.block).toHaveLength(16);
    expect(outcome.authorisationResponseCode).toBe('00');
  });

  it('a PIN pad keyed with another zone key: the issuer deciphers garbage and declines 55', async () => {
    const c = shippedCard('visa-cvn18', ONLINE_PIN_ONLY);
    const host = issuer();
    const config = terminal('eu-pos-pin', { onlinePin: { format: 0, key: 'FEDCBA98765432100123456789ABCDEF', keySource: 'other' } });
    const { outcome } = await run({ transport: c, host, config, cardholder: { pins: ['1234'] } });
    expect(outcome.authorisationResponseCode).toBe('55');
  });

  it('a PIN pad without a PIN key cannot do online PIN: PIN pad not working, no PIN block sent', async () => {
    const c = shippedCard('visa-cvn18', ONLINE_PIN_ONLY);
    const host = issuer();
    const config = terminal();
    delete config.onlinePin;
    const { outcome } = await run({ transport: c, host, config, cardholder: { pins: ['1234'] } });
    expect(tvrHas(outcome.tvr, 3, 0x10)).toBe(true); // PIN entry required, PIN pad not present or not working
    expect(host.requests[0]?.pinBlock).toBeUndefined();
  });
});

describe('terminal profile onlinePin validation (file:line and field)', () => {
  const profile = (onlinePin: string) => `terminalType: "22"\napplications:\n  - aid: A0000000031010\n${onlinePin}`;
  const error = (text: string): DocumentError => {
    try {
      parseTerminalProfile(text, '/tmp/t.yaml');
    } catch (err) {
      if (err instanceof DocumentError) return err;
      throw err;
    }
    throw new Error('no error');
  };
  it('format 2 is the offline block, not for online PIN', () => {
    const e = error(profile('onlinePin:\n  format: 2\n  key: 0123456789ABCDEFFEDCBA9876543210\n'));
    expect([e.line, e.field]).toEqual([5, 'onlinePin.format']);
    expect(e.message).toMatch(/format 2 is not for online PIN/);
  });
  it('an AES-256 key for format 0 (TDES) is refused', () => {
    const e = error(profile(`onlinePin: {format: 0, key: "${'00'.repeat(32)}"}\n`));
    expect([e.line, e.field]).toEqual([4, 'onlinePin.key']);
    expect(e.message).toMatch(/TDES key of 16 or 24 bytes, got 32/);
  });
  it('key and keyFile together, or neither, are refused', () => {
    expect(error(profile(`onlinePin: {format: 0, key: ${TEST_ZPK}, keyFile: test-zone-keys}\n`)).message).toMatch(/exactly one of key/);
    expect(error(profile('onlinePin: {format: 0}\n')).field).toBe('onlinePin');
  });
  it('a missing key file names the profile line; a missing entry names the key file', () => {
    const e = error(profile('onlinePin:\n  format: 0\n  keyFile: no-such-keys\n'));
    expect([e.file, e.line, e.field]).toEqual(['/tmp/t.yaml', 6, 'onlinePin.keyFile']);
    const missing = error(profile('onlinePin: {format: 0, keyFile: test-zone-keys, keyName: tpk}\n'));
    expect(missing.file).toMatch(/scripts\/keys\/test-zone-keys\.yaml$/);
    expect(missing.message).toMatch(/no key 'tpk'/);
  });
  it('an unknown field is named', () => {
    expect(error(profile(`onlinePin: {format: 0, key: ${TEST_ZPK}, kye: 1}\n`)).field).toBe('onlinePin.kye');
  });
});
