/**
 * The emulated contactless card through the real PC/SC stack: our driver -> pcscd -> vpcd ->
 * our vpcd bridge -> the card presented contactless (PPSE, the PC/SC contactless ATR). Run it
 * holding the shared lock: `flock /tmp/emvsim-pcsc.lock npx vitest run test/reader/contactless-vpcd.test.ts`.
 * Without pcscd (outside CI) it is skipped with the reason.
 */
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/apdu/bytes.js';
import { createCard } from '../../src/card/index.js';
import { openPcscReader, type PcscTransport } from '../../src/reader/pcsc-transport.js';
import { preparePcscd } from '../../src/reader/pcscd-daemon.js';
import { VpcdBridge } from '../../src/reader/vpcd-bridge.js';
import { inspectContactless } from '../../src/terminal/card-inspector/index.js';

const availability = await preparePcscd();
const inCi = process.env.CI === 'true';

if (!availability.ok) {
  (inCi ? describe : describe.skip)(`contactless through pcscd (${availability.reason})`, () => {
    it('needs pcscd with vpcd', () => {
      throw new Error(availability.reason);
    });
  });
} else {
  const env = availability.env;
  describe(`contactless card through pcscd on '${env.readerName}'`, () => {
    const card = createCard({ profile: 'contactless-dual', interface: 'contactless', seed: 7 });
    const bridge = new VpcdBridge(card, { port: env.port, backoff: { initialMs: 50, maxMs: 500 } });
    let transport: PcscTransport | undefined;

    afterAll(async () => {
      await transport?.close();
      await bridge.stop();
      await env.stop();
    });

    it('pcscd reports the contactless ATR; the inspector selects from the PPSE, reads the records and verifies DDA', async () => {
      bridge.start();
      await bridge.insert();
      transport = await openPcscReader(env.readerName, { waitMs: 10_000 });
      const r = await inspectContactless(transport, { terminal: { unpredictableNumber: 'A1B2C3D4', date: '261204' } });
      expect(r.atr).toBe(toHex(card.atr));
      expect(transport.protocol).toBe('T=1'); // pcscd reads T=1 from TD2 of the PC/SC contactless ATR
      expect(r.atr.startsWith('3B8E8001')).toBe(true);
      expect(r.application?.adfName).toBe('A0000000031010');
      expect(r.application?.records.filter((x) => x.sw === '9000')).toHaveLength(5);
      expect(r.application?.oda?.verdict).toBe('verified');
      // The PSE is refused over contactless, as on the in-process card.
      const pse = await transport.transmit(fromHex('00A404000E315041592E5359532E444446303100'));
      expect(toHex(pse)).toBe('6A82');
    });

    it('`emvsim explore --reader` without --contactless sees the contactless ATR and uses the inspector', async () => {
      await transport?.close();
      transport = undefined;
      const root = resolve(import.meta.dirname, '..', '..');
      // Asynchronous: the card answers from this process through vpcd while the CLI runs.
      const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), 'explore', '--reader', env.readerName, '--json'], {
        cwd: root, encoding: 'utf8', timeout: 30_000,
      });
      expect(stderr).toMatch(/contactless interface .*using the contactless inspector/);
      const out = JSON.parse(stdout) as { label: string; application: { adfName: string; oda: { verdict: string } } };
      expect(out.label).toMatch(/inspector/);
      expect(out.application.adfName).toBe('A0000000031010');
      expect(out.application.oda.verdict).toBe('verified');
    });
  });
}
