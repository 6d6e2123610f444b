/**
 * The exit-code contract of every emvsim command (docs/cli.md), in one place:
 *   0 success: approved, all cases passed, the command did what was asked
 *   1 a negative business result: declined, terminated, a failed case, a settlement refused
 *   2 bad input, naming the place (file:line:field, byte offset, option)
 *   3 the environment: a file or directory, permission, port, database, pcscd, a native module, a lock
 *  70 an internal error (a defect in emvsim: please report it); the stack only with --debug
 * 141 stdout closed early (`emvsim demo | head -1`): ends quietly, as a Unix filter ended by SIGPIPE
 * 130/143 interrupted by SIGINT/SIGTERM
 */
import { EmvsimError, EnvironmentError, TransportError } from '../apdu/errors.js';

export const EXIT = {
  ok: 0,
  negative: 1,
  badInput: 2,
  environment: 3,
  internal: 70,
  brokenPipe: 141,
  sigint: 130,
  sigterm: 143,
} as const;

/** The `--help` epilogue that states the contract. */
export const EXIT_CODES_HELP =
  'Exit codes: 0 success (approved, all passed); 1 negative result (declined, terminated, a failed case); ' +
  '2 bad input (the message names the place); 3 environment (file, permission, port, database, pcscd, native module, card file locked); ' +
  '70 internal error (please report; --debug shows the stack). See docs/cli.md.';

/** Set when the user asked for stacks (--debug or EMVSIM_DEBUG=1). */
export function debugEnabled(argv: readonly string[] = process.argv): boolean {
  return argv.includes('--debug') || process.env.EMVSIM_DEBUG === '1';
}

/** The Node system error (errno) shape: fs, net, child_process. */
interface SystemError extends Error {
  code: string;
  syscall?: string;
  path?: string;
  dest?: string;
  address?: string;
  port?: number;
}

function isSystemError(err: unknown): err is SystemError {
  return err instanceof Error && typeof (err as SystemError).code === 'string' && typeof (err as SystemError).syscall === 'string';
}

const FILE_ADVICE: Record<string, string> = {
  ENOENT: 'no such file or directory: check the path',
  EACCES: 'permission denied: choose a path you may use or change its permissions',
  EPERM: 'operation not permitted: choose a path you may use',
  EISDIR: 'is a directory: give a file',
  ENOTDIR: 'a part of the path is not a directory: check the path',
  EROFS: 'read-only file system: choose a writable path',
  ENOSPC: 'no space left on the device: free some space',
  EEXIST: 'already exists',
  EMFILE: 'too many open files: raise the limit (ulimit -n)',
};

const NET_ADVICE: Record<string, string> = {
  EADDRINUSE: 'is in use: choose another port or stop the process that holds it',
  EADDRNOTAVAIL: 'is not an address of this machine: listen on 127.0.0.1 or one of its addresses',
  EACCES: 'needs privileges: choose a port above 1023',
  ECONNREFUSED: 'refused the connection: is the server running there?',
  EHOSTUNREACH: 'is unreachable: check the address',
  ETIMEDOUT: 'did not answer in time: check the address',
};

/** One line for an errno error: the path or port, what happened, what to do. */
function describeSystemError(err: SystemError): string {
  if (err.address !== undefined || err.syscall === 'listen' || err.syscall === 'connect' || err.syscall === 'bind') {
    const where = err.address !== undefined ? `${err.address}${err.port !== undefined ? `:${err.port}` : ''}` : 'the address';
    return `${where} ${NET_ADVICE[err.code] ?? `failed (${err.code})`}`;
  }
  const path = err.path ?? err.dest;
  const advice = FILE_ADVICE[err.code] ?? `failed (${err.code})`;
  return path !== undefined ? `${path}: ${advice} (${err.syscall}, ${err.code})` : `${err.syscall}: ${advice} (${err.code})`;
}

/** A native module (better-sqlite3, smartcard, node-hid) that is missing or not built for this Node. */
function nativeModuleProblem(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  const code = (err as { code?: string }).code;
  const text = err.message;
  const name = /(better-sqlite3|better_sqlite3|smartcard|node-hid|HID\.node|sockopt)/.exec(text)?.[1];
  if (!name) return undefined;
  if (code === 'ERR_DLOPEN_FAILED' || code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND' || /bindings file|NODE_MODULE_VERSION|was compiled against/.test(text)) {
    const pkg = name === 'better_sqlite3' ? 'better-sqlite3' : name === 'HID.node' ? 'node-hid' : name;
    return `the native module ${pkg} is missing or not built for Node ${process.versions.node}: run \`npm rebuild ${pkg}\` (it needs a C++ toolchain)`;
  }
  return undefined;
}

/** SQLite errors (code SQLITE_*, from better-sqlite3 or the node:sqlite adapter): a database that is not one, locked, read-only. */
function sqliteProblem(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return undefined;
  return `database: ${err.message} (${code}): check the --db path`;
}

/** A DocumentError wrapping an unreadable file ("cannot read ...: ENOENT") is the environment, not the content. */
function unreadableDocument(err: EmvsimError): boolean {
  return /cannot (read|write|open)\b/.test(err.message) && /\b(ENOENT|EACCES|EPERM|EISDIR|ENOTDIR|EROFS|ENOSPC|EMFILE)\b/.test(err.message);
}

export interface Classified {
  code: number;
  message: string;
}

/** Which exit code an error means, with its one-line message. */
export function classifyError(err: unknown): Classified {
  const native = nativeModuleProblem(err);
  if (native) return { code: EXIT.environment, message: native };
  if (err instanceof EnvironmentError || err instanceof TransportError) return { code: EXIT.environment, message: err.message };
  if (err instanceof EmvsimError) {
    if (err.name === 'PcscdDaemonError' || err.name === 'DurabilityError' || unreadableDocument(err)) return { code: EXIT.environment, message: err.message };
    // A command-line option has no file: "--pin: ..." rather than "<input>: --pin: ...".
    return { code: EXIT.badInput, message: err.message.replace(/^<input>: /, '') };
  }
  if (isSystemError(err)) return { code: EXIT.environment, message: describeSystemError(err) };
  const sqlite = sqliteProblem(err);
  if (sqlite) return { code: EXIT.environment, message: sqlite };
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return { code: EXIT.internal, message: `internal error (please report): ${text}` };
}

/** Prints the one-line report (the stack too for an internal error under --debug) and returns the exit code. */
export function reportError(err: unknown, debug = debugEnabled()): number {
  const { code, message } = classifyError(err);
  const stack = debug && err instanceof Error && err.stack ? `\n${err.stack}` : '';
  const hint = code === EXIT.internal && !debug ? ' (run with --debug for the stack)' : '';
  process.stderr.write(`emvsim: ${message}${hint}${stack}\n`);
  return code;
}
