/**
 * Property (Book 3 §9.3): whatever the amounts, currencies, PIN attempts and
 * requests, the card never answers a stronger cryptogram than requested
 * (TC -> TC/ARQC/AAC, ARQC -> ARQC/AAC, AAC -> AAC; second GENERATE AC: TC -> TC/AAC, AAC -> AAC).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCard } from '../../src/card/index.js';
import { P1, cidType, generateAc, send, startSession, terminalSource, verifyPlaintext } from './helpers.js';

const ALLOWED: Record<string, string[]> = { TC: ['TC', 'ARQC', 'AAC'], ARQC: ['ARQC', 'AAC'], AAC: ['AAC'] };

const transaction = fc.record({
  amount: fc.integer({ min: 0, max: 99_999 }),
  currency: fc.constantFrom('0978', '0840', '0826'),
  first: fc.constantFrom('TC', 'ARQC', 'AAC') as fc.Arbitrary<'TC' | 'ARQC' | 'AAC'>,
  second: fc.constantFrom('TC', 'AAC') as fc.Arbitrary<'TC' | 'AAC'>,
  arc: fc.constantFrom('3030', '3035', '5933', '5A33'),
  wrongPins: fc.integer({ min: 0, max: 3 }),
});

describe('never a stronger cryptogram than requested', () => {
  for (const [profile, aid] of [
    ['visa-cvn18', 'A0000000031010'],
    ['girocard', 'A000000059101002'],
  ] as const) {
    it(profile, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(transaction, { minLength: 1, maxLength: 6 }), fc.integer(), async (txns, seed) => {
          const card = createCard({ profile, seed });
          for (const t of txns) {
            await card.coldReset();
            const s = await startSession(card, aid, { amount: t.amount, currency: t.currency });
            for (let i = 0; i < t.wrongPins; i++) await send(card, verifyPlaintext('0000'));
            const src = terminalSource({ amount: t.amount, currency: t.currency });
            const r1 = await generateAc(card, s.tags.get('8C')!, P1[t.first], src);
            expect(r1.sw).toBe(0x9000);
            expect(ALLOWED[t.first]).toContain(cidType(r1.cid));
            if (cidType(r1.cid) === 'ARQC') {
              const r2 = await generateAc(card, s.tags.get('8D')!, P1[t.second], (tag) => (tag === '8A' ? Buffer.from(t.arc, 'hex') : src(tag)));
              expect(r2.sw).toBe(0x9000);
              expect(ALLOWED[t.second]).toContain(cidType(r2.cid));
            }
          }
        }),
        { numRuns: 60, seed: 0xc0ffee },
      );
    });
  }
});
