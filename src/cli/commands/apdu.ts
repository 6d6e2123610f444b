/**
 * `emvsim apdu <subcommand>`: APDU tools. Each subcommand is one entry of
 * APDU_SUBCOMMANDS; handlers import the APDU modules lazily so `emvsim --help`
 * stays fast. `emvsim apdu [--card F | --reader R] <hex..>` with no subcommand
 * name is `apdu send`: the short form of sending APDUs to a card.
 */
import type { Argv, CommandModule } from 'yargs';
import { type SendArgs, apduSendSubcommand, sendApdus, withSendOptions } from '../card/apdu-send.js';

interface ParseArgs {
  hex: string[];
  json: boolean;
  response: boolean;
}

/** Field-by-field description of a command APDU (ISO/IEC 7816-4 §5.1). */
export async function describeCommandApdu(hex: string): Promise<{ text: string; json: unknown }> {
  const { decodeCommand } = await import('../../apdu/command.js');
  const { fromHex, toHex } = await import('../../apdu/bytes.js');
  const { commandName, describeCommandParameters } = await import('../../apdu/command-names.js');
  const { formatDataLines, tryDecodeTlv } = await import('../../apdu/trace-format.js');
  const { maskCommandHex } = await import('../../apdu/trace.js');
  const { tlvToJson } = await import('../../apdu/pretty.js');
  const raw = fromHex(hex);
  const c = decodeCommand(raw);
  const name = commandName(c.cla, c.ins);
  const params = describeCommandParameters(c.cla, c.ins, c.p1, c.p2);
  const b = (v: number) => toHex(Uint8Array.of(v));
  // Secrets (a PIN in VERIFY) are masked here too, as in traces (trace.ts).
  const masked = maskCommandHex(raw);
  const secret = masked.masked;
  const tlv = secret ? undefined : tryDecodeTlv(c.data);
  const lcText = c.data.length > 0 ? `${c.extended ? toHex(raw.subarray(4, 7)) : b(c.data.length)}  (${c.data.length} bytes)` : undefined;
  const leText = c.le === undefined ? undefined : `${c.le} bytes${c.le === 256 || c.le === 65536 ? ' (maximum)' : ''}`;
  const lines = [
    `Command APDU ${masked.hex}`,
    `case  ${c.case}`,
    `CLA   ${b(c.cla)}  ${c.cla & 0x80 ? 'proprietary class (EMV)' : 'interindustry class'}`,
    `INS   ${b(c.ins)}  ${name}`,
    `P1    ${b(c.p1)}`,
    `P2    ${b(c.p2)}${params ? `  ${params}` : ''}`,
  ];
  if (lcText) lines.push(`Lc    ${lcText}`);
  if (c.data.length > 0) {
    if (secret) lines.push(`data  ${c.data.length} bytes masked (PIN)`);
    else {
      const dataLines = formatDataLines(c.data, '      ');
      if (dataLines.length === 1) lines.push(`data  ${dataLines[0]!.trim()}`);
      else lines.push('data', ...dataLines);
    }
  }
  if (leText) lines.push(`Le    ${leText}`);
  const json = {
    hex: masked.hex,
    case: c.case,
    cla: b(c.cla),
    ins: b(c.ins),
    name,
    p1: b(c.p1),
    p2: b(c.p2),
    ...(params ? { parameters: params } : {}),
    ...(c.data.length > 0 ? { lc: c.data.length, data: secret ? 'XX'.repeat(c.data.length) : toHex(c.data) } : {}),
    ...(tlv ? { tlv: tlvToJson(tlv) } : {}),
    ...(c.le !== undefined ? { le: c.le } : {}),
  };
  return { text: lines.join('\n'), json };
}

/** Data and status of a response APDU (ISO/IEC 7816-4 §5.2). */
export async function describeResponseApdu(hex: string): Promise<{ text: string; json: unknown }> {
  const { decodeResponse } = await import('../../apdu/command.js');
  const { toHex } = await import('../../apdu/bytes.js');
  const { describeStatusWord } = await import('../../apdu/status-words.js');
  const { formatDataLines, tryDecodeTlv } = await import('../../apdu/trace-format.js');
  const { tlvToJson } = await import('../../apdu/pretty.js');
  const r = decodeResponse(hex);
  const sw = describeStatusWord(r.sw);
  const lines = [`Response APDU ${toHex(r.data)}${sw.sw}`];
  if (r.data.length > 0) lines.push(`data  ${r.data.length} bytes`, ...formatDataLines(r.data, '      '));
  lines.push(`SW    ${sw.sw}  ${sw.meaning} [${sw.category}]`);
  const tlv = tryDecodeTlv(r.data);
  return { text: lines.join('\n'), json: { data: toHex(r.data), ...(tlv ? { tlv: tlvToJson(tlv) } : {}), status: sw } };
}

const parseSubcommand: CommandModule<object, ParseArgs> = {
  command: 'parse <hex..>',
  describe: 'Decode a command APDU (case, CLA/INS/P1/P2, Lc, data as TLV, Le), or a response with --response',
  builder: (y: Argv) =>
    y
      .positional('hex', { type: 'string', array: true, demandOption: true, describe: "APDU bytes in hex (spaces allowed); '-' reads them from stdin" })
      .option('response', { alias: 'r', type: 'boolean', default: false, describe: 'the bytes are a response APDU (data + SW1 SW2)' })
      .option('json', { type: 'boolean', default: false, describe: 'print JSON' })
      .example('$0 apdu parse 00A404000E315041592E5359532E444446303100', 'SELECT of the PSE')
      .example('$0 apdu parse --response 6A82', 'explain a status word') as unknown as Argv<ParseArgs>,
  handler: async (argv) => {
    const { hexWords } = await import('../output.js');
    const hex = (await hexWords(argv.hex)).replace(/\s+/g, '');
    const out = argv.response ? await describeResponseApdu(hex) : await describeCommandApdu(hex);
    process.stdout.write((argv.json ? JSON.stringify(out.json, null, 2) : out.text) + '\n');
  },
};

/** Subcommands of `emvsim apdu`: `parse` (decode) and `send` (raw APDUs to a card). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const APDU_SUBCOMMANDS: CommandModule<any, any>[] = [parseSubcommand, apduSendSubcommand];

type BareApduArgs = Omit<SendArgs, 'hex'> & { hex: string[] | undefined };

export const apduCommand: CommandModule<object, BareApduArgs> = {
  command: 'apdu [hex..]',
  describe: 'APDU tools: parse command and response APDUs (ISO/IEC 7816-4 §5), send APDUs to a card',
  builder: (y: Argv) => {
    let b = withSendOptions(y).positional('hex', {
      type: 'string',
      array: true,
      describe: 'without a subcommand: command APDUs to send (as `apdu send`), one per argument',
    });
    for (const sub of APDU_SUBCOMMANDS) b = b.command(sub);
    return b
      .example('$0 apdu --card card.json 00A4040007A000000003101000 80CA9F3600', 'send SELECT and GET DATA ATC to a card file (= apdu send)')
      .example('$0 apdu parse 80A8000002830000', 'decode a GET PROCESSING OPTIONS command')
      .example('$0 apdu parse --response 6985', 'explain a status word') as unknown as Argv<BareApduArgs>;
  },
  handler: async (argv) => {
    if (!argv.hex || argv.hex.length === 0) {
      const { EmvsimError } = await import('../../apdu/errors.js');
      throw new EmvsimError('USAGE', 'name an apdu subcommand (parse, send) or give command APDUs to send, e.g. emvsim apdu --card card.json 00A4040007A000000003101000');
    }
    await sendApdus({ ...argv, hex: argv.hex });
  },
};