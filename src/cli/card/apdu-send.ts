/**
 * `emvsim apdu send [--card FILE | --reader NAME] <hex..>` (also reachable as
 * `emvsim apdu --card FILE <hex..>`, see commands/apdu.ts): send raw command
 * APDUs (one per argument) to a card and print the decoded trace. With an
 * emulated card file the card's new state is written back to the file.
 * By default the T=0/T=1 exchange rules apply (61xx -> GET RESPONSE, 6Cxx ->
 * repeat with Le, Book 1 §9.3); --raw sends each APDU exactly as given.
 */
import type { Argv, CommandModule } from 'yargs';
import { EmvsimError } from '../../apdu/errors.js';
import { withTransportOptions } from '../transport-option.js';

export interface SendArgs {
  hex: string[];
  card: string | undefined;
  reader: string | undefined;
  raw: boolean;
  reset: boolean;
  json: boolean;
  contactless?: boolean;
}

/** A command-line APDU that does not parse: names which argument (1-based) and where in it. */
export class ApduArgumentError extends EmvsimError {
  readonly index: number;
  constructor(index: number, cause: EmvsimError) {
    // "APDU: needs 4 header bytes ... at byte offset 1" -> "APDU #2: needs 4 header bytes ... at byte offset 1"
    super(cause.code, `APDU #${index}: ${cause.message.replace(/^APDU: /, '')}`);
    this.index = index;
  }
}

/**
 * The options of sending APDUs, shared by `apdu send` and the bare `apdu` form.
 * They are made local (not inherited): `apdu parse` must not accept --card.
 */
export function withSendOptions<T>(y: Argv<T>): Argv<T & Omit<SendArgs, 'hex'>> {
  const b = withTransportOptions(y)
    .option('raw', { type: 'boolean', default: false, describe: 'no T=0 exchange rules: send exactly these bytes' })
    .option('reset', { type: 'boolean', default: true, describe: 'cold reset first (--no-reset to skip)' })
    .option('json', { type: 'boolean', default: false, describe: 'print the trace as JSON lines' })
    .option('contactless', { type: 'boolean', default: false, describe: 'present the emulated card over its contactless interface (PPSE, T=1)' });
  // yargs' global(keys, false) makes options local; @types/yargs only declares the one-argument form.
  const local = b as unknown as { global(keys: string[], global: boolean): unknown };
  local.global(['card', 'reader', 'raw', 'reset', 'json', 'contactless'], false);
  return b as unknown as Argv<T & Omit<SendArgs, 'hex'>>;
}

/** Parses every argument before anything is sent: a typo in the third must not leave the first two half-done. */
export async function parseApduArguments(hex: readonly string[], raw: boolean): Promise<Uint8Array[]> {
  const { fromHex } = await import('../../apdu/bytes.js');
  const { decodeCommand } = await import('../../apdu/command.js');
  return hex.map((h, i) => {
    try {
      const bytes = fromHex(h);
      if (!raw) decodeCommand(bytes);
      return bytes;
    } catch (err) {
      if (err instanceof EmvsimError) throw new ApduArgumentError(i + 1, err);
      throw err;
    }
  });
}

/** Sends the APDUs of `argv.hex` and prints the decoded trace. */
export async function sendApdus(argv: SendArgs): Promise<void> {
  const { exchange } = await import('../../apdu/exchange.js');
  const { TracingTransport } = await import('../../apdu/trace.js');
  const { formatTrace } = await import('../../apdu/trace-format.js');
  const { openTransport } = await import('../transport-option.js');
  const commands = await parseApduArguments(argv.hex, argv.raw);
  const inner = await openTransport({ card: argv.card, reader: argv.reader, contactless: argv.contactless });
  const traced = new TracingTransport(inner);
  try {
    if (argv.reset) await traced.coldReset();
    for (const c of commands) {
      if (argv.raw) await traced.transmit(c);
      else await exchange(traced, c);
    }
  } finally {
    await traced.close();
  }
  process.stdout.write(argv.json ? traced.toJsonl() : formatTrace(traced.records) + '\n');
}

export const apduSendSubcommand: CommandModule<object, SendArgs> = {
  command: 'send <hex..>',
  describe: 'Send raw APDUs to a card (--card FILE, --reader NAME, or the demo card) and print the decoded trace',
  builder: (y: Argv) =>
    withSendOptions(y)
      .positional('hex', { type: 'string', array: true, demandOption: true, describe: 'command APDUs in hex, one per argument' })
      .example('$0 apdu send --card card.json 00A4040007A000000003101000 80CA9F3600', 'SELECT then GET DATA ATC')
      .example('$0 apdu send 00A4040007A000000003101000 0020008000', 'the demo card: SELECT, then VERIFY without data (6985: no GPO yet)') as unknown as Argv<SendArgs>,
  handler: (argv) => sendApdus(argv),
};
