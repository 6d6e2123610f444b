/**
 * The ATC is incremented before the cryptogram (Book 3 §9.3: the AC covers the new ATC) and
 * persisted BEFORE the cryptogram is computed (generate-ac.ts): a power cut can never leave a
 * cryptogram over an ATC the card file does not hold. Observed through a spy on the
 * cryptogram function (src/crypto) and the card's persist hook.
 */
import { describe, expect, it, vi } from 'vitest';

const events: string[] = [];

vi.mock('../../src/crypto/cryptogram.js', async (importOriginal) => {
  const m = await importOriginal<typeof import('../../src/crypto/cryptogram.js')>();
  return {
    ...m,
    generateApplicationCryptogram: (...args: Parameters<typeof m.generateApplicationCryptogram>) => {
      events.push('cryptogram');
      return m.generateApplicationCryptogram(...args);
    },
  };
});

const { EmulatedCard, issueCard, loadProfile } = await import('../../src/card/index.js');
const { P1, generateAc, startSession, terminalSource } = await import('./helpers.js');

function spiedCard(seed: string, failOn?: () => boolean) {
  const card = new EmulatedCard(issueCard(loadProfile('visa-cvn18'), { seed }), {
    seed,
    persist: (state) => {
      if (failOn?.()) throw new Error('power cut');
      events.push(`persist atc=${state.atc}`);
    },
  });
  return { card };
}

describe('ATC persisted before the cryptogram is computed', () => {
  it('first and second GENERATE AC: persist (new ATC), then the cryptogram', async () => {
    const { card } = spiedCard('atc-order');
    const s = await startSession(card, 'A0000000031010');
    events.length = 0;
    await generateAc(card, s.tags.get('8C')!, P1.ARQC, terminalSource());
    expect(events).toEqual(['persist atc=1', 'cryptogram']);
    events.length = 0;
    await generateAc(card, s.tags.get('8D')!, P1.AAC, terminalSource());
    expect(events).toEqual(['persist atc=1', 'cryptogram']);
  });

  it('a power cut at the persist: no cryptogram is computed or answered', async () => {
    let cut = false;
    const { card } = spiedCard('atc-cut', () => cut);
    const s = await startSession(card, 'A0000000031010');
    events.length = 0;
    cut = true;
    await expect(generateAc(card, s.tags.get('8C')!, P1.ARQC, terminalSource())).rejects.toThrow('power cut');
    expect(events).toEqual([]);
  });
});
