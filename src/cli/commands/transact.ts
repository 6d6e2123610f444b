/**
 * `emvsim transact`: one EMV transaction between the terminal kernel
 * (src/terminal) and a card (the embedded demo card, a shipped profile, a
 * card file whose state persists, or a real card in a PC/SC reader with
 * --reader). The CLI is the one place where card and terminal meet. Steps
 * print as they happen; --json prints the outcome object.
 *
 * With --reader the card's keys are unknown, so the in-process issuer host
 * authorises (it enrols cards of the shipped BINs); when the reader has a PIN
 * pad (PC/SC Part 10 FEATURE_VERIFY_PIN_DIRECT) the offline plaintext PIN is
 * entered on it and never passes through this process.
 *
 * With --host HOST:PORT the issuer is a separate `emvsim host --listen` over
 * ISO 8583 (Iso8583HostClient; --mac-key for the ANSI X9.19 MAC): a host that
 * cannot be reached takes the kernel's "unable to go online" path (Book 3
 * §10.9, ARC Y3/Z3 from the default action codes).
 */
import type { CommandModule } from 'yargs';
import { DocumentError } from '../../apdu/errors.js';
import type { CardTransport } from '../../apdu/transport.js';
import type { SecurePinEntry } from '../../terminal/environment.js';
import type { AuthorisationHost } from '../../terminal/host.js';
import type { TransactionOutcome } from '../../terminal/outcome.js';
import { openTransport, type TransportChoice } from '../transport-option.js';
import { EXIT } from '../exit.js';
import { paintVerdicts } from '../output.js';

/** stdout, with APPROVED/DECLINED coloured on a terminal (off with NO_COLOR). */
export function printVerdictLine(line: string): void {
  process.stdout.write(paintVerdicts(line) + '\n');
}

export interface TransactOptions {
  /** A PC/SC reader (name or a unique part of it): the real card in it. */
  reader?: string;
  card?: string;
  profile?: string;
  terminal: string;
  amount: string;
  currency?: string;
  type: 'goods' | 'services' | 'cash' | 'cashback';
  cashback?: string;
  /** Scripted PIN entries (--pin); none: --pin-stdin, EMVSIM_PIN or the masked prompt (pin-entry.ts). */
  pin: string[];
  /** Read the PIN entries from stdin, one per line. */
  pinStdin?: boolean;
  online?: 'approve' | 'decline' | 'unreachable';
  /** An issuer host over ISO 8583, HOST:PORT (`emvsim host --listen`). */
  host?: string;
  /** Terminal MAC key (32 hex digits, ANSI X9.19) for --host, as given to `emvsim host --mac-key TERMINAL=KEY`. */
  macKey?: string;
  /** Time to wait for each host answer before retransmitting, ms (default 5,000). */
  hostTimeoutMs?: number;
  json: boolean;
  seed: number;
  trace: boolean;
  forceOnline: boolean;
}


/** What authorisationHost needs of an emulated card: its profile's cryptogram settings and its secrets. */
type EmulatedCardLike = ReturnType<typeof import('../../card/index.js').createDemoCard>;

/** What runTransact opens readers with; tests give a PC/SC transport over a fake binding. */
export interface TransactDependencies {
  openTransport?: (choice: TransportChoice) => Promise<CardTransport>;
}

/** --reader excludes an emulated card, and a scripted host that needs the card's keys. */
function checkReaderOptions(o: TransactOptions): void {
  if (o.reader === undefined) return;
  if (o.card !== undefined || o.profile !== undefined) {
    throw new DocumentError(`--reader uses the card in the reader; give --reader or ${o.card !== undefined ? '--card' : '--profile'}, not both`, { field: '--reader' });
  }
  if (o.online !== undefined) {
    throw new DocumentError(
      `--online ${o.online} scripts the issuer with the card's own master keys, which only an emulated card (demo, --card, --profile) gives; ` +
        'with --reader leave out --online: the in-process issuer host authorises',
      { field: '--online' },
    );
  }
}

/** --host excludes a scripted host; --mac-key needs --host. */
function checkHostOptions(o: TransactOptions): void {
  if (o.host !== undefined && o.online !== undefined) {
    throw new DocumentError(`--online ${o.online} scripts the host; --host sends the request to a real one: give one of them`, { field: '--host' });
  }
  if (o.macKey !== undefined && o.host === undefined) throw new DocumentError('a MAC key is for the ISO 8583 link: give --host too', { field: '--mac-key' });
  if (o.macKey !== undefined && !/^[0-9A-Fa-f]{32}$/.test(o.macKey)) {
    throw new DocumentError(`'${o.macKey}' is not a 16-byte key (32 hex digits)`, { field: '--mac-key' });
  }
}

/** The authorisation host: ISO 8583 over TCP (--host), scripted (--online) or the in-process issuer. */
async function authorisationHost(o: TransactOptions, card: EmulatedCardLike | undefined): Promise<{ host: AuthorisationHost; describe: string; close: () => void }> {
  if (o.host !== undefined) {
    const { Iso8583HostClient, parseHostAddress } = await import('../../issuer/index.js');
    const { fromHex } = await import('../../apdu/bytes.js');
    let address: { host: string; port: number };
    try {
      address = parseHostAddress(o.host);
    } catch (err) {
      throw new DocumentError(err instanceof Error ? err.message : String(err), { field: '--host' });
    }
    const client = new Iso8583HostClient({
      ...address,
      timeoutMs: o.hostTimeoutMs ?? 5000,
      retries: 1,
      ...(o.macKey ? { macKey: fromHex(o.macKey) } : {}),
    });
    return { host: client, describe: `ISO 8583 to ${address.host}:${address.port}${o.macKey ? ' (MAC ANSI X9.19)' : ''}`, close: () => client.close() };
  }
  // checkReaderOptions: --online comes with an emulated card only.
  if (o.online && card) {
    const { scriptedHostFor } = await import('../../testing/index.js');
    return { host: scriptedHostFor(card, { mode: o.online }), describe: `scripted (${o.online})`, close: () => undefined };
  }
  const { createInProcessHost } = await import('../../issuer/index.js');
  const host = createInProcessHost();
  return { host, describe: 'in-process issuer', close: () => host.db.close() };
}

/**
 * A PC/SC reader's PIN pad (Part 10 FEATURE_VERIFY_PIN_DIRECT), when the
 * transport is a PC/SC reader that has one; vpcd and plain readers have none.
 */
async function findSecurePinPad(transport: CardTransport): Promise<SecurePinEntry | undefined> {
  const { PcscTransport } = await import('../../reader/pcsc-transport.js');
  if (!(transport instanceof PcscTransport)) return undefined;
  const { discoverSecurePinPad } = await import('../../reader/part10.js');
  return discoverSecurePinPad(transport);
}

/** Runs a transaction and prints it; returns the outcome (the demo uses it too). */
export async function runTransact(o: TransactOptions, print: (line: string) => void, deps: TransactDependencies = {}): Promise<TransactionOutcome> {
  if (!Number.isSafeInteger(o.seed)) throw new DocumentError(`'${o.seed}' is not an integer seed`, { field: '--seed' });
  if (o.hostTimeoutMs !== undefined && !(o.hostTimeoutMs > 0)) throw new DocumentError(`'${o.hostTimeoutMs}' is not a positive number of milliseconds`, { field: '--host-timeout' });
  checkReaderOptions(o);
  checkHostOptions(o);
  const { createCard, createDemoCard, loadCard, lockCardFile } = await import('../../card/index.js');
  const { createTerminal, loadTerminalProfile, seededRandom, eventPrinter, formatOutcome } = await import('../../terminal/index.js');
  const { currencyOf, parseAmount, MAX_AMOUNT_MINOR } = await import('../../apdu/amount.js');
  const { CliCardholder, scriptedPins } = await import('../pin-entry.js');

  const config = loadTerminalProfile(o.terminal);
  const currencyInfo = o.currency ? currencyOf(o.currency) : currencyOf(config.currencyCode, 'terminal currencyCode');
  const amountOptions = { exponent: currencyInfo.exponent, currency: currencyInfo.alpha };
  const amountMinor = parseAmount(o.amount, { ...amountOptions, field: '--amount' });
  const cashbackMinor = o.cashback ? parseAmount(o.cashback, { ...amountOptions, field: '--cashback' }) : 0;
  if (amountMinor + cashbackMinor > MAX_AMOUNT_MINOR) throw new DocumentError(`amount and cashback together are too large (n12, Book 3 Annex A)`, { field: '--cashback' });
  const pins = await scriptedPins({ pins: o.pin, ...(o.pinStdin ? { pinStdin: true } : {}) });

  const printEvents = !o.json;
  let card: ReturnType<typeof createDemoCard> | undefined;
  let transport: CardTransport;
  let securePinPad: SecurePinEntry | undefined;
  let releaseCard: (() => void) | undefined;
  if (o.reader !== undefined) {
    transport = await (deps.openTransport ?? openTransport)({ reader: o.reader });
    try {
      securePinPad = await findSecurePinPad(transport);
    } catch (err) {
      await transport.close();
      throw err;
    }
    if (printEvents) {
      print(`Card: ${transport.name}`);
      print(`PIN entry: ${securePinPad ? "reader's PIN pad" : '--pin / prompt'}`);
    }
  } else {
    // A shipped profile's card is the one issued with seed = profile name: the card the issuer
    // host was seeded with (src/issuer/shipped-cards.ts), so `emvsim host` knows its PAN and state.
    // The card file stays locked until the state is written back: no other process reads a stale ATC.
    if (o.card) releaseCard = lockCardFile(o.card);
    card = o.card ? loadCard(o.card) : o.profile ? createCard({ profile: o.profile, seed: o.profile }) : createDemoCard();
    transport = card;
  }
  const issuer = await authorisationHost(o, card);
  if (printEvents && o.host !== undefined) print(`Host: ${issuer.describe}`);
  const host = issuer.host;
  const cardholder = new CliCardholder(pins.pins, printEvents ? { onMessage: (m: string) => print(`    [PIN pad] ${m}`) } : {});
  const seedClock = Date.now();
  const emulated = card;
  const terminal = createTerminal({
    profile: config,
    host,
    cardholder,
    clock: new Date(seedClock),
    random: seededRandom(o.seed),
    // An emulated card's magnetic stripe, for fallback: track 2 = PAN D YYMM service code discretionary data.
    ...(emulated
      ? { magstripe: { swipe: async () => ({ track2: `${emulated.secrets.pan}D${emulated.engine.profile.expiry.slice(0, 4)}${emulated.engine.profile.serviceCode}0000000000` }) } }
      : {}),
    ...(securePinPad ? { securePinPad } : {}),
    // ISO 8583 field 11: a seeded run repeats its unpredictable number, so the STAN comes from the wall
    // clock (ms, cycling every 16m40s): a later run against the same `emvsim host` is a new message, not a
    // retransmission that the host would answer from its ledger.
    stan: () => String(seedClock % 1_000_000).padStart(6, '0'),
    ...(printEvents ? { log: eventPrinter(print) } : {}),
  });
  const outcome = await terminal
    .transact(transport, {
      amount: amountMinor + cashbackMinor,
      ...(cashbackMinor ? { otherAmount: cashbackMinor } : {}),
      type: cashbackMinor ? 'cashback' : o.type,
      currency: currencyInfo.numeric,
      forceOnline: o.forceOnline,
    })
    .finally(async () => {
      issuer.close();
      await transport.close();
    });
  try {
    if (o.card && card) card.save();
  } finally {
    releaseCard?.();
  }
  // No PIN source was left for a prompt: the user's input, not a card outcome.
  if (cardholder.missingPin) throw cardholder.missingPin;
  if (o.json) {
    print(JSON.stringify(outcome, null, 2));
  } else {
    formatOutcome(outcome, currencyInfo.alpha).forEach(print);
    if (o.trace) {
      const { formatTrace } = await import('../../apdu/index.js');
      print('');
      print(formatTrace(outcome.trace));
    }
  }
  // A defect in the kernel is not an outcome (GUIDE): report it as the internal error it is.
  if (outcome.error) throw Object.assign(new Error(`kernel defect: ${outcome.error.message}`), { stack: outcome.error.stack });
  return outcome;
}

export const transactCommand: CommandModule = {
  command: 'transact',
  describe: 'Run one EMV transaction (kernel + card): every step, the decisions with the TVR bits behind them, the outcome and liability',
  builder: (y) =>
    y
      .option('reader', { type: 'string', describe: "the real card in this PC/SC reader (name or a unique part of it; see `emvsim readers`); its PIN pad is used when it has one" })
      .option('card', { type: 'string', describe: 'card file (state persists across runs); default: the embedded demo card' })
      .option('profile', { type: 'string', describe: 'a fresh card from a shipped card profile (scripts/cards/NAME.yaml)' })
      .option('terminal', { type: 'string', default: 'eu-pos-pin', describe: 'terminal profile (scripts/terminals/NAME.yaml) or path' })
      .option('amount', { type: 'string', demandOption: true, describe: 'amount in major units of the currency (ISO 4217 exponent): 12.34 EUR, 150 JPY, 1.234 BHD' })
      .option('currency', { type: 'string', describe: 'ISO 4217 alpha or numeric (default: the terminal currency)' })
      .option('type', { choices: ['goods', 'services', 'cash', 'cashback'] as const, default: 'goods' as const, describe: 'transaction type' })
      .option('cashback', { type: 'string', describe: 'cashback amount (purchase with cashback)' })
      .option('pin', { type: 'string', array: true, default: [] as string[], describe: "PIN entries in order, 4-12 digits ('bypass' to bypass, 'fail' for a PIN pad failure); repeat for re-prompts. Without it: --pin-stdin, EMVSIM_PIN, else a masked prompt on a terminal" })
      .option('pin-stdin', { type: 'boolean', default: false, describe: 'read the PIN entries from stdin, one per line (scripts: keeps the PIN out of the shell history)' })
      .option('online', { choices: ['approve', 'decline', 'unreachable'] as const, describe: 'scripted host instead of the in-process issuer' })
      .option('host', { type: 'string', describe: 'issuer host over ISO 8583, HOST:PORT (`emvsim host --listen`) instead of the in-process issuer' })
      .option('mac-key', { type: 'string', describe: 'terminal MAC key for --host, 32 hex digits (ANSI X9.19, field 64/128; the host has it as --mac-key TERMINALID=KEY)' })
      .option('host-timeout', { type: 'number', default: 5000, describe: 'ms to wait for each host answer before retransmitting (--host)' })
      .option('force-online', { type: 'boolean', default: false, describe: 'merchant forces the transaction online' })
      .option('json', { type: 'boolean', default: false, describe: 'print the outcome object as JSON' })
      .option('trace', { type: 'boolean', default: false, describe: 'print the APDU trace (PIN masked)' })
      .option('seed', { type: 'number', default: 1, describe: 'seed for the unpredictable number and random selection' })
      .conflicts('card', 'profile')
      .conflicts('reader', ['card', 'profile'])
      .conflicts('host', 'online')
      .epilogue('Exit: 0 approved, 1 declined or terminated, 2 bad input, 3 environment (card file locked, host port, reader). PIN: --pin, --pin-stdin, EMVSIM_PIN, or a masked prompt on a terminal (empty entry bypasses).')
      .example('$0 transact --amount 12.34 --pin 1234', 'demo card, EU POS, in-process issuer')
      .example("$0 transact --reader 'Virtual PCD 00 00' --amount 12.34 --pin 1234", 'the card in a PC/SC reader, in-process issuer')
      .example('$0 transact --profile pin-blocked --amount 12.34 --pin 1234 --host 127.0.0.1:8583', 'online PIN to `emvsim host --listen 127.0.0.1:8583`')
      .example('$0 transact --profile mastercard-cda --amount 80 --pin 1111 --pin 1234 --online approve', 'wrong PIN then the right one, CDA'),
  handler: async (argv) => {
    const outcome = await runTransact(
      {
        ...(argv.reader !== undefined ? { reader: String(argv.reader) } : {}),
        ...(argv.card ? { card: String(argv.card) } : {}),
        ...(argv.profile ? { profile: String(argv.profile) } : {}),
        terminal: String(argv.terminal),
        amount: String(argv.amount),
        ...(argv.currency ? { currency: String(argv.currency) } : {}),
        type: argv.type as TransactOptions['type'],
        ...(argv.cashback ? { cashback: String(argv.cashback) } : {}),
        pin: (argv.pin as string[]).map(String),
        pinStdin: Boolean(argv['pin-stdin']),
        ...(argv.online ? { online: argv.online as TransactOptions['online'] } : {}),
        ...(argv.host !== undefined ? { host: String(argv.host) } : {}),
        ...(argv['mac-key'] !== undefined ? { macKey: String(argv['mac-key']) } : {}),
        hostTimeoutMs: Number(argv['host-timeout']),
        json: Boolean(argv.json),
        seed: Number(argv.seed),
        trace: Boolean(argv.trace),
        forceOnline: Boolean(argv['force-online']),
      },
      printVerdictLine,
    );
    // The contract (exit.ts): a declined or terminated transaction is a negative result.
    if (outcome.outcome !== 'approved') process.exitCode = EXIT.negative;
  },
};
