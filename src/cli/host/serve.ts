/** `emvsim host --listen`: serves ISO 8583 and prints each decision as it happens. */
import { parseHostAddress } from '../../issuer/client.js';
import { openSeededDatabase, enrolFromShippedBin } from '../../issuer/index.js';
import type { DurabilityError } from '../../issuer/db/durability.js';
import { IssuerHost, type DecisionEvent } from '../../issuer/issuer-host.js';
import { loadRules } from '../../issuer/rules/load.js';
import { Iso8583Server } from '../../issuer/server.js';
import { println } from '../output.js';
import { untilInterrupted } from '../streams.js';
import { type Bytes, fromHex } from '../../apdu/bytes.js';
import { DocumentError } from '../../apdu/errors.js';
import { projectRoot } from '../../documents/index.js';
import { join, relative } from 'node:path';

export interface ServeArgs {
  listen: string;
  db: string;
  /** Rules file; undefined = the shipped scripts/issuer/rules.yaml; 'none' or false (--no-rules) = no rules. */
  rules?: string | false;
  atcWindow: number;
  enrol: boolean;
  quiet: boolean;
  macKey?: string[];
  /** Seconds a connection may stay idle or mid-frame (default 30). */
  idleTimeout?: number;
  /** Connections held at once (default 1024). */
  maxConnections?: number;
  /** Connections held at once from one address (default 256). */
  maxPerPeer?: number;
  /** Seconds from a message's first byte to its last (default 10). */
  messageDeadline?: number;
}

/** `--mac-key TERMINAL=HEX` values -> terminal id -> 16-byte key. */
export function parseMacKeys(values: readonly string[]): Map<string, Bytes> {
  const keys = new Map<string, Bytes>();
  values.forEach((value, i) => {
    const m = /^([\x21-\x7E]{1,8})=([0-9A-Fa-f]{32})$/.exec(value);
    if (!m) throw new DocumentError(`'${value}' is not TERMINAL=32 hex digits`, { field: `--mac-key[${i}]` });
    keys.set(m[1]!, fromHex(m[2]!));
  });
  return keys;
}

const amount = (minor: number) => (minor / 100).toFixed(2);

export function formatDecision(e: DecisionEvent): string {
  const r = e.request;
  const code = e.response.responseCode;
  const verdict = code === '00' ? 'APPROVED' : code === '01' ? 'REFER' : 'DECLINED';
  const parts = [
    new Date().toISOString().slice(11, 23),
    r.kind.padEnd(13),
    `${r.terminalId}/${r.stan}`,
    r.pan,
    `${amount(r.amountMinor)} ${r.currency}`,
    `${code} ${verdict}`,
  ];
  if (e.response.authorisationCode) parts.push(`auth ${e.response.authorisationCode}`);
  if (e.response.decidedBy) parts.push(`by ${e.response.decidedBy}`);
  if (e.response.issuerScripts?.length) parts.push(`${e.response.issuerScripts.length} script(s)`);
  parts.push(e.repeated ? '(retransmission: stored answer)' : `- ${e.reason}`);
  return parts.join('  ');
}

/** The shipped risk rules, found from the package root (works from src via tsx and from dist). */
export function shippedRulesPath(): string {
  return join(projectRoot(), 'scripts', 'issuer', 'rules.yaml');
}

/** Which rules file `--rules` selects: the shipped one by default, none for 'none' / --no-rules. */
export function rulesFileOf(option: string | boolean | undefined): string | undefined {
  if (option === undefined || option === true || option === '') return shippedRulesPath();
  if (option === false || option === 'none') return undefined;
  return option;
}

export async function serve(args: ServeArgs): Promise<void> {
  let listen: { host: string; port: number };
  try {
    listen = parseHostAddress(args.listen);
  } catch (err) {
    throw new DocumentError(err instanceof Error ? err.message : String(err), { field: '--listen' });
  }
  const { host, port } = listen;
  const db = openSeededDatabase(args.db);
  const rulesFile = rulesFileOf(args.rules);
  const rules = rulesFile ? loadRules(rulesFile).rules : [];
  // A failed fsync (DurabilityError) ends the command: the server stops, and the CLI prints the error on
  // one line and exits non-zero (src/cli/output.ts), so a supervisor restarts the host and SQLite
  // recovers from what the WAL really holds.
  let fatal: (error: DurabilityError) => void = () => {};
  const stopped = new Promise<never>((_, reject) => {
    fatal = (error) => {
      void server.close().then(() => reject(error));
    };
  });
  const issuer = new IssuerHost({
    db,
    rules,
    onFatal: (error) => fatal(error),
    atcWindow: args.atcWindow,
    ...(args.enrol ? { enrol: enrolFromShippedBin } : {}),
    ...(args.quiet ? {} : { onDecision: (e: DecisionEvent) => println(formatDecision(e)) }),
  });
  const macKeys = args.macKey?.length ? parseMacKeys(args.macKey) : undefined;
  const server = new Iso8583Server({
    host: issuer,
    ...(args.idleTimeout !== undefined ? { idleTimeoutMs: args.idleTimeout * 1000 } : {}),
    ...(args.maxConnections !== undefined ? { maxConnections: args.maxConnections } : {}),
    ...(args.maxPerPeer !== undefined ? { maxConnectionsPerPeer: args.maxPerPeer } : {}),
    ...(args.messageDeadline !== undefined ? { messageDeadlineMs: args.messageDeadline * 1000 } : {}),
    onAdmission: (e) => println(`${new Date().toISOString().slice(11, 23)}  connection from ${e.peer} ${e.action}: ${e.reason}`),
    onFatal: (error) => fatal(error),
    ...(macKeys ? { macKeys } : {}),
    onSecurityViolation: (e, terminal) => println(`${new Date().toISOString().slice(11, 23)}  security violation (63) from '${terminal}': ${e.message}`),
    onFormatError: (e) => println(`${new Date().toISOString().slice(11, 23)}  format error (30): ${e.message}`),
  });
  const address = await server.listen(port, host);
  const cards = (db.prepare('SELECT COUNT(*) AS n FROM cards').get() as { n: number }).n;
  println(`emvsim issuer host listening on ${address.address}:${address.port} (ISO 8583:1987, 2-byte length header)`);
  if (macKeys) println(`MAC (ANSI X9.19, field 64/128) required; keys for ${[...macKeys.keys()].join(', ')}`);
  const shown = rulesFile && !relative(process.cwd(), rulesFile).startsWith('..') ? relative(process.cwd(), rulesFile) : rulesFile;
  const rulesText = rulesFile ? `${rules.length} risk rules from ${shown}${rulesFile === shippedRulesPath() ? ' (shipped default; --no-rules for none)' : ''}` : 'no risk rules (--rules none / --no-rules)';
  println(`database ${args.db}: ${cards} cards; ${rulesText}; Ctrl-C stops`);
  const interrupted = untilInterrupted(false).then(async () => {
    await server.close();
    if (db.open) db.close();
  });
  await Promise.race([interrupted, stopped]);
}
