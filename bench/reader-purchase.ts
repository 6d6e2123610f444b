/**
 * One complete EMV purchase through the kernel (PIN 1234, online to the
 * in-process issuer), with everything that could vary pinned down (clock,
 * random source, amount), so that the same card answers the same way whether
 * it is reached in-process or through pcscd and vpcd.
 */
import type { CardTransport } from '../src/apdu/transport.js';

export const PURCHASE = { amountMinor: 12_345, transactionType: 'goods' as const };

export async function runPurchase(transport: CardTransport) {
  const { createTerminal, ScriptedCardholder } = await import('../src/terminal/index.js');
  const { createInProcessHost } = await import('../src/issuer/index.js');
  const cardholder = new ScriptedCardholder({ pins: ['1234'] });
  const terminal = createTerminal({ profile: 'eu-pos-pin', host: createInProcessHost(), cardholder, clock: new Date('2025-06-01T10:00:00Z'), random: 7 });
  const outcome = await terminal.transact(transport, { amount: PURCHASE.amountMinor, type: PURCHASE.transactionType });
  return { outcome, prompts: cardholder.prompts };
}
