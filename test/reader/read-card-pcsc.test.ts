/**
 * The example app (examples/read-card) through the real `smartcard` binding on
 * pcscd + vpcd, with the demo card in our vpcd slot, prints exactly what it
 * prints against emvsim's `smartcard` fake with no pcscd (test/examples).
 * Needs pcscd with vpcd (skipped with the reason elsewhere; failed under CI=true).
 */
import { describe, expect, it } from 'vitest';
import { createDemoCard } from '../../src/card/index.js';
import { preparePcscd, VpcdBridge } from '../../src/reader/index.js';
import { FakePcscd, createSmartcardFake } from '../../src/testing/index.js';
import { main } from '../../examples/read-card/read-card.js';

const availability = await preparePcscd();

async function run(options: Parameters<typeof main>[0]): Promise<string[]> {
  const lines: string[] = [];
  expect(await main({ ...options, log: (l) => lines.push(l), timeoutMs: 15_000 })).toBe(0);
  return lines;
}

if (!availability.ok) {
  if (process.env.CI === 'true') {
    describe('examples/read-card on pcscd', () => {
      it('needs pcscd with vpcd under CI', () => { throw new Error(`pcscd is required under CI: ${availability.reason}`); });
    });
  } else {
    describe.skip(`examples/read-card on pcscd (skipped: ${availability.reason})`, () => {
      it('runs against a real pcscd', () => {});
    });
  }
} else {
  const env = availability.env;
  describe(`examples/read-card through the real smartcard binding on '${env.readerName}'`, () => {
    it('prints the same lines as against the fake', async () => {
      const bridge = new VpcdBridge(createDemoCard(), { port: env.port, backoff: { initialMs: 50, maxMs: 500 } });
      bridge.start();
      let real: string[];
      try {
        await bridge.insert();
        real = await run({ reader: env.readerName }); // the app's own `new Devices()` from 'smartcard'
      } finally {
        await bridge.stop();
      }
      const pcscd = new FakePcscd({ readers: [env.readerName] });
      await pcscd.insert(createDemoCard(), env.readerName);
      const fake = await run({ devices: new (createSmartcardFake(pcscd).Devices)(), reader: env.readerName });
      expect(real).toEqual(fake);
      expect(real).toContain('PAN: 476173******0010');
    }, 60_000);
  });
}
