/**
 * One complete EMV purchase through the kernel (PIN 1234, online to the
 * in-process issuer), with everything that could vary pinned down (clock,
 * random source, amount), so that the same card answers the same way whether
 * it is reached in-process or through pcscd and vpcd.
 */
import type { CardTransport } from '../src/apdu/transport.js';

export const PURCHASE = { amountMinor: 12_345, transactionType: 'goods' as const };

export async function runPurchase(transport: CardTransport) {
  const { runTransaction } = await import('../src/terminal/kernel.js');
  const { loadTerminalProfile } = await import('../src/terminal/config-loader.js');
  const { capksForTerminal } = await import('../src/terminal/capk-lookup.js');
  const { ScriptedCardholder } = await import('../src/terminal/cardholder.js');
  const { seededRandom } = await import('../src/terminal/environment.js');
  const { createInProcessHost } = await import('../src/issuer/index.js');
  const config = loadTerminalProfile('eu-pos-pin');
  const cardholder = new ScriptedCardholder({ pins: ['1234'] });
  const outcome = await runTransaction(
    {
      transport,
      config,
      cardholder,
      host: createInProcessHost(),
      clock: { now: () => new Date('2025-06-01T10:00:00Z') },
      random: seededRandom(7),
      capks: capksForTerminal(config),
    },
    PURCHASE,
  );
  return { outcome, prompts: cardholder.prompts };
}
