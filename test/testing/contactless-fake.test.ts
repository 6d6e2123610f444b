/**
 * The emulated contactless card (PPSE, T=1, the PC/SC Part 3 contactless ATR) through the
 * `smartcard` fake, read by the example app written against the real `smartcard` API: the app's
 * SELECT PSE is refused over the contactless interface (6A82, as dual-interface cards do), it falls
 * back to the PPSE (Book B §3.3) and reads the highest-priority application.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCard } from '../../src/card/index.js';
import { fakePcscd } from '../../src/testing/index.js';
import { main } from '../../examples/read-card/read-card.js';

vi.mock('smartcard', async () => (await import('../../src/testing/index.js')).smartcardFake);

describe('a contactless emulated card through the smartcard fake', () => {
  afterEach(() => fakePcscd.reset());

  it('is found through the PPSE (the PSE is refused over contactless) and read to the PAN', async () => {
    const card = createCard({ profile: 'contactless-dual', interface: 'contactless', seed: 'ppse-fake' });
    expect(card.protocol).toBe('T=1');
    await fakePcscd.insert(card);
    const lines: string[] = [];
    const code = await main({ log: (l) => lines.push(l), timeoutMs: 5000 });
    expect(code).toBe(0);
    expect(lines[0]).toBe('Applications (PPSE): A0000000031010 VISA CREDIT, A0000000032010 VISA ELECTRON');
    expect(lines[1]).toMatch(/^Selected: A0000000031010 /);
    expect(lines.find((l) => l.startsWith('PAN: '))).toMatch(/^PAN: \d{6}\*+\d{4}$/);
  });

  it('the same profile over contact answers the PSE, not the PPSE', async () => {
    await fakePcscd.insert(createCard({ profile: 'contactless-dual', interface: 'contact', seed: 'ppse-fake' }));
    const lines: string[] = [];
    expect(await main({ log: (l) => lines.push(l), timeoutMs: 5000 })).toBe(0);
    expect(lines[0]).toMatch(/^Applications \(PSE\): /);
  });
});
