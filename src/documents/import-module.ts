/**
 * import() of a module named at run time: a user's file (`lab run --terminal-module`). The CLI bundle
 * is a script that bin/code-cache.js runs with V8's code cache, and on Node 20 a script has no import()
 * of its own (vm.Script needs --experimental-vm-modules for one): there the bin lends its import()
 * under this key. Elsewhere (dist/src, tsx, a user's program) this is a plain import().
 */
const BIN_IMPORT = Symbol.for('emvsim.import');

export function importModule(specifier: string): Promise<unknown> {
  const lent = (globalThis as Record<symbol, unknown>)[BIN_IMPORT] as ((specifier: string) => Promise<unknown>) | undefined;
  return lent ? lent(specifier) : import(specifier);
}
