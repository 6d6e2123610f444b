// The examples/ app, written against the real `smartcard` API, run in the consumer project against
// the fake from emvsim/testing: no pcscd, no reader (the module is replaced, as a user's test would).
import { createDemoCard } from 'emvsim';
import { FakePcscd, createSmartcardFake } from 'emvsim/testing';
import { expect, it, vi } from 'vitest';
import { main } from './examples/read-card/read-card.js';

vi.mock('smartcard', async () => (await import('emvsim/testing')).smartcardFake);

it('reads the demo card through the smartcard fake', async () => {
  const pcscd = new FakePcscd({ readers: ['Consumer Reader'] });
  await pcscd.insert(createDemoCard());
  const { Devices } = createSmartcardFake(pcscd);
  const lines: string[] = [];
  const code = await main({ devices: new Devices(), log: (line) => lines.push(line), timeoutMs: 5000 });
  expect(code).toBe(0);
  expect(lines).toEqual([
    'Applications (PSE): A0000000031010 VISA CREDIT',
    'Selected: A0000000031010 Visa Credit',
    'AIP: 3C00  AFL: 080101001001020218010200',
    'PAN: 476173******0010',
    'Expiry: 2029-12',
  ]);
});
