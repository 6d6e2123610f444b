// Builds the CLI as one esbuild bundle, dist/bundle/emvsim.cjs, which bin/emvsim.js runs as a script
// with a V8 code cache (bin/code-cache.js): Node reads one file and V8 compiles nothing it compiled on
// an earlier run, where the ES-module form cost ~50 files to resolve and the full compile of each on every
// start (Node 20 has no compile cache for modules). The modules a command imports lazily (card, kernel,
// issuer, readers) are in the same file but still evaluated only when a handler imports them (esbuild
// wraps them in an init function). The conformance worker is a second bundle (dist/bundle/worker.js, an ES
// module) so worker-pool.ts finds `./worker.js` beside the CLI. Native packages stay external
// (required from node_modules, lazily, as before).
//
// Also writes dist/src/vendor/yargs.js, the one-file yargs of the unbundled build (load-yargs.ts).
//
// Usage: node scripts/build/bundle.mjs [--metafile]   (run by `npm run build`, after tsc)
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const NATIVE = ['better-sqlite3', 'smartcard', 'node-hid', 'sockopt'];
/** The CLI bundle holds better-sqlite3's JavaScript (sqliteBundled below); its addon stays outside. */
const NATIVE_ADDONS_ONLY = NATIVE.filter((name) => name !== 'better-sqlite3');

/**
 * yargs straight into the entry chunk: load-yargs.ts otherwise tries dist/src/vendor/yargs.js (the
 * unbundled build's copy) first, which does not exist beside the bundle.
 */
const yargsStatic = {
  name: 'yargs-static',
  setup(b) {
    b.onResolve({ filter: /[\\/]load-yargs\.js$/ }, () => ({ path: 'load-yargs', namespace: 'emvsim-bundle' }));
    b.onLoad({ filter: /^load-yargs$/, namespace: 'emvsim-bundle' }, () => ({
      contents: "import yargs from 'yargs';\nimport { hideBin } from 'yargs/helpers';\nexport async function loadYargs() { return { yargs, hideBin }; }\n",
      resolveDir: root,
      loader: 'js',
    }));
  },
};

/**
 * The three copies of string-width under yargs (its own, cliui's, wrap-ansi's) each create an
 * Intl.Segmenter when they load: the first one loads ICU's break-iterator data, ~14 ms of every
 * `emvsim --help`, although a segmenter is only needed for text outside Latin-1. Here it is created on
 * first use instead. string-width 7 (cliui, wrap-ansi) also gets the fast path string-width 8 has for
 * printable ASCII, extended to line feeds (0 columns) and Latin-1 letters and signs (1 column each:
 * none is a control, combining mark, default-ignorable or, while ambiguousIsNarrow holds, wide), which
 * is what string-width 7 answers for them; U+00AD (soft hyphen, 0) and U+00A9/U+00AE (© ®, 2 by
 * emoji-regex) take the original path. The help text stays byte for byte the same.
 *
 * Each copy also builds its Unicode-property regular expressions (`/^\p{RGI_Emoji}$/v`...) when it
 * loads. Run from V8's code cache (bin/code-cache.js) such a literal is compiled when the line runs,
 * not when first used: `/^\p{RGI_Emoji}$/v` alone cost 25-35 ms of every start (0.5 ms without the
 * cache; measured at the line), the others 0.1-3 ms each. They are only used for text outside
 * printable ASCII (and Latin-1): each is built on first use here (lazyRegExps).
 */
const PROPERTY_REGEXP = /^const (\w+) = (\/.*\\p\{.*\/[dgimsuyv]*);$/gm;
function lazyRegExps(source) {
  const names = [];
  let contents = source.replace(PROPERTY_REGEXP, (line, name, literal) => {
    names.push(name);
    return `let ${name}Instance; const ${name}Lazy = () => (${name}Instance ??= ${literal});`;
  });
  for (const name of names) contents = contents.replace(new RegExp(`\\b${name}\\b(?!Instance|Lazy)`, 'g'), `${name}Lazy()`);
  return { contents, names };
}
const SEGMENTER = 'const segmenter = new Intl.Segmenter();';
const LAZY_SEGMENTER = 'let segmenterInstance; const segmenter = { segment: (text) => (segmenterInstance ??= new Intl.Segmenter()).segment(text) };';
const stringWidthLazy = {
  name: 'string-width-lazy',
  setup(b) {
    let patched = 0;
    let lazyEmoji = 0;
    b.onLoad({ filter: /[\\/]string-width[\\/]index\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes(SEGMENTER)) return undefined; // cli-progress's CommonJS string-width 4 has none
      patched++;
      let contents = source.replace(SEGMENTER, LAZY_SEGMENTER);
      const lazy = lazyRegExps(contents);
      contents = lazy.contents;
      if (lazy.names.includes('rgiEmojiRegex')) lazyEmoji++;
      if (/export default function stringWidth\(string, options = \{\}\) \{/.test(contents)) {
        contents = contents.replace(
          'export default function stringWidth(string, options = {}) {',
          'const oneColumn = /^[\\n\\u0020-\\u007E\\u00A0-\\u00A8\\u00AA-\\u00AC\\u00AF-\\u00FF]*$/;\n' +
            'export default function stringWidth(string, options = {}) {\n' +
            "\tif (typeof string === 'string' && options.ambiguousIsNarrow !== false && oneColumn.test(string)) return string.length - (string.split('\\n').length - 1);",
        );
      }
      return { contents, loader: 'js' };
    });
    b.onEnd((result) => {
      if (result.errors.length === 0 && patched === 0) throw new Error(`no string-width with '${SEGMENTER}' found: yargs' dependencies changed, update scripts/build/bundle.mjs`);
      if (result.errors.length === 0 && lazyEmoji === 0) throw new Error("no string-width with a top-level rgiEmojiRegex found: yargs' dependencies changed, update scripts/build/bundle.mjs");
    });
  },
};

/**
 * yargs renders the help of every command it runs before running it (usage.cacheHelpMessage), so that
 * a handler failing later can print it: ~5 ms of every command. emvsim's .fail() (src/cli/main.ts) never
 * prints help and no handler calls showHelp, so the rendered text was never read: not rendered here.
 */
const CACHE_HELP = 'yargs.getInternalMethods().getUsageInstance().cacheHelpMessage();';
const yargsNoHelpCache = {
  name: 'yargs-no-help-cache',
  setup(b) {
    b.onLoad({ filter: /[\\/]yargs[\\/]build[\\/]lib[\\/]command\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes(CACHE_HELP)) throw new Error(`yargs' command.js has no '${CACHE_HELP}': yargs changed, update scripts/build/bundle.mjs`);
      return { contents: source.replace(CACHE_HELP, '/* help not rendered ahead: see scripts/build/bundle.mjs */'), loader: 'js' };
    });
  },
};

/**
 * better-sqlite3's JavaScript (13 files) inside the CLI bundle, so it is read and compiled with the rest
 * (code cache) instead of resolved and compiled file by file at every start; its native addon stays in
 * node_modules. src/issuer/db/schema.ts loads it with createRequire (the unbundled build needs that);
 * here that call becomes a require esbuild bundles. The addon is found where better-sqlite3's install
 * puts it (build/Release), else by the `bindings` package as better-sqlite3 itself does; that saves the
 * ~15 ms better-sqlite3 took to load, measured alone (require + open, median of 15).
 */
const SQLITE_LOAD = "createRequire(import.meta.url)('better-sqlite3')";
const sqliteBundled = {
  name: 'better-sqlite3-bundled',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]issuer[\\/]db[\\/]schema\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes(SQLITE_LOAD)) throw new Error(`src/issuer/db/schema.ts has no ${SQLITE_LOAD}: update scripts/build/bundle.mjs`);
      return { contents: source.replace(SQLITE_LOAD, "require('better-sqlite3')"), loader: 'ts' };
    });
    b.onResolve({ filter: /^bindings$/ }, (args) =>
      /[\\/]better-sqlite3[\\/]/.test(args.importer) ? { path: 'bindings', namespace: 'emvsim-bundle' } : undefined,
    );
    b.onLoad({ filter: /^bindings$/, namespace: 'emvsim-bundle' }, () => ({
      contents: `const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
module.exports = function bindings(name) {
  const root = dirname(createRequire(__emvsimFileUrl).resolve('better-sqlite3/package.json'));
  try {
    return require(join(root, 'build', 'Release', name));
  } catch (err) {
    if (err.code !== 'MODULE_NOT_FOUND') throw err;
  }
  return createRequire(join(root, 'package.json'))('bindings')({ bindings: name, module_root: root });
};
`,
      loader: 'js',
    }));
  },
};

/**
 * yargs checks two internal invariants with node:assert, whose first load costs ~4 ms of every command
 * (assert loads util/colors, which sets up process.stderr to ask it for colours). Here node:assert is
 * loaded only when an invariant fails, and then throws its own AssertionError as before.
 */
const yargsLazyAssert = {
  name: 'yargs-lazy-assert',
  setup(b) {
    b.onResolve({ filter: /^assert$/ }, (args) =>
      /[\\/]yargs[\\/]lib[\\/]platform-shims[\\/]/.test(args.importer) ? { path: 'assert', namespace: 'emvsim-bundle' } : undefined,
    );
    b.onLoad({ filter: /^assert$/, namespace: 'emvsim-bundle' }, () => ({
      contents: `export function strictEqual(actual, expected, message) {
  if (!Object.is(actual, expected)) require('node:assert').strictEqual(actual, expected, message);
}
export function notStrictEqual(actual, expected, message) {
  if (Object.is(actual, expected)) require('node:assert').notStrictEqual(actual, expected, message);
}
`,
      loader: 'js',
    }));
  },
};

// The unbundled build (dist/src, what tests and `import 'emvsim/...'` load) keeps its one-file yargs.
await build({
  absWorkingDir: root,
  entryPoints: ['scripts/build/yargs-entry.mjs'],
  outfile: 'dist/src/vendor/yargs.js',
  bundle: true,
  format: 'esm',
  platform: 'node',
  logLevel: 'warning',
  plugins: [stringWidthLazy],
});

// Earlier builds wrote ES-module chunks here (chunk-*.js): clear them out, and the code caches of
// earlier bundles (bin/code-cache.js).
rmSync(join(root, 'dist', 'bundle'), { recursive: true, force: true });
rmSync(join(root, 'dist', '.code-cache'), { recursive: true, force: true });
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  external: NATIVE,
  sourcemap: true,
  logLevel: 'warning',
  metafile: process.argv.includes('--metafile'),
  // Whitespace and syntax only: names stay for stack traces. A smaller file to read; the compile is cached.
  minifyWhitespace: true,
  minifySyntax: true,
  // Non-ASCII escaped (also in comments, which minifying drops): bin/emvsim.js reads the file as latin1.
  charset: 'ascii',
};
const cli = await build({
  ...common,
  entryPoints: { emvsim: 'src/cli/main.ts' },
  outdir: 'dist/bundle',
  outExtension: { '.js': '.cjs' },
  // A script, not a module: V8 caches the code of a script (vm.Script cachedData) but, on Node 20, not of
  // a module. bin/code-cache.js wraps it in a function that receives require and the file's URL.
  format: 'cjs',
  // import() of a package becomes require(): a script has no import() of its own on Node 20 (see
  // src/documents/import-module.ts for a user's module, which needs one).
  supported: { 'dynamic-import': false },
  define: { 'import.meta.url': '__emvsimFileUrl' },
  external: NATIVE_ADDONS_ONLY,
  plugins: [yargsStatic, stringWidthLazy, yargsNoHelpCache, yargsLazyAssert, sqliteBundled],
});
const worker = await build({
  ...common,
  entryPoints: { worker: 'src/cli/conform-worker.ts' },
  outdir: 'dist/bundle',
  format: 'esm',
  // CommonJS packages inside the bundle (cli-progress) call require(); ESM output has none of its own.
  banner: { js: "import { createRequire as __emvsimCreateRequire } from 'node:module'; const require = __emvsimCreateRequire(import.meta.url);" },
});
// The bundle's SHA-256, in sha256sum's format: bin/code-cache.js keys its cache by the content (V8 checks
// only the length, and npm gives every file the same mtime), and reading 64 bytes beats hashing 1.2 MB.
const bundleBytesRead = readFileSync(join(root, 'dist', 'bundle', 'emvsim.cjs'));
writeFileSync(join(root, 'dist', 'bundle', 'emvsim.cjs.sha256'), `${createHash('sha256').update(bundleBytesRead).digest('hex')}  emvsim.cjs\n`);
if (cli.metafile) {
  writeFileSync(join(root, 'dist', 'bundle', 'meta.json'), JSON.stringify({ inputs: { ...cli.metafile.inputs, ...worker.metafile.inputs }, outputs: { ...cli.metafile.outputs, ...worker.metafile.outputs } }));
}

// `emvsim --help` as this bundle's yargs prints it, for bin/emvsim.js to answer without loading yargs.
// dist/bundle/help.json does not exist yet, so bin/emvsim.js runs yargs here. The bundle prints English
// whatever the locale (yargs' translations are not bundled); LC_ALL=C says so.
const help = spawnSync(process.execPath, [join(root, 'bin', 'emvsim.js'), '--help'], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C', LANG: 'C' } });
if (help.status !== 0 || !help.stdout.startsWith('emvsim ')) throw new Error(`emvsim --help failed while building: ${help.stderr}`);
const bundleBytes = statSync(join(root, 'dist', 'bundle', 'emvsim.cjs')).size;
// The command names (the help's "Commands:" list): bin/code-cache.js keeps one cache per command, and
// anything else (a typo) shares one rather than leaving a file behind.
const commandList = help.stdout.split('\nCommands:\n')[1]?.split('\n\n')[0] ?? '';
const commands = [...commandList.matchAll(/^ {2}emvsim ([a-z][a-z0-9-]*)/gm)].map((m) => m[1]);
if (!commands.includes('transact')) throw new Error(`no command list in emvsim --help: ${help.stdout}`);
writeFileSync(join(root, 'dist', 'bundle', 'help.json'), JSON.stringify({ bundleBytes, commands, help: help.stdout }));

// That run also wrote the shared code cache (bin/code-cache.js) that every command's first run starts
// from. A demo transaction (in memory, nothing written but the cache) warms the cache of `transact`,
// the command a new user runs first. Best effort: the build does not depend on it.
spawnSync(process.execPath, [join(root, 'bin', 'emvsim.js'), 'transact', '--amount', '12.34', '--pin', '1234'], { stdio: 'ignore', timeout: 60_000 });
