/**
 * `emvsim crypto <subcommand>`: an EMV crypto calculator over src/crypto.
 * Hex in and out (uppercase); --json on every subcommand. Implementations are
 * imported lazily from src/cli/crypto/.
 */
import type { Argv, CommandModule } from 'yargs';
// The ODA subcommand belongs to the RSA/ODA area (src/cli/crypto/oda.ts); its module is light (the
// implementation is imported lazily by its handler), so a static import keeps --help fast.
import { odaCommand } from '../crypto/oda.js';

type Args = Record<string, unknown>;
const json = { json: { type: 'boolean', default: false, describe: 'print JSON' } } as const;
const aes = { aes: { type: 'boolean', default: false, describe: 'AES keys (CMAC/AES-ECB) instead of TDES' } } as const;
const hex = (describe: string, demandOption = true) => ({ type: 'string' as const, describe, demandOption });

function sub(command: string, describe: string, options: Record<string, object>, run: (argv: Args) => Promise<void>, example?: [string, string]): CommandModule {
  return {
    command,
    describe,
    builder: (y: Argv) => {
      // Positionals are strings: a 19-digit PAN must not become a JavaScript number.
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      let b: Argv<any> = y.options({ ...options, ...json } as never);
      for (const m of command.matchAll(/<([a-z]+)>/g)) {
        b = b.positional(m[1]!, { type: 'string', ...(m[1] === 'action' ? { choices: ['encode', 'decode'] } : {}) });
      }
      if (example) b = b.example(example[0], example[1]);
      return b;
    },
    handler: async (argv) => run(argv as Args),
  };
}

const handlers = () => import('../crypto/handlers.js');
const pinFormat = { type: 'number', choices: [0, 1, 2, 3, 4], demandOption: true, describe: 'PIN block format' } as const;
const checks = () => import('../crypto/checks.js');

const subcommands: CommandModule[] = [
  sub('kcv', 'key check value: DES/TDES-ECB of 8 zero bytes', { key: hex('key, 8/16/24 bytes'), length: { type: 'number', default: 3, describe: 'bytes to print' } },
    async (a) => (await handlers()).kcv(a), ['$0 crypto kcv --key 0123456789ABCDEFFEDCBA9876543210', 'prints 08D7B4']),
  sub('mac', 'ISO/IEC 9797-1 MAC algorithm 1 or 3 (retail MAC)', {
    key: hex('key (alg 3: 16 bytes K1||K2)'), data: hex('data'),
    alg: { type: 'number', choices: [1, 3], default: 3, describe: 'MAC algorithm' },
    pad: { type: 'number', choices: [1, 2], default: 2, describe: 'padding method' },
    length: { type: 'number', default: 8, describe: 'MAC bytes' },
  }, async (a) => (await handlers()).mac(a),
  ['$0 crypto mac --key 0123456789ABCDEFFEDCBA9876543210 --data 1234567890ABCDEF', 'retail MAC (algorithm 3, padding method 2)']),
  sub('cmac', 'AES-CMAC (NIST SP 800-38B / RFC 4493)', { key: hex('AES key'), data: hex('data ("" for empty)', false), length: { type: 'number', default: 16, describe: 'MAC bytes' } },
    async (a) => (await handlers()).cmac(a),
    ['$0 crypto cmac --key 2B7E151628AED2A6ABF7158809CF4F3C --data 6BC1BEE22E409F96E93D7E117393172A', 'RFC 4493 example 2: prints 070A16B46B4D4144F79BDD9DD04A287C']),
  sub('derive-icc-mk', 'ICC master key from the issuer master key (Book 2 A1.4)', {
    imk: hex('issuer master key'), pan: hex('PAN digits'), psn: { type: 'string', describe: 'PAN sequence number (default 00)' },
    option: { type: 'string', choices: ['a', 'b', 'c', 'A', 'B', 'C'], default: 'a', describe: 'A1.4.1 option A, A1.4.2 option B, A1.4.3 option C (AES)' }, ...aes,
  }, async (a) => (await handlers()).deriveIccMk(a),
  ['$0 crypto derive-icc-mk --imk 0123456789ABCDEFFEDCBA9876543210 --pan 12345678901234567 --psn 01 --option a', 'prints 73AD54688CEF2934B0979857E3C719F1']),
  sub('session-key', 'session key from the ICC master key (Book 2 A1.3, Mastercard SKD, Visa SM)', {
    mk: hex('ICC master key'), atc: hex('ATC (2 bytes), or the full R for --method common'), un: hex('unpredictable number (mastercard)', false),
    method: { type: 'string', choices: ['common', 'mastercard', 'visa-sm'], default: 'common', describe: 'derivation' }, ...aes,
  }, async (a) => (await handlers()).sessionKey(a),
  ['$0 crypto session-key --mk 0123456789ABCDEFFEDCBA9876543210 --atc 001C000000000000', 'EMV common session key, R = ATC || 00..: prints E9FB384AF807B940FEDCEA613461B0C4']),
  sub('ac', 'application cryptogram (ARQC/TC/AAC) over CDOL data', {
    sk: hex('AC session key'), data: hex('CDOL data'), pad: { type: 'number', choices: [1, 2], default: 2, describe: 'ISO/IEC 9797-1 padding (TDES)' }, ...aes,
  }, async (a) => (await handlers()).ac(a),
  ['$0 crypto ac --sk 29B33180E567CE38EA4CBC9D753B0E61 --data 0123456789ABCDEF0123456789ABCDEF', 'prints FA624250B008B59A']),
  sub('arpc', 'authorisation response cryptogram, method 1 or 2 (Book 2 §8.2)', {
    method: { type: 'number', choices: [1, 2], default: 1, describe: 'ARPC method' }, key: hex('ARPC key (session key or ICC MK)'), arqc: hex('ARQC'),
    arc: hex('authorisation response code, 2 bytes (method 1)', false), csu: hex('card status update, 4 bytes (method 2)', false),
    prop: hex('proprietary authentication data (method 2)', false), ...aes,
  }, async (a) => (await handlers()).arpc(a),
  ['$0 crypto arpc --key AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB --arqc 1234567890ABCDEF --arc 0000', 'method 1: prints F5E6F44147E2F1B0']),
  {
    command: 'pinblock',
    describe: 'ISO 9564-1 PIN block formats 0-4 (4 = AES, enciphered): encode, decode',
    builder: (y: Argv) =>
      y
        .command(sub('encode', 'build a PIN block from a PIN', {
          format: pinFormat, pin: hex('PIN, 4 to 12 digits'), pan: hex('PAN (formats 0, 3, 4)', false),
          key: hex('AES key (format 4)', false), random: hex('fixed fill bytes for reproducible output (formats 1, 3, 4)', false),
        }, async (a) => (await checks()).pinblock({ ...a, action: 'encode' }),
        ['$0 crypto pinblock encode --format 0 --pin 1234 --pan 4012345678909', 'ISO format 0: prints 041274EDCBA9876F']))
        .command(sub('decode', 'recover the PIN from a PIN block', {
          format: pinFormat, block: hex('PIN block'), pan: hex('PAN (formats 0, 3, 4)', false), key: hex('AES key (format 4)', false),
        }, async (a) => (await checks()).pinblock({ ...a, action: 'decode' }),
        ['$0 crypto pinblock decode --format 0 --block 041274EDCBA9876F --pan 4012345678909', 'prints the PIN 1234']))
        .demandCommand(1, 'Name a pinblock subcommand: encode, decode'),
    handler: () => undefined,
  },
  sub('luhn <digits>', 'Luhn check (exit 1 when invalid); --append prints the number with its check digit', {
    append: { type: 'boolean', default: false, describe: 'compute the check digit to append' },
  }, async (a) => (await checks()).luhn(a),
  ['$0 crypto luhn 7894 --append', 'prints 78949']),
  sub('iban <iban>', 'IBAN MOD 97-10 check (ISO 13616; exit 1 when invalid)', {}, async (a) => (await checks()).iban(a),
    ['$0 crypto iban GR1601101050000010547023795', 'prints valid (check digits 16)']),
];

// --- ODA subcommand: owned by the RSA/ODA engineer (src/cli/crypto/oda.ts, exports odaCommand) ---
subcommands.push(odaCommand);

export const cryptoCommand: CommandModule = {
  command: 'crypto',
  describe: 'EMV crypto calculator: KCV, MACs, key derivation, AC/ARPC, PIN blocks, Luhn, IBAN',
  builder: (y) => {
    let b = y;
    for (const c of subcommands) b = b.command(c);
    return b
      .demandCommand(1, 'Name a crypto subcommand.')
      .example('$0 crypto kcv --key 0123456789ABCDEFFEDCBA9876543210', 'key check value: prints 08D7B4')
      .example('$0 crypto arpc --key AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBB --arqc 1234567890ABCDEF --arc 0000', 'ARPC method 1: prints F5E6F44147E2F1B0')
      .example('$0 crypto oda --input scripts/ca/example-dda-chain.json', 'verify an ODA chain step by step');
  },
  handler: () => undefined,
};
