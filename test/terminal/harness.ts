/**
 * Test harness for the kernel: an environment around an emulated card (or
 * any CardTransport), a terminal profile with deltas, a scripted cardholder
 * and host, fixed clock and seeded randomness.
 */
import { join } from 'node:path';
import { type Bytes, fromHex, toHex } from '../../src/apdu/bytes.js';
import { encodeTlv } from '../../src/apdu/tlv.js';
import type { CardTransport } from '../../src/apdu/transport.js';
import { createCard, type EmulatedCard } from '../../src/card/index.js';
import { capksForTerminal } from '../../src/terminal/capk-lookup.js';
import { ScriptedCardholder, type ScriptedCardholderOptions } from '../../src/terminal/cardholder.js';
import type { SupportedApplication, TerminalConfig } from '../../src/terminal/config.js';
import { loadTerminalProfile, projectRoot } from '../../src/terminal/config-loader.js';
import { type KernelEnvironment, type TransactionRequest, fixedClock, memoryTransactionLog, seededRandom } from '../../src/terminal/environment.js';
import type { AuthorisationHost } from '../../src/terminal/host.js';
import { runTransaction } from '../../src/terminal/kernel.js';
import { loadLiabilityTable } from '../../src/terminal/liability-file.js';
import type { TransactionOutcome } from '../../src/terminal/outcome.js';
import { ScriptedHost, scriptedHostFor, type ScriptedHostOptions } from '../../src/testing/index.js';

export const NOW = new Date('2026-06-15T10:30:00Z');
export const liabilityRules = loadLiabilityTable(join(projectRoot(), 'scripts', 'liability', 'default.yaml')).rules;

const profileCache = new Map<string, TerminalConfig>();
export function terminal(name = 'eu-pos-pin', delta: Partial<TerminalConfig> = {}, appDelta: Partial<SupportedApplication> = {}): TerminalConfig {
  let base = profileCache.get(name);
  if (!base) {
    base = loadTerminalProfile(name);
    profileCache.set(name, base);
  }
  const cfg = structuredClone(base);
  Object.assign(cfg, delta);
  if (Object.keys(appDelta).length > 0) cfg.applications = cfg.applications.map((a) => ({ ...a, ...appDelta }));
  return cfg;
}

export function card(profile = 'visa-cvn18', overrides?: Record<string, unknown>, seed: string | number = 'test'): EmulatedCard {
  return createCard({ profile, ...(overrides ? { overrides } : {}), seed });
}

export function hostFor(c: EmulatedCard, options: Partial<ScriptedHostOptions> = {}): ScriptedHost {
  return scriptedHostFor(c, options);
}

export interface RunOptions {
  transport: CardTransport;
  config?: TerminalConfig;
  host?: AuthorisationHost;
  cardholder?: ScriptedCardholderOptions;
  request?: Partial<TransactionRequest>;
  seed?: number;
  now?: Date;
  log?: ReturnType<typeof memoryTransactionLog>;
  /** The terminal's STAN counter (ISO 8583 field 11); give one shared counter to runs against one persistent host. */
  stan?: () => string;
}

export async function run(o: RunOptions): Promise<{ outcome: TransactionOutcome; cardholder: ScriptedCardholder; env: KernelEnvironment }> {
  const config = o.config ?? terminal();
  const cardholder = new ScriptedCardholder(o.cardholder ?? { pins: ['1234'] });
  const env: KernelEnvironment = {
    transport: o.transport,
    config,
    cardholder,
    host: o.host ?? new ScriptedHost({ mode: 'approve' }),
    clock: fixedClock(o.now ?? NOW),
    random: seededRandom(o.seed ?? 99),
    capks: capksForTerminal(config),
    transactionLog: o.log ?? memoryTransactionLog(),
    liabilityRules,
    ...(o.stan ? { stan: o.stan } : {}),
  };
  const outcome = await runTransaction(env, { amountMinor: 1234, transactionType: 'goods', ...o.request });
  return { outcome, cardholder, env };
}

/** TVR byte/mask check helper: true when all named bits are set. */
export function tvrHas(tvrHex: string, byte: number, mask: number): boolean {
  return (parseInt(tvrHex.slice((byte - 1) * 2, byte * 2), 16) & mask) !== 0;
}

/** The one record of the minimal scripted cards: PAN, expiry, CDOL1 = amount + UN, CDOL2 = ARC + UN (no ODA, no CVM data). */
export function minimalCardRecord(): Bytes {
  return encodeTlv('70', [
    { tag: '5A', value: fromHex('4761739001010010') },
    { tag: '5F24', value: fromHex('291231') },
    { tag: '8C', value: fromHex('9F02069F3704') },
    { tag: '8D', value: fromHex('8A029F3704') },
  ]);
}

/** A T=1 card (ATR 3B00) that answers each command with `respond`, logging every command in hex. */
export function scriptedTransport(name: string, respond: (command: Bytes) => Bytes): CardTransport & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    name,
    protocol: 'T=1',
    coldReset: async () => fromHex('3B00'),
    warmReset: async () => fromHex('3B00'),
    close: async () => {},
    async transmit(c: Bytes) {
      log.push(toHex(c));
      return respond(c);
    },
  };
}
