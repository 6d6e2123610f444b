/**
 * The bad-input table (issue 17 item 10): each row is one command as a user types it, with the exit
 * code the contract promises (docs/cli.md: 1 negative result, 2 bad input, 3 environment) and a
 * fragment of the one-line message. Append rows; test/cli/bad-input.test.ts runs them all against the
 * built CLI. `$TMP` in an argument is a fresh directory holding `files`; `stdin` is piped in.
 */
export interface BadInputCase {
  /** What the row checks (the test name). */
  what: string;
  args: string[];
  code: 1 | 2 | 3;
  /** A fragment of the message (stderr for 2 and 3; stdout for 1 unless `stream` says otherwise). */
  message: string | RegExp;
  stream?: 'stdout' | 'stderr';
  files?: Record<string, string>;
  stdin?: string;
  env?: Record<string, string>;
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const shipped = (path: string) => readFileSync(join(import.meta.dirname, '..', '..', path), 'utf8');

/** The pid of the test process: alive while the row runs, so a lock file naming it is held. */
const alive = String(process.pid);

export const BAD_INPUT_CASES: BadInputCase[] = [
  // --- usage ---
  { what: 'no command', args: [], code: 2, message: 'Name a command' },
  { what: 'unknown command', args: ['nosuch'], code: 2, message: 'Unknown argument' },
  { what: 'tlv without subcommand', args: ['tlv'], code: 2, message: 'tlv subcommand' },
  { what: 'geldkarte without subcommand', args: ['geldkarte'], code: 2, message: 'geldkarte subcommand' },
  { what: 'liability without subcommand', args: ['liability'], code: 2, message: 'liability subcommand' },
  { what: 'hid without subcommand', args: ['hid'], code: 2, message: 'hid subcommand' },
  { what: 'host card without subcommand', args: ['host', 'card'], code: 2, message: 'host card subcommand' },
  { what: 'pinblock without subcommand', args: ['crypto', 'pinblock'], code: 2, message: 'pinblock subcommand' },
  // --- bytes ---
  { what: 'TLV truncated', args: ['tlv', 'decode', '5A0847'], code: 2, message: 'byte offset' },
  { what: 'TLV bad hex digit', args: ['tlv', 'decode', 'ZZ'], code: 2, message: "invalid hex digit 'Z'" },
  { what: 'TLV odd hex', args: ['tlv', 'decode', '5A08476173900101001'], code: 2, message: 'odd number of hex digits' },
  { what: 'TLV from stdin, truncated', args: ['tlv', 'decode', '-'], stdin: '9F6604B620\n', code: 2, message: 'byte offset' },
  { what: 'APDU too short', args: ['apdu', 'parse', '00A4'], code: 2, message: 'header bytes' },
  { what: 'APDU Lc mismatch', args: ['apdu', 'parse', '00A4040005AABB'], code: 2, message: /Lc 5 .* at byte offset 4/ },
  { what: 'APDU from stdin, bad hex', args: ['apdu', 'parse', '-'], stdin: '00A4QQ', code: 2, message: 'invalid hex digit' },
  { what: 'ATR truncated', args: ['atr', '3B'], code: 2, message: 'T0 missing' },
  { what: 'ATR wrong TCK', args: ['atr', '3BE900008131FE454A434F503431563232A6'], code: 2, message: 'TCK A6 is wrong' },
  // --- transact: amounts ---
  { what: 'amount with a comma', args: ['transact', '--amount', '12,34', '--pin', '1234'], code: 2, message: '--amount: \'12,34\' is not a decimal amount' },
  { what: 'negative amount', args: ['transact', '--amount', '-5', '--pin', '1234'], code: 2, message: 'not a decimal amount' },
  { what: 'amount too large for n12', args: ['transact', '--amount', '999999999999', '--pin', '1234'], code: 2, message: 'is too large' },
  { what: 'more decimals than EUR has', args: ['transact', '--amount', '1.234', '--pin', '1234'], code: 2, message: 'has 3 decimals' },
  { what: 'decimals in JPY (exponent 0)', args: ['transact', '--amount', '150.5', '--currency', 'JPY', '--pin', '1234'], code: 2, message: 'JPY has 0' },
  { what: 'unknown currency', args: ['transact', '--amount', '1', '--currency', 'XYZ', '--pin', '1234'], code: 2, message: 'not an ISO 4217 currency' },
  { what: 'currency without minor unit', args: ['transact', '--amount', '1', '--currency', 'XAU', '--pin', '1234'], code: 2, message: 'no minor unit' },
  { what: 'amount missing', args: ['transact', '--pin', '1234'], code: 2, message: 'Missing required argument: amount' },
  // --- transact: PIN ---
  { what: 'PIN too short', args: ['transact', '--amount', '12.34', '--pin', '12'], code: 2, message: 'not a PIN of 4 to 12 digits' },
  { what: 'PIN too long', args: ['transact', '--amount', '12.34', '--pin', '1234567890123'], code: 2, message: 'not a PIN of 4 to 12 digits' },
  { what: 'PIN with letters', args: ['transact', '--amount', '12.34', '--pin', '12ab'], code: 2, message: 'not a PIN of 4 to 12 digits' },
  { what: 'no PIN and no terminal: no silent bypass', args: ['transact', '--amount', '12.34'], code: 2, message: 'none is left' },
  { what: '--pin-stdin with empty stdin', args: ['transact', '--amount', '12.34', '--pin-stdin'], stdin: '', code: 2, message: 'stdin held no PIN' },
  { what: '--pin-stdin with a bad line', args: ['transact', '--amount', '12.34', '--pin-stdin'], stdin: 'abcd\n', code: 2, message: '--pin-stdin line 1' },
  { what: 'EMVSIM_PIN not a PIN', args: ['transact', '--amount', '12.34'], env: { EMVSIM_PIN: '12' }, code: 2, message: 'EMVSIM_PIN' },
  { what: '--pin and --pin-stdin together', args: ['transact', '--amount', '1', '--pin', '1234', '--pin-stdin'], code: 2, message: 'not both' },
  // --- transact: other options ---
  { what: 'unknown transaction type', args: ['transact', '--amount', '1', '--pin', '1234', '--type', 'refund'], code: 2, message: 'Invalid values' },
  { what: 'MAC key without host', args: ['transact', '--amount', '1', '--pin', '1234', '--mac-key', '00'], code: 2, message: 'give --host too' },
  { what: 'host without port', args: ['transact', '--amount', '1', '--pin', '1234', '--host', 'nohost'], code: 2, message: 'is not host:port' },
  { what: 'unknown terminal profile', args: ['transact', '--amount', '1', '--pin', '1234', '--terminal', 'nosuch'], code: 2, message: "no terminal profile 'nosuch'" },
  { what: 'seed not an integer', args: ['transact', '--amount', '1', '--pin', '1234', '--seed', 'abc'], code: 2, message: '--seed' },
  { what: 'host time-out not positive', args: ['transact', '--amount', '1', '--pin', '1234', '--host', '127.0.0.1:1', '--host-timeout', '-5'], code: 2, message: '--host-timeout' },
  // --- conform ---
  { what: 'filter matching nothing', args: ['conform', '--filter', 'nosuchtag'], code: 2, message: 'matches none of the' },
  { what: 'empty folder', args: ['conform', '$TMP'], code: 2, message: 'no scenario or card script found' },
  { what: '--jobs 0', args: ['conform', '--jobs', '0'], code: 2, message: '--jobs' },
  { what: '--jobs -1', args: ['conform', '--jobs', '-1'], code: 2, message: '--jobs' },
  { what: '--jobs above the cores', args: ['conform', '--jobs', '1000'], code: 2, message: 'the cores of this machine' },
  { what: 'shard beyond n', args: ['conform', '--shard', '5/4'], code: 2, message: 'i must be 1..n' },
  { what: 'shard not i/n', args: ['conform', '--shard', 'x'], code: 2, message: 'is not i/n' },
  { what: 'unknown reporter', args: ['conform', '--reporter', 'xml'], code: 2, message: 'Invalid values' },
  // --- geldkarte ---
  { what: 'an option of another action', args: ['geldkarte', 'pay', '--amount', '2.50', '--out', 'x'], code: 2, message: 'Unknown argument: out' },
  { what: 'pay without amount', args: ['geldkarte', 'pay'], code: 2, message: 'Missing required argument: amount' },
  { what: 'pay zero', args: ['geldkarte', 'pay', '--amount', '0'], code: 2, message: 'is zero' },
  { what: 'pay above 9999.99', args: ['geldkarte', 'pay', '--amount', '10000'], code: 2, message: 'is too large' },
  { what: 'pay with a comma', args: ['geldkarte', 'pay', '--amount', '2,50'], code: 2, message: 'not a decimal amount' },
  { what: 'new purse above its maximum', args: ['geldkarte', 'new', '--out', '$TMP/p.json', '--balance', '500'], code: 2, message: 'above the purse\'s maximum balance of 200.00 EUR' },
  { what: 'new without a file', args: ['geldkarte', 'new'], code: 2, message: 'give --out' },
  { what: 'load without PIN', args: ['geldkarte', 'load', '--amount', '5'], code: 2, message: 'Missing required argument: pin' },
  { what: 'balance with an amount', args: ['geldkarte', 'balance', '--amount', '5'], code: 2, message: 'Unknown argument: amount' },
  // --- crypto, liability, trace, card, hid, host ---
  { what: 'pinblock encode with a decode option', args: ['crypto', 'pinblock', 'encode', '--format', '0', '--pin', '1234', '--block', '00'], code: 2, message: 'Unknown argument: block' },
  { what: 'KCV of a 2-byte key', args: ['crypto', 'kcv', '--key', '0011'], code: 2, message: 'expected 8 or 16 or 24 bytes' },
  { what: 'Luhn of letters', args: ['crypto', 'luhn', '12a'], code: 2, message: 'decimal digits' },
  { what: 'liability of an outcome without facts', args: ['liability', 'explain', '$TMP/o.json'], files: { 'o.json': '{}' }, code: 2, message: 'has no facts' },
  { what: 'liability of a non-JSON file', args: ['liability', 'explain', '$TMP/o.json'], files: { 'o.json': 'not json' }, code: 2, message: 'not a readable JSON outcome' },
  { what: 'trace with a broken line', args: ['trace', 'show', '$TMP/t.jsonl'], files: { 't.jsonl': '{"type":"apdu","command":"00A40400","response":"9000"}\n{broken\n' }, code: 2, message: 't.jsonl:2: line: not JSON' },
  { what: 'card new without --out', args: ['card', 'new'], code: 2, message: 'Missing required argument: out' },
  { what: 'card show of a non-JSON file', args: ['card', 'show', '$TMP/c.json'], files: { 'c.json': 'x' }, code: 2, message: 'not JSON' },
  { what: 'hid list with an unknown option', args: ['hid', 'list', '--bogus'], code: 2, message: 'Unknown argument: bogus' },
  { what: 'IBAN not of the IBAN form', args: ['crypto', 'iban', 'XX'], code: 2, message: 'not of the form CCnn' },
  { what: 'host listening on nonsense', args: ['host', '--listen', 'nonsense', '--db', '$TMP/h.sqlite'], code: 2, message: "--listen: 'nonsense' is not host:port" },
  { what: 'host port out of range', args: ['host', '--listen', '127.0.0.1:99999', '--db', '$TMP/h.sqlite'], code: 2, message: 'is not host:port' },
  { what: 'ledger with a negative limit', args: ['host', 'ledger', '--limit', '-1', '--db', '$TMP/h.sqlite'], files: { 'h.sqlite': '' }, code: 2, message: '--limit' },
  { what: 'host card add without PAN', args: ['host', 'card', 'add'], code: 2, message: 'Missing required argument: pan' },
  { what: 'host card list with --pan', args: ['host', 'card', 'list', '--pan', '1'], code: 2, message: 'Unknown argument: pan' },
  // --- amounts in documents: integers in minor units, in fields named …Minor (docs/documents.md "Amounts") ---
  { what: 'scenario amountMinor written as 8.00', args: ['conform', '$TMP/s.yaml'], files: { 's.yaml': shipped('scripts/conformance/02-gpo-pdol/gpo.yaml').replace('amountMinor: 800', 'amountMinor: 8.00') }, code: 2, message: "transaction.amountMinor: '8.00' is not an integer in minor units" },
  { what: 'terminal floor limit written as 50.00', args: ['transact', '--terminal', '$TMP/t.yaml', '--amount', '1', '--pin', '1234'], files: { 't.yaml': shipped('scripts/terminals/eu-pos-pin.yaml').replace('floorLimitMinor: 5000', 'floorLimitMinor: 50.00') }, code: 2, message: "floorLimitMinor: '50.00' is not an integer in minor units" },
  { what: 'scenario with the former name amount', args: ['conform', '$TMP/s.yaml'], files: { 's.yaml': shipped('scripts/conformance/02-gpo-pdol/gpo.yaml').replace('amountMinor: 800', 'amount: 800') }, code: 2, message: /s\.yaml:\d+: 0\.transaction\.amount: 'amount' was renamed 'amountMinor' \(an integer in minor units: 800 is 8\.00 EUR/ },
  { what: 'scenario with the former name otherAmount', args: ['conform', '$TMP/s.yaml'], files: { 's.yaml': shipped('scripts/conformance/05-processing-restrictions/cashback-amount-other.yaml').replace('otherAmountMinor:', 'otherAmount:') }, code: 2, message: "'otherAmount' was renamed 'otherAmountMinor'" },
  { what: 'terminal profile with the former name floorLimit', args: ['transact', '--terminal', '$TMP/t.yaml', '--amount', '1', '--pin', '1234'], files: { 't.yaml': shipped('scripts/terminals/eu-pos-pin.yaml').replace('floorLimitMinor: 5000', 'floorLimit: 5000') }, code: 2, message: /t\.yaml:\d+: applications\.0\.floorLimit: 'floorLimit' was renamed 'floorLimitMinor'/ },
  { what: 'terminal profile with the former name threshold', args: ['transact', '--terminal', '$TMP/t.yaml', '--amount', '1', '--pin', '1234'], files: { 't.yaml': shipped('scripts/terminals/eu-pos-pin.yaml').replace('thresholdMinor: 1000', 'threshold: 1000') }, code: 2, message: "applications.0.randomSelection.threshold: 'threshold' was renamed 'thresholdMinor'" },
  { what: 'terminal profile typo floorLimt points at floorLimitMinor', args: ['transact', '--terminal', '$TMP/t.yaml', '--amount', '1', '--pin', '1234'], files: { 't.yaml': shipped('scripts/terminals/eu-pos-pin.yaml').replace('floorLimitMinor: 5000', 'floorLimt: 5000') }, code: 2, message: "unknown field (did you mean 'floorLimitMinor'?)" },
  { what: 'card profile with the former name cumulativeOfflineAmountLimit', args: ['card', 'new', '--profile', '$TMP/p.yaml', '--out', '$TMP/c.json'], files: { 'p.yaml': 'base: visa-cvn18\nrisk:\n  cumulativeOfflineAmountLimit: 20000\n' }, code: 2, message: /p\.yaml:3: risk\.cumulativeOfflineAmountLimit: 'cumulativeOfflineAmountLimit' was renamed 'cumulativeOfflineAmountLimitMinor'/ },
  { what: 'lab plan with the former amount "8.00"', args: ['lab', 'run', '$TMP/plan.yaml', '--in-process'], files: { 'plan.yaml': shipped('scripts/lab/contact-terminal.yaml').replace('transaction: {amountMinor: 800, pin: ["1234"], type: goods}', 'transaction: {amount: "8.00", pin: ["1234"], type: goods}') }, code: 2, message: "defaults.transaction.amount: 'amount' was renamed 'amountMinor'" },
  { what: 'scenario amount above n12 is too large', args: ['conform', '$TMP/s.yaml'], files: { 's.yaml': shipped('scripts/conformance/02-gpo-pdol/gpo.yaml').replace('amountMinor: 800', 'amountMinor: 1000000000000') }, code: 2, message: 'transaction.amountMinor: 1000000000000 is too large for this amount: the maximum is 999999999999' },
  // --- environment (3) ---
  { what: 'trace file missing', args: ['trace', 'show', '$TMP/nope.jsonl'], code: 3, message: 'ENOENT' },
  { what: 'card file missing', args: ['card', 'show', '$TMP/nope.json'], code: 3, message: 'ENOENT' },
  { what: 'transact card file missing', args: ['transact', '--card', '$TMP/nope.json', '--amount', '1', '--pin', '1234'], code: 3, message: 'cannot read the card file: ENOENT' },
  { what: 'report into a missing folder', args: ['conform', '--out', '$TMP/nodir/r.xml'], code: 3, message: 'cannot write the report' },
  { what: 'report onto a folder', args: ['conform', '--out', '$TMP'], code: 3, message: 'EISDIR' },
  { what: 'ledger of a missing database', args: ['host', 'ledger', '--db', '$TMP/typo.sqlite'], code: 3, message: 'no such issuer database' },
  { what: 'card list of a missing database', args: ['host', 'card', 'list', '--db', '$TMP/typo.sqlite'], code: 3, message: 'no such issuer database' },
  { what: 'ledger of a file that is no database', args: ['host', 'ledger', '--db', '$TMP/bad.sqlite'], files: { 'bad.sqlite': 'not a database, just text that is long enough to have a header' }, code: 3, message: 'SQLITE_NOTADB' },
  { what: 'card new into a missing folder', args: ['card', 'new', '--out', '$TMP/nodir/c.json'], code: 3, message: 'cannot lock the card file (ENOENT' },
  { what: 'card new over an existing card', args: ['card', 'new', '--out', '$TMP/c.json'], files: { 'c.json': '{}' }, code: 3, message: 'give --force' },
  { what: 'geldkarte new over an existing purse', args: ['geldkarte', 'new', '--out', '$TMP/p.json'], files: { 'p.json': '{}' }, code: 3, message: 'give --force' },
  { what: 'card file locked by a live process', args: ['transact', '--card', '$TMP/c.json', '--amount', '1', '--pin', '1234'], files: { 'c.json': '{}', 'c.json.lock': `${alive}\n` }, env: { EMVSIM_LOCK_TIMEOUT_MS: '200' }, code: 3, message: `in use by process ${alive}` },
  { what: 'liability rules file missing', args: ['host', '--listen', '127.0.0.1:0', '--db', '$TMP/h.sqlite', '--rules', '$TMP/nope.yaml'], code: 3, message: 'ENOENT' },
  // --- negative results (1) ---
  { what: 'declined online', args: ['transact', '--amount', '100', '--pin', '1234', '--online', 'decline'], code: 1, message: 'DECLINED' },
  { what: 'purse payment above the balance', args: ['geldkarte', 'pay', '--amount', '10'], code: 1, message: 'DECLINED' },
  { what: 'Luhn check fails', args: ['crypto', 'luhn', '79927398710'], code: 1, message: 'invalid' },
];
