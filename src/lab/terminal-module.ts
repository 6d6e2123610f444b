/**
 * A user's Node terminal in the lab's process (`emvsim lab run PLAN --in-process --terminal-module FILE`).
 *
 * The module's default export (or `terminal`) is `{ name, run(card, request) }`. For each run the
 * lab's card is both handed to `run` as a CardTransport and sitting in the reader
 * "emvsim Lab Reader 00 00" of an in-process fake pcscd (src/testing's FakePcscd). A terminal
 * written against the `smartcard` package (tomkp) ignores `card` and talks PC/SC as it would to
 * a real reader: its `import { Devices } from 'smartcard'` resolves to emvsim's fake of that
 * package, bound to the lab's fake pcscd, through a Node module resolve hook (module.register),
 * so the same file runs unchanged against a real reader. No pcscd, no vpcd, no native module.
 *
 * The hook redirects the bare specifier `smartcard` only for modules outside emvsim's own src/
 * and dist/ (emvsim's PC/SC driver keeps the real package); a CommonJS `require('smartcard')`
 * from such a module gets the same fake.
 */
import Module, { register } from 'node:module';
import { resolve as resolvePath, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DocumentError, FakePcscd, createSmartcardFake, importModule, projectRoot } from './deps.js';
import type { InProcessTerminal } from './kernel-terminal.js';

/** The reader the lab's card sits in for terminals that use `smartcard`. */
export const LAB_READER = 'emvsim Lab Reader 00 00';

const GLOBAL_KEY = 'emvsim.lab.smartcard';

export interface LabPcsc {
  pcscd: FakePcscd;
  reader: string;
}

let shared: { pcsc: LabPcsc; smartcard: ReturnType<typeof createSmartcardFake> } | undefined;

/** The lab's fake pcscd (one per process: a module imported once keeps its `smartcard` bindings). */
export function labPcsc(): LabPcsc {
  if (!shared) {
    const pcscd = new FakePcscd({ readers: [LAB_READER] });
    shared = { pcsc: { pcscd, reader: LAB_READER }, smartcard: createSmartcardFake(pcscd) };
  }
  return shared.pcsc;
}

/**
 * The hooks module (runs on the loader thread): `smartcard` from outside emvsim's own code
 * resolves to a synthetic module whose exports are the fake's, read from a global the main
 * thread set before any terminal module is imported.
 */
const HOOKS = `
let names = [], own = [];
export async function initialize(data) { names = data.names; own = data.own; }
export async function resolve(specifier, context, next) {
  const parent = context.parentURL ?? '';
  if (specifier === 'smartcard' && !own.some((p) => parent.startsWith(p))) return { url: 'emvsim-lab:smartcard', shortCircuit: true };
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (url !== 'emvsim-lab:smartcard') return next(url, context);
  const source = 'const m = globalThis[Symbol.for(' + JSON.stringify(${JSON.stringify(GLOBAL_KEY)}) + ')];\\n' +
    'export default m;\\nexport const { ' + names.join(', ') + ' } = m;\\n';
  return { format: 'module', source, shortCircuit: true };
}
`;

let installed = false;

/** Makes `import ... from 'smartcard'` in modules loaded from now on resolve to the lab's fake (once per process). */
export function installSmartcardResolver(): void {
  if (installed) return;
  labPcsc();
  const fake = shared!.smartcard;
  (globalThis as Record<symbol, unknown>)[Symbol.for(GLOBAL_KEY)] = fake;
  const names = Object.keys(fake).filter((n) => n !== 'default' && /^[A-Za-z_$][\w$]*$/.test(n));
  const own = ['src', 'dist'].map((d) => pathToFileURL(resolvePath(projectRoot(), d) + sep).href);
  register(`data:text/javascript,${encodeURIComponent(HOOKS)}`, { data: { names, own } });
  // CommonJS: the hooks above do not see require() on Node 20, so require('smartcard') is answered
  // here, as mock-require does (Module._load, the loader's long-standing internal entry point).
  const cjs = Module as unknown as { _load: (request: string, parent: { filename?: string } | null, isMain: boolean) => unknown };
  const load = cjs._load;
  const ownDirs = ['src', 'dist'].map((d) => resolvePath(projectRoot(), d) + sep);
  cjs._load = function (request, parent, isMain) {
    if (request === 'smartcard' && !ownDirs.some((d) => parent?.filename?.startsWith(d))) return fake;
    return load.call(this, request, parent, isMain);
  };
  installed = true;
}

/** Loads a terminal module (default export or `terminal`: `{ name, run(card, request) }`); bad ones are bad input. */
export async function loadTerminalModule(path: string): Promise<InProcessTerminal> {
  installSmartcardResolver();
  let mod: Record<string, unknown>;
  try {
    mod = (await importModule(pathToFileURL(resolvePath(path)).href)) as Record<string, unknown>;
  } catch (err) {
    throw new DocumentError(`cannot load ${path}: ${err instanceof Error ? err.message : String(err)}`, { field: '--terminal-module' });
  }
  const t = (mod.default ?? mod.terminal) as { name?: unknown; run?: unknown } | undefined;
  if (!t || typeof t.run !== 'function') throw new DocumentError(`${path} has no default export { name, run(card, request) }`, { field: '--terminal-module' });
  return { name: typeof t.name === 'string' ? t.name : path, run: (t.run as InProcessTerminal['run']).bind(t) };
}
