/**
 * Fuzz target for the terminal kernel: complete transactions against the
 * emulated card behind a mutating transport (flipped TLV bytes, truncated
 * data, wrong status words, a mute card, short answers, junk appended).
 * A case is one card answer. Invariant: every run ends in a defined outcome (approved, declined or
 * terminated with a reason) and never in an internal error or an exception.
 */
import type { Bytes } from '../src/apdu/bytes.js';
import type { CardTransport } from '../src/apdu/transport.js';
import { createCard } from '../src/card/index.js';
import { loadDefaultCapks } from '../src/crypto/capk.js';
import { capkLookup } from '../src/terminal/capk-lookup.js';
import { ScriptedCardholder } from '../src/terminal/cardholder.js';
import type { TerminalConfig } from '../src/terminal/config.js';
import { loadTerminalProfile } from '../src/terminal/config-loader.js';
import { fixedClock, seededRandom } from '../src/terminal/environment.js';
import { runTransaction } from '../src/terminal/kernel.js';
import { ScriptedHost } from '../src/testing/index.js';
import type { FuzzResult, FuzzTarget } from './fuzz-targets.js';

/** Mutates a fraction `rate` of the card's answers, driven by a xorshift PRNG. */
export class MutatingTransport implements CardTransport {
  readonly name = 'mutating card';
  private state: number;
  constructor(
    private readonly inner: CardTransport,
    seed: number,
    private readonly rate: number,
    private readonly onAnswer?: () => void,
  ) {
    this.state = seed >>> 0 || 1;
  }
  get protocol() {
    return this.inner.protocol;
  }
  private next(): number {
    this.state ^= this.state << 13;
    this.state ^= this.state >>> 17;
    this.state ^= this.state << 5;
    return (this.state >>> 0) / 2 ** 32;
  }
  async transmit(command: Bytes): Promise<Bytes> {
    const answer = await this.inner.transmit(command);
    this.onAnswer?.();
    if (this.next() >= this.rate) return answer;
    const out = Uint8Array.from(answer);
    switch (Math.floor(this.next() * 6)) {
      case 0:
        if (out.length > 2) out[Math.floor(this.next() * (out.length - 2))]! ^= 1 + Math.floor(this.next() * 255);
        return out;
      case 1:
        return Uint8Array.of(...out.subarray(0, Math.floor(this.next() * Math.max(0, out.length - 2))), ...out.subarray(out.length - 2));
      case 2:
        return Uint8Array.of([0x6a, 0x69, 0x6f, 0x67, 0x63][Math.floor(this.next() * 5)]!, Math.floor(this.next() * 256));
      case 3:
        throw new Error('card mute');
      case 4:
        return Uint8Array.of(0x90);
      default:
        return Uint8Array.of(...out.subarray(0, out.length - 2), 0xff, 0x00, 0x9f, ...out.subarray(out.length - 2));
    }
  }
  coldReset() {
    return this.inner.coldReset();
  }
  warmReset() {
    return this.inner.warmReset();
  }
  close() {
    return this.inner.close();
  }
}

const PROFILES = ['visa-cvn18', 'mastercard-cda', 'girocard', 'sda-only'];
let config: TerminalConfig | undefined;
let capks: ReturnType<typeof capkLookup> | undefined;

export const terminalFuzzTarget: FuzzTarget = {
  name: 'terminal',
  async run(cases, seed): Promise<FuzzResult> {
    config ??= loadTerminalProfile('eu-pos-pin');
    capks ??= capkLookup(loadDefaultCapks());
    const findings: string[] = [];
    // A case is one card answer through the mutating transport; transactions run until `cases` answers.
    let answers = 0;
    let terminated = 0;
    for (let i = 0; answers < cases; i++) {
      const s = seed * 1000 + i;
      const card = createCard({ profile: PROFILES[i % PROFILES.length]!, seed: i % 8 });
      try {
        const o = await runTransaction(
          {
            transport: new MutatingTransport(card, s * 2654435761, 0.12, () => answers++),
            config,
            cardholder: new ScriptedCardholder({ pins: ['1234', '0000', '1234'] }),
            host: new ScriptedHost({ mode: i % 3 === 0 ? 'unreachable' : i % 3 === 1 ? 'approve' : 'decline' }),
            clock: fixedClock(new Date('2026-06-15T10:00:00Z')),
            random: seededRandom(s),
            capks,
          },
          { amountMinor: 100 + ((s * 7919) % 20000), transactionType: 'goods' },
        );
        if (o.outcome === 'terminated') terminated++;
        if (o.error) findings.push(`seed ${s}: ${o.error.kind} error: ${o.error.stack ?? o.error.message}`);
      } catch (err) {
        findings.push(`seed ${s}: exception ${err instanceof Error ? err.stack : String(err)}`);
      }
    }
    return { cases, typedErrors: terminated, findings };
  },
};
