/**
 * The real stack: our PC/SC driver -> pcscd -> vpcd -> our vpcd bridge -> the
 * emulated card. Proves that a full EMV transaction through pcscd has the
 * outcome it has in-process, that programs we did not write (opensc-tool,
 * scriptor) read our card byte for byte, that a card pulled mid-transaction
 * ends in a clear "terminated", and that the driver survives a pcscd restart.
 *
 * Under CI (CI=true) a missing pcscd fails the suite, and so does a pcscd we
 * may not restart; elsewhere they are skipped with a one-line reason. `.ci/run`
 * starts pcscd itself and names its pid in EMVSIM_PCSCD_PIDFILE: the restart
 * test then replaces it and writes the new pid there (src/reader/pcscd-daemon.ts).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex, type Bytes } from '../../src/apdu/bytes.js';
import type { CardTransport } from '../../src/apdu/transport.js';
import { createDemoCard } from '../../src/card/index.js';
import { openPcscReader, type PcscTransport } from '../../src/reader/pcsc-transport.js';
import { watchReaders, type ReaderWatch } from '../../src/reader/pcsc-watch.js';
import type { ReaderEvent } from '../../src/reader/reader-events.js';
import { VpcdBridge } from '../../src/reader/vpcd-bridge.js';
import { runPurchase } from '../../bench/reader-purchase.js';
import { preparePcscd, type PcscdEnvironment } from '../../src/reader/pcscd-daemon.js';
import { fakesAgainstRealBindings } from './pcsc-fakes-compare.js';

const run = promisify(execFile);
/** Runs a PC/SC tool without blocking our event loop: the card it talks to lives in this process. */
const tool = async (file: string, args: string[], input?: string): Promise<string> => {
  const child = run(file, args, { encoding: 'utf8', timeout: 15_000 });
  if (input !== undefined) { child.child.stdin?.write(input); child.child.stdin?.end(); }
  return (await child).stdout;
};

const availability = await preparePcscd();
const inCi = process.env.CI === 'true';

if (!availability.ok) {
  if (inCi) {
    describe('PC/SC integration', () => {
      it('needs pcscd with vpcd under CI', () => {
        throw new Error(`pcscd is required under CI: ${availability.reason}`);
      });
    });
  } else {
    describe.skip(`PC/SC integration (skipped: ${availability.reason})`, () => {
      it('runs against a real pcscd', () => {});
    });
  }
} else {
  const env: PcscdEnvironment = availability.env;
  const SELECT_PSE = '00A404000E315041592E5359532E4444463031';
  const READ_PSE_RECORD = '00B2010C00';
  const SELECT_VISA = '00A4040007A0000000031010';

  const whose = { suite: `our pcscd, pid ${env.pid}`, pidfile: `the pcscd in ${process.env.EMVSIM_PCSCD_PIDFILE}, pid ${env.pid}`, foreign: 'an already running pcscd' }[env.manager];
  describe(`PC/SC integration on '${env.readerName}' (${whose})`, () => {
    let watch: ReaderWatch;
    const events: ReaderEvent[] = [];
    const bridges: VpcdBridge[] = [];
    const transports: CardTransport[] = [];

    /** Puts `card` into our vpcd slot (removing the previous one) and waits until pcscd reports it. */
    const ours = (type: ReaderEvent['type']) => (e: ReaderEvent) => e.type === type && 'reader' in e && e.reader === env.readerName;
    /** Our vpcd slot empty: the previous card out, the handles on it closed. */
    const emptySlot = async (): Promise<void> => {
      const present = watch.readers.get(env.readerName)?.presence === 'present';
      const mark = watch.seq;
      for (const t of transports.splice(0)) await t.close();
      for (const b of bridges.splice(0)) await b.stop();
      if (present) await watch.waitFor(ours('card-removed'), 10_000, mark);
    };
    const plug = async (card: CardTransport): Promise<VpcdBridge> => {
      await emptySlot();
      const mark = watch.seq;
      const bridge = new VpcdBridge(card, { port: env.port, backoff: { initialMs: 50, maxMs: 500 } });
      bridges.push(bridge);
      bridge.start();
      await bridge.insert();
      await watch.waitFor(ours('card-inserted'), 10_000, mark);
      return bridge;
    };
    const open = async (): Promise<PcscTransport> => {
      const t = await openPcscReader(env.readerName, { waitMs: 5000 });
      transports.push(t);
      return t;
    };

    beforeAll(async () => {
      watch = await watchReaders((e) => events.push(e), { pollMs: 500 });
    });

    afterAll(async () => {
      for (const t of transports) await t.close();
      for (const b of bridges) await b.stop();
      await watch?.stop();
      await env.stop();
    });

    it('a complete EMV purchase with PIN and online authorisation has the in-process outcome', async () => {
      const inProcess = await runPurchase(createDemoCard());
      await plug(createDemoCard());
      const viaPcsc = await runPurchase(await open());
      const summary = (o: typeof inProcess.outcome) => ({
        outcome: o.outcome, reason: o.reason, cryptogram: o.cryptogram, arc: o.authorisationResponseCode,
        tvr: o.tvr, tsi: o.tsi, cvmResults: o.cvmResults, pan: o.pan,
      });
      expect(inProcess.outcome.outcome).toBe('approved');
      expect(summary(viaPcsc.outcome)).toEqual(summary(inProcess.outcome));
      expect(viaPcsc.outcome.cvmResults.slice(0, 2)).toBe('41'); // plaintext PIN verified by ICC (Book 3 Annex C3), apply next if unsuccessful
      expect(viaPcsc.prompts).toHaveLength(1);
      // Every command and response, byte for byte (the ATR differs only in who reported it).
      const exchanges = (o: typeof inProcess.outcome) =>
        o.trace.flatMap((r) => (r.type === 'apdu' ? [`${r.command} -> ${r.response}${r.sw}`] : []));
      expect(exchanges(viaPcsc.outcome)).toEqual(exchanges(inProcess.outcome));
    });

    it('`emvsim transact --reader` on the vpcd reader: the CLI approves the card through pcscd, issuer liable', async () => {
      await plug(createDemoCard());
      // The CLI runs as its own process, as a user runs it; the card answers from this process through vpcd.
      const root = resolve(import.meta.dirname, '..', '..');
      const { stdout } = await run(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), 'transact', '--reader', env.readerName, '--amount', '12.34', '--pin', '1234', '--json'], {
        cwd: root, encoding: 'utf8', timeout: 30_000,
      });
      const outcome = JSON.parse(stdout) as { outcome: string; cvmResults: string; liability: { party: string; rule: string }; trace: { command?: string }[] };
      expect(outcome.outcome).toBe('approved');
      expect(outcome.liability).toMatchObject({ party: 'issuer', rule: 'chip-and-pin' });
      expect(outcome.cvmResults).toBe('410302'); // vpcd has no PIN pad: --pin, offline plaintext PIN verified by the ICC (Book 3 Annex C3)
      expect(outcome.trace.filter((r) => r.command?.startsWith('00200080'))).toHaveLength(1);
    });

    it('opensc-tool and scriptor read our card byte for byte as the in-process card answers', async () => {
      const twin = createDemoCard();
      await twin.coldReset();
      const expected: Record<string, string> = {};
      for (const c of [SELECT_PSE, READ_PSE_RECORD, SELECT_VISA]) expected[c] = toHex(await twin.transmit(fromHex(c)));
      await plug(createDemoCard());

      const opensc = await tool('opensc-tool', ['-r', env.readerName, '-s', SELECT_PSE, '-s', READ_PSE_RECORD]);
      expect(parseOpenscTool(opensc)).toEqual([expected[SELECT_PSE], expected[READ_PSE_RECORD]]);

      const scriptor = await tool('scriptor', ['-r', env.readerName], `${SELECT_PSE}\n${READ_PSE_RECORD}\n${SELECT_VISA}\n`);
      expect(parseScriptor(scriptor)).toEqual([expected[SELECT_PSE], expected[READ_PSE_RECORD], expected[SELECT_VISA]]);
      expect(expected[SELECT_PSE]).toMatch(/^6F.*9000$/);
    });

    it('a card removed mid-transaction: typed CARD_REMOVED, and the kernel ends "terminated" with the reason', async () => {
      const bridge = await plug(createDemoCard());
      const t = await open();
      expect(toHex(await t.transmit(fromHex(SELECT_PSE)))).toMatch(/9000$/);
      let mark = watch.seq;
      await bridge.remove();
      await watch.waitFor(ours('card-removed'), 10_000, mark);
      await expect(t.transmit(fromHex(READ_PSE_RECORD))).rejects.toMatchObject({
        code: 'CARD_REMOVED',
        message: `card removed from '${env.readerName}' during transmit 00B2010C`,
      });

      // Through the kernel: pull the card right after GET PROCESSING OPTIONS.
      const bridge2 = await plug(createDemoCard());
      const pcsc = await open();
      const pulling: CardTransport = {
        get name() { return pcsc.name; },
        get protocol() { return pcsc.protocol; },
        coldReset: () => pcsc.coldReset(),
        warmReset: () => pcsc.warmReset(),
        close: () => pcsc.close(),
        async transmit(command: Bytes) {
          const response = await pcsc.transmit(command);
          if (command[1] === 0xa8) {
            mark = watch.seq;
            await bridge2.remove();
            await watch.waitFor(ours('card-removed'), 10_000, mark);
          }
          return response;
        },
      };
      const { outcome } = await runPurchase(pulling);
      expect(outcome.outcome).toBe('terminated');
      expect(outcome.reason).toMatch(/card removed/);
    });

    // The PC/SC fakes and the example app against the real bindings (test/reader/pcsc-fakes-compare.ts).
    fakesAgainstRealBindings(env, emptySlot);

    const restartTest = 'survives a pcscd restart: events, a new context, and the next command works';
    if (env.restartBlocker !== undefined && !inCi) it.skip(`${restartTest} (skipped: ${env.restartBlocker})`, () => {});
    else it(restartTest, async () => {
      if (env.restartBlocker !== undefined) throw new Error(`CI must prove the pcscd restart: ${env.restartBlocker}`);
      const bridge = await plug(createDemoCard());
      const t = await open();
      expect(toHex(await t.transmit(fromHex(SELECT_PSE)))).toMatch(/9000$/);
      const mark = events.length;
      const seq = watch.seq;
      const oldPid = env.pid;
      await env.restart();
      expect(env.pid).not.toBe(oldPid);
      // .ci/run's EXIT trap stops whatever pid the pidfile holds then: it must name the new pcscd.
      if (env.manager === 'pidfile') expect(Number(readFileSync(process.env.EMVSIM_PCSCD_PIDFILE!, 'utf8'))).toBe(env.pid);
      await bridge.insert(15_000); // the bridge reconnects to the new vpcd with back-off
      await watch.waitFor(ours('card-inserted'), 15_000, seq);
      // The old handle is dead: the first command may fail with NO_SERVICE, the next one reconnects.
      let answer: Bytes;
      try {
        answer = await t.transmit(fromHex(SELECT_PSE));
      } catch (err) {
        expect((err as { code: string }).code).toMatch(/NO_SERVICE|CARD_REMOVED|NO_CARD|CARD_RESET/);
        answer = await t.transmit(fromHex(SELECT_PSE));
      }
      expect(toHex(answer)).toMatch(/^6F.*9000$/);
      const types = events.slice(mark).map((e) => e.type);
      expect(types).toContain('card-inserted');
      expect(types.some((x) => x === 'service-down' || x === 'card-removed')).toBe(true);
    });
  });
}

/** opensc-tool -s prints "Received (SW1=0x90, SW2=0x00):" then 16 hex bytes per line, padded to 48 columns, then ASCII. */
function parseOpenscTool(output: string): string[] {
  const answers: string[] = [];
  const blocks = output.split(/^Sending: .*$/m).slice(1);
  for (const block of blocks) {
    const m = /Received \(SW1=0x([0-9A-F]{2}), SW2=0x([0-9A-F]{2})\)/i.exec(block);
    if (!m) continue;
    const data = block
      .slice(m.index + m[0].length)
      .split('\n')
      .filter((l) => /^[0-9A-F]{2} /.test(l))
      .map((l) => l.slice(0, 48).replace(/\s+/g, ''))
      .join('');
    answers.push((data + m[1] + m[2]).toUpperCase());
  }
  return answers;
}

/** scriptor prints "< 6F 1A ... 90 00 : Normal processing." over several lines per answer. */
function parseScriptor(output: string): string[] {
  return [...output.matchAll(/^< ([\s0-9A-F]+?) :/gm)].map((m) => m[1]!.replace(/\s+/g, '').toUpperCase());
}
