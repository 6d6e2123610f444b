// Builds the CLI as one esbuild bundle (dist/bundle/emvsim.js, run by bin/emvsim.js): Node loads one
// file for `emvsim --help` instead of ~30 modules plus yargs, and the modules a command imports lazily
// (card, kernel, issuer, readers) become a few shared chunks beside it, loaded only by the commands that
// use them. The conformance worker is a second entry so worker-pool.ts finds `./worker.js` next to the
// chunk it lives in. Native packages stay external (loaded from node_modules, lazily, as before).
//
// Also writes dist/src/vendor/yargs.js, the one-file yargs of the unbundled build (load-yargs.ts).
//
// Usage: node scripts/build/bundle.mjs [--metafile]   (run by `npm run build`, after tsc)
import { build } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const NATIVE = ['better-sqlite3', 'smartcard', 'node-hid', 'sockopt'];

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
 */
const SEGMENTER = 'const segmenter = new Intl.Segmenter();';
const LAZY_SEGMENTER = 'let segmenterInstance; const segmenter = { segment: (text) => (segmenterInstance ??= new Intl.Segmenter()).segment(text) };';
const stringWidthLazy = {
  name: 'string-width-lazy',
  setup(b) {
    let patched = 0;
    b.onLoad({ filter: /[\\/]string-width[\\/]index\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes(SEGMENTER)) return undefined; // cli-progress's CommonJS string-width 4 has none
      patched++;
      let contents = source.replace(SEGMENTER, LAZY_SEGMENTER);
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
    });
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

// Chunk names carry content hashes: clear out the previous build's chunks.
rmSync(join(root, 'dist', 'bundle'), { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { emvsim: 'src/cli/main.ts', worker: 'src/conformance/worker.ts' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  external: NATIVE,
  sourcemap: true,
  logLevel: 'warning',
  metafile: process.argv.includes('--metafile'),
  chunkNames: 'chunk-[hash]',
  // CommonJS packages inside the bundle (cli-progress) call require(); ESM output has none of its own.
  banner: { js: "import { createRequire as __emvsimCreateRequire } from 'node:module'; const require = __emvsimCreateRequire(import.meta.url);" },
  plugins: [yargsStatic, stringWidthLazy],
});
if (result.metafile) writeFileSync(join(root, 'dist', 'bundle', 'meta.json'), JSON.stringify(result.metafile));
