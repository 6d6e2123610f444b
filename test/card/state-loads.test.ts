/**
 * The card loads what it writes (issue 13 item 4): PUT DATA checks format and length against
 * the tag dictionary (6A80 otherwise), counters saturate instead of growing past what the card
 * file may hold, and - property - any sequence of APDUs leaves a state that the card file
 * validator accepts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Bytes, concat, fromHex, toHex } from '../../src/apdu/bytes.js';
import { deriveCommonSessionKey, deriveIccMasterKey } from '../../src/crypto/key-derivation.js';
import { issuerScriptMac, issuerScriptMacInput } from '../../src/crypto/secure-messaging.js';
import { validateCardImage } from '../../src/card/card-image-validate.js';
import { EmulatedCard, issueCard, loadProfile } from '../../src/card/index.js';

type Card = EmulatedCard;
import { type AcResponse, P1, generateAc, send, startSession, swHex, terminalSource } from './helpers.js';

const image = issueCard(loadProfile('visa-cvn18'), { seed: 'state-loads' });
const freshCard = () => new EmulatedCard(structuredClone(image), { seed: 'state-loads' });

/** What `card.save()` would write, checked by the loader's validator. */
function reloads(card: Card): void {
  validateCardImage(JSON.parse(JSON.stringify({ ...image, state: card.state })) as Record<string, unknown>, 'card.json');
}

/** An issuer script command with a correct MAC (Book 2 §9.2.1: header || ATC || ARQC || data, SMI session key). */
function script(card: Card, first: AcResponse, header: string, data: Bytes, corrupt = false): string {
  const s = card.secrets;
  const smi = deriveCommonSessionKey(deriveIccMasterKey(s.issuerMasterKeys.smi, s.pan, s.panSequenceNumber, 'A'), first.ac!);
  const full = concat(fromHex(header), Uint8Array.of(data.length + 8));
  const mac = issuerScriptMac(smi, issuerScriptMacInput(full, first.atc, first.ac!, data));
  if (corrupt) mac[0]! ^= 0xff;
  return toHex(concat(full, data, mac));
}

async function online(card: Card) {
  const s = await startSession(card, 'A0000000031010');
  const first = await generateAc(card, s.tags.get('8C')!, P1.ARQC, terminalSource());
  return { s, first };
}

describe('PUT DATA checks the value against the tag dictionary', () => {
  it('9F54 (VIS cumulative total transaction amount limit, n 12) with non-BCD data: 6A80, nothing stored', async () => {
    const card = freshCard();
    const { first } = await online(card);
    expect(swHex((await send(card, script(card, first, '04DA9F54', fromHex('FFFFFFFFFFFF')))).sw)).toBe('6A80');
    expect(card.state.dataOverrides).toEqual({});
    expect(swHex((await send(card, script(card, first, '04DA9F54', fromHex('000000005000')))).sw)).toBe('9000');
    expect(card.state.dataOverrides).toEqual({ '9F54': '000000005000' });
    reloads(card);
  });

  it('9F14 (b 1) with two bytes: 6A80', async () => {
    const card = freshCard();
    const { first } = await online(card);
    expect(swHex((await send(card, script(card, first, '04DA9F14', fromHex('0101')))).sw)).toBe('6A80');
    expect(swHex((await send(card, script(card, first, '04DA9F14', fromHex('05')))).sw)).toBe('9000');
  });

  it('a tag the card does not let PUT DATA change: 6A88', async () => {
    const card = freshCard();
    const { first } = await online(card);
    expect(swHex((await send(card, script(card, first, '04DA9F36', fromHex('0001')))).sw)).toBe('6A88');
  });

  it('a card file holding a non-BCD 9F54 is refused on load, naming the field', () => {
    const bad = { ...image, state: { ...image.state, dataOverrides: { '9F54': 'FFFFFFFFFFFF' } } };
    expect(() => validateCardImage(JSON.parse(JSON.stringify(bad)) as Record<string, unknown>, 'card.json')).toThrow(/state\.dataOverrides\.9F54.*BCD/);
  });
});

describe('counters saturate as the CVR and the card file allow', () => {
  it('256 script commands with a wrong MAC: the 4-bit script counter stops at 15 and the card still loads', async () => {
    const card = freshCard();
    const { first } = await online(card);
    for (let i = 0; i < 256; i++) await send(card, script(card, first, '841E0000', new Uint8Array(0), true));
    expect(card.state.scriptCommandsLastTransaction).toBe(15);
    expect(card.state.scriptFailedLastTransaction).toBe(true);
    reloads(card);
  });
});

/** A vocabulary of commands a terminal (or a fuzzer) may send, well-formed or not. */
const command = fc.oneof(
  fc.constant('00A4040007A000000003101000'),
  fc.constant('80A800000C830A0000000012340978027600'),
  fc.constantFrom('80CA9F3600', '80CA9F1300', '80CA9F1700', '0084000000', '00B2011400', '00B2021400'),
  fc.record({ p1: fc.constantFrom(0x00, 0x40, 0x80, 0x50, 0x90), amount: fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => toHex(b)) }).map(
    ({ p1, amount }) => `80AE${p1.toString(16).padStart(2, '0')}0021${amount.padStart(12, '0')}00000000000008260000000000097825061500010203042241030200`,
  ),
  fc.constantFrom('80AE40001D3030' + '00'.repeat(10) + '0000000000' + '12345678', '0020008008241234FFFFFFFFFF', '0020008008241111FFFFFFFFFF'),
  fc.uint8Array({ minLength: 4, maxLength: 40 }).map((b) => toHex(b)),
  fc.record({ ins: fc.constantFrom('DA9F54', 'DA9F14', 'DA9F23', '1E0000', '180000', 'DC0114'), data: fc.uint8Array({ maxLength: 20 }) }).map(
    ({ ins, data }) => `84${ins}${(data.length + 8).toString(16).padStart(2, '0')}${toHex(data)}0102030405060708`,
  ),
);

/** An issuer script command with a correct MAC for the card's current transaction (when it has one). */
const macedScript = fc.record({ header: fc.constantFrom('04DA9F54', '04DA9F14', '04DA9F23', '04DC0114', '04DC0214'), data: fc.uint8Array({ maxLength: 24 }) });

describe('property: any sequence of APDUs leaves a state that loads', () => {
  it('holds for random command sequences with resets and correctly MACed scripts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(command, macedScript, fc.constant('reset'), fc.constant('online')), { maxLength: 40 }), async (steps) => {
        const card = freshCard();
        for (const step of steps) {
          if (step === 'reset') await card.coldReset();
          else if (step === 'online') await online(card).catch(() => undefined); // SELECT, GPO, GENERATE AC (ARQC)
          else if (typeof step === 'string') await card.transmit(fromHex(step)).catch(() => undefined);
          else {
            const ac = card.engine.v.firstAc;
            if (!ac) continue;
            const first = { atc: fromHex(card.state.atc.toString(16).padStart(4, '0')), ac } as AcResponse;
            await card.transmit(fromHex(script(card, first, step.header, step.data))).catch(() => undefined);
          }
        }
        reloads(card);
      }),
      { numRuns: 150, seed: 13 },
    );
  });
});
