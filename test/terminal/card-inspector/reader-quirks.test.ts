/**
 * Reader behaviour seen in practice with PC/SC NFC readers, handled without hardware:
 * synthesised ATRs (ISO 14443-4 vs storage cards), responses split with 61xx under T=1,
 * 6Cxx "wrong Le" answers. Sources in docs/contactless.md.
 */
import { describe, expect, it } from 'vitest';
import { type Bytes, concat, fromHex, toHex } from '../../../src/apdu/bytes.js';
import type { CardTransport, Protocol } from '../../../src/apdu/transport.js';
import { createCard } from '../../../src/card/index.js';
import { NotIsoDepCardError, classifyContactlessAtr, inspectContactless } from '../../../src/terminal/card-inspector/index.js';

describe('PC/SC-synthesised ATRs (PC/SC Part 3 §3.1.3.2.3)', () => {
  it.each([
    // An American Express card on an ACR122U (cardpeek issue #76, public log).
    ['3B8B80010031C0641F27010000900036', 'iso14443-4'],
    ['3B80800101', 'iso14443-4'],
    // MIFARE Classic 1K in the storage-card format (ACS ACR122U API manual, ATR for ISO 14443-3 PICCs).
    ['3B8F8001804F0CA000000306030001000000006A', 'storage-card'],
    // A contact card (the emulated T=1 card).
    ['3BEE00008131FE4580318066B0840C016E0183009000F7', 'not-contactless'],
  ])('%s is %s', (atr, kind) => {
    expect(classifyContactlessAtr(fromHex(atr))).toBe(kind);
  });

  it('the inspector names a storage card instead of reporting a missing PPSE', async () => {
    const storage: CardTransport = {
      name: 'storage card', protocol: 'T=1',
      transmit: async () => fromHex('6300'),
      coldReset: async () => fromHex('3B8F8001804F0CA000000306030001000000006A'),
      warmReset: async () => fromHex('3B8F8001804F0CA000000306030001000000006A'),
      close: async () => {},
    };
    await expect(inspectContactless(storage)).rejects.toBeInstanceOf(NotIsoDepCardError);
  });
});

/** Wraps the emulated card like a reader that leaves GET RESPONSE (61xx) and 6Cxx to the host, even under T=1. */
class QuirkyReader implements CardTransport {
  readonly name = 'quirky reader';
  readonly protocol: Protocol = 'T=1';
  private pending: Bytes | undefined;
  readonly log: string[] = [];
  constructor(private readonly card: CardTransport, private readonly chunk: number, private readonly demandExactLe: boolean) {}
  async transmit(c: Bytes): Promise<Bytes> {
    this.log.push(toHex(c));
    if (c[1] === 0xc0 && this.pending) {
      const le = c[4] === 0 ? 256 : c[4]!;
      const part = this.pending.subarray(0, le);
      this.pending = this.pending.length > le ? this.pending.subarray(le) : undefined;
      return this.pending ? concat(part, Uint8Array.of(0x61, Math.min(this.pending.length, 255))) : concat(part, fromHex('9000'));
    }
    const r = await this.card.transmit(c);
    const data = r.subarray(0, r.length - 2);
    // Case 2 with Le 00: this reader answers 6Cxx first (as a T=0 card would) and wants the exact Le.
    if (this.demandExactLe && c.length === 5 && c[4] === 0 && data.length > 0 && data.length < 256) return Uint8Array.of(0x6c, data.length);
    if (data.length <= this.chunk) return r;
    this.pending = data.subarray(this.chunk);
    return concat(data.subarray(0, this.chunk), Uint8Array.of(0x61, Math.min(this.pending.length, 255)));
  }
  coldReset() { return this.card.coldReset(); }
  warmReset() { return this.card.warmReset(); }
  async close() {}
}

describe('61xx and 6Cxx under T=1 (exchange.ts, Book 1 §9.3 rules applied to both protocols)', () => {
  const fixed = { terminal: { unpredictableNumber: '0A0B0C0D', date: '261204' } };
  it('reads and verifies the card as without the quirks', async () => {
    const plain = await inspectContactless(createCard({ profile: 'contactless-dual', interface: 'contactless', seed: 9 }), fixed);
    const reader = new QuirkyReader(createCard({ profile: 'contactless-dual', interface: 'contactless', seed: 9 }), 32, true);
    const quirky = await inspectContactless(reader, fixed);
    expect(reader.log.some((c) => c.startsWith('00C00000'))).toBe(true); // GET RESPONSE was needed
    expect(reader.log.some((c) => /^00B2....[1-9A-F]/.test(c) && !c.endsWith('00'))).toBe(true); // READ RECORD repeated with the exact Le
    expect(quirky.application?.records.map((r) => r.hex)).toEqual(plain.application?.records.map((r) => r.hex));
    expect(quirky.application?.oda?.verdict).toBe('verified');
  });
});
