/**
 * Fidelity of the PC/SC fakes (src/testing/pcsc-fakes): the same script of
 * calls (test/testing/pcsc-scenarios.ts) runs against the real `smartcard` and
 * `pcsclite` bindings on pcscd + vpcd, with our emulated card in the vpcd slot,
 * and against the fake with the same card; the transcripts (results, error
 * messages, event order, state bits) must be equal line for line.
 * Needs pcscd with vpcd; skipped with the reason elsewhere (failed under CI=true).
 * Hold `flock /tmp/emvsim-pcsc.lock` when running it on a shared machine.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { createDemoCard } from '../../src/card/index.js';
import { preparePcscd } from '../../src/reader/index.js';
import { VpcdBridge } from '../../src/reader/index.js';
import { FakePcscd, createPcscliteFake, createSmartcardFake, type FakePCSCLite, type SmartcardFake } from '../../src/testing/index.js';
import { pcscliteScenario, smartcardScenario, type Rig } from '../testing/pcsc-scenarios.js';

const require = createRequire(import.meta.url);
/** The transcripts of the real bindings, recorded here; test/testing/pcsc-fakes.test.ts holds the fake to them without pcscd. */
const TRANSCRIPTS = new URL('../testing/fixtures/pcsc-transcripts.json', import.meta.url);
const recorded = JSON.parse(readFileSync(TRANSCRIPTS, 'utf8')) as Record<'smartcard' | 'pcsclite', string[]>;
/** `UPDATE_PCSC_TRANSCRIPTS=1` re-records them from the real bindings (review the diff). */
function checkRecorded(library: 'smartcard' | 'pcsclite', lines: string[]): void {
  if (process.env.UPDATE_PCSC_TRANSCRIPTS) {
    recorded[library] = lines;
    writeFileSync(TRANSCRIPTS, JSON.stringify(recorded, null, 1) + '\n');
  }
  expect(lines).toEqual(recorded[library]);
}
const availability = await preparePcscd();
const inCi = process.env.CI === 'true';

/** The card both sides get: the demo card over T=0, so that 61xx / 6Cxx and GET RESPONSE show. */
const card = () => createDemoCard({ protocol: 'T=0' });

async function onRealStack(port: number, reader: string, run: (rig: Rig) => Promise<string[]>): Promise<string[]> {
  const bridge = new VpcdBridge(card(), { port, removed: true, backoff: { initialMs: 50, maxMs: 500 } });
  bridge.start();
  try {
    return await run({ reader, insert: () => bridge.insert(), remove: () => bridge.remove() });
  } finally {
    await bridge.stop();
  }
}

function onFake(readers: string[], reader: string, run: (pcscd: FakePcscd, rig: Rig) => Promise<string[]>): Promise<string[]> {
  const pcscd = new FakePcscd({ readers });
  const inserted = card();
  return run(pcscd, { reader, insert: () => pcscd.insert(inserted, reader), remove: async () => pcscd.remove(reader) });
}

if (!availability.ok) {
  if (inCi) {
    describe('PC/SC fakes against the real bindings', () => {
      it('needs pcscd with vpcd under CI', () => { throw new Error(`pcscd is required under CI: ${availability.reason}`); });
    });
  } else {
    describe.skip(`PC/SC fakes against the real bindings (skipped: ${availability.reason})`, () => {
      it('runs against a real pcscd', () => {});
    });
  }
} else {
  const env = availability.env;
  describe(`PC/SC fakes against the real bindings on '${env.readerName}'`, () => {
    it('smartcard: the fake gives the transcript of the real binding on pcscd + vpcd', async () => {
      const real = require('smartcard') as SmartcardFake;
      const realLines = await onRealStack(env.port, env.readerName, (rig) => smartcardScenario(real, rig));
      const readers = new real.Context().listReaders().map((r) => r.name);
      const fakeLines = await onFake(readers, env.readerName, (pcscd, rig) => smartcardScenario(createSmartcardFake(pcscd), rig));
      expect(fakeLines).toEqual(realLines);
      checkRecorded('smartcard', realLines);
    }, 60_000);

    it('pcsclite: the fake gives the transcript of the real binding on pcscd + vpcd', async () => {
      const real = require('pcsclite') as () => FakePCSCLite;
      const readers = (require('smartcard') as SmartcardFake);
      const names = new readers.Context().listReaders().map((r) => r.name);
      const realLines = await onRealStack(env.port, env.readerName, (rig) => pcscliteScenario(real, rig));
      const fakeLines = await onFake(names, env.readerName, (pcscd, rig) => pcscliteScenario(createPcscliteFake(pcscd), rig));
      expect(fakeLines).toEqual(realLines);
      checkRecorded('pcsclite', realLines);
    }, 60_000);
  });
}
