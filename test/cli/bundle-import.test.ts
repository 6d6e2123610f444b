/**
 * The CLI bundle is a script run with a code cache (bin/code-cache.js), where Node 20 gives no import()
 * of its own: a user's module (`lab run --terminal-module`, ESM) is imported through the bin's, and
 * still gets the lab's `smartcard` fake. Run without the code cache, then twice with it (written, used).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli } from './run-cli.js';

beforeAll(() => ensureBuilt());

describe("a user's ES module imported by the bundled CLI", () => {
  it('lab run --terminal-module with a smartcard terminal, first and second run', async () => {
    const args = ['lab', 'run', 'contact-terminal', '--in-process', '--terminal-module', 'examples/lab-terminal/smartcard-terminal.mjs', '--filter', 'sel-pse-first'];
    const runs: Record<string, string>[] = [{ EMVSIM_CODE_CACHE: '0' }, {}, {}];
    for (const env of runs) {
      const r = await runCli(args, { env });
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/^PASS +sel-pse-first /m);
      expect(r.code).toBe(0);
    }
  });
});
