/**
 * Fidelity of the PC/SC fakes (src/testing/pcsc-fakes), registered inside the
 * PC/SC integration suite (test/reader/pcsc-integration.test.ts) so that they
 * run in sequence with its other tests on the one vpcd slot:
 * - the same script of calls (test/testing/pcsc-scenarios.ts) runs against the
 *   real `smartcard` and `pcsclite` bindings on pcscd + vpcd, with our emulated
 *   card in the vpcd slot, and against the fake with the same card; the
 *   transcripts (results, error messages, event order, state bits) must be
 *   equal line for line, and equal to the ones recorded in
 *   test/testing/fixtures/pcsc-transcripts.json (which the fake is held to
 *   without pcscd, in test/testing/pcsc-fakes.test.ts);
 * - the example app (examples/read-card) prints through the real binding what
 *   it prints against the fake.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect, it } from 'vitest';
import { createDemoCard } from '../../src/card/index.js';
import { VpcdBridge, type PcscdEnvironment } from '../../src/reader/index.js';
import { FakePcscd, createPcscliteFake, createSmartcardFake, type FakePCSCLite, type SmartcardFake } from '../../src/testing/index.js';
import { main } from '../../examples/read-card/read-card.js';
import { pcscliteScenario, smartcardScenario, type Rig } from '../testing/pcsc-scenarios.js';

const require = createRequire(import.meta.url);
const TRANSCRIPTS = new URL('../testing/fixtures/pcsc-transcripts.json', import.meta.url);
type Library = 'smartcard' | 'pcsclite';

/** `UPDATE_PCSC_TRANSCRIPTS=1` re-records the real bindings' transcripts (review the diff). */
function checkRecorded(library: Library, lines: string[]): void {
  const recorded = JSON.parse(readFileSync(TRANSCRIPTS, 'utf8')) as Record<Library, string[]>;
  if (process.env.UPDATE_PCSC_TRANSCRIPTS) {
    recorded[library] = lines;
    writeFileSync(TRANSCRIPTS, JSON.stringify(recorded, null, 1) + '\n');
  }
  expect(lines).toEqual(recorded[library]);
}

/** The card both sides get: the demo card over T=0, so that 61xx / 6Cxx and GET RESPONSE show. */
const card = () => createDemoCard({ protocol: 'T=0' });

/**
 * Registers the comparison tests. `emptySlot` must leave the suite's vpcd slot with no card and
 * no open handle (a handle left open shows as INUSE/EXCLUSIVE and changes the transcript).
 */
export function fakesAgainstRealBindings(env: PcscdEnvironment, emptySlot: () => Promise<void>): void {
  const onRealStack = async (run: (rig: Rig) => Promise<string[]>): Promise<string[]> => {
    await emptySlot();
    const bridge = new VpcdBridge(card(), { port: env.port, removed: true, backoff: { initialMs: 50, maxMs: 500 } });
    bridge.start();
    try {
      return await run({ reader: env.readerName, insert: () => bridge.insert(), remove: () => bridge.remove() });
    } finally {
      await bridge.stop();
    }
  };
  /** A fake pcscd with the readers this pcscd has, the same card going into the same reader. */
  const onFake = (run: (pcscd: FakePcscd, rig: Rig) => Promise<string[]>): Promise<string[]> => {
    const real = require('smartcard') as SmartcardFake;
    const context = new real.Context();
    const pcscd = new FakePcscd({ readers: context.listReaders().map((r) => r.name) });
    context.close();
    const inserted = card();
    return run(pcscd, { reader: env.readerName, insert: () => pcscd.insert(inserted, env.readerName), remove: async () => pcscd.remove(env.readerName) });
  };

  it('PC/SC fakes: smartcard gives the transcript of the real binding (events, autoGetResponse, errors, Context)', async () => {
    const realLines = await onRealStack((rig) => smartcardScenario(require('smartcard') as SmartcardFake, rig));
    const fakeLines = await onFake((pcscd, rig) => smartcardScenario(createSmartcardFake(pcscd), rig));
    expect(fakeLines).toEqual(realLines);
    checkRecorded('smartcard', realLines);
  });

  it('PC/SC fakes: pcsclite gives the transcript of the real binding (reader/status/end, callbacks, errors)', async () => {
    const realLines = await onRealStack((rig) => pcscliteScenario(require('pcsclite') as () => FakePCSCLite, rig));
    const fakeLines = await onFake((pcscd, rig) => pcscliteScenario(createPcscliteFake(pcscd), rig));
    expect(fakeLines).toEqual(realLines);
    checkRecorded('pcsclite', realLines);
  });

  it('examples/read-card prints through the real smartcard binding what it prints against the fake', async () => {
    const run = async (options: Parameters<typeof main>[0]) => {
      const lines: string[] = [];
      expect(await main({ ...options, log: (l) => lines.push(l), timeoutMs: 15_000 })).toBe(0);
      return lines;
    };
    await emptySlot();
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
  });
}
