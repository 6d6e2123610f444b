/**
 * The architecture rules checked by test/architecture.test.ts: which layer
 * may import which (always through the other layer's index.ts), which
 * modules may do I/O, and no import cycles (type-only imports included).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(import.meta.dirname, '..', '..');

/**
 * Which layers each layer may import (always through that layer's index.ts).
 * `platform` (Node helpers with no payment meaning: the package root, process liveness) sits
 * below everything that touches files or processes;
 * `documents` (YAML documents and resource paths) sits below card and terminal;
 * `lab` runs users' terminals against our cards; `geldkarte` is the package's
 * ./geldkarte front (card and terminal sides of the purse); `cli` and the root
 * index.ts (the package's `.`) sit on top. Every layer may import itself freely.
 */
export const LAYERS: Readonly<Record<string, readonly string[]>> = {
  apdu: [],
  platform: [],
  crypto: ['apdu', 'platform'],
  documents: ['apdu', 'platform'],
  card: ['apdu', 'crypto', 'documents', 'platform'],
  terminal: ['apdu', 'crypto', 'documents'],
  reader: ['apdu', 'crypto', 'platform'],
  issuer: ['apdu', 'crypto', 'documents', 'card', 'terminal'],
  testing: ['apdu', 'crypto', 'documents', 'card', 'terminal', 'issuer', 'reader'],
  conformance: ['apdu', 'crypto', 'documents', 'card', 'terminal', 'issuer', 'testing'],
  lab: ['apdu', 'crypto', 'documents', 'card', 'reader', 'conformance', 'terminal', 'testing'],
  geldkarte: ['apdu', 'card', 'terminal'],
  cli: ['apdu', 'crypto', 'documents', 'platform', 'card', 'terminal', 'issuer', 'reader', 'conformance', 'testing', 'lab', 'geldkarte'],
  '(root)': ['apdu', 'card', 'terminal', 'issuer'],
};

/** The entry points of a layer that other layers may import: its index.ts, and sub-area indices named here. */
const ENTRY_POINTS: Readonly<Record<string, readonly string[]>> = {
  card: ['src/card/index.ts', 'src/card/geldkarte/index.ts'],
  terminal: ['src/terminal/index.ts', 'src/terminal/geldkarte/index.ts'],
};

/**
 * Layers that may import other layers' modules directly instead of their index.ts:
 * the CLI only, the composition root on top of everything (nothing imports it). Its
 * commands load, lazily and per command, just the modules they use, so that
 * `emvsim --help` and each command start fast (issue 15): src/apdu/index.ts alone
 * costs ~28 ms to load where src/apdu/errors.js costs ~1 ms (dist/, this machine).
 */
const DEEP_IMPORTS_ALLOWED = new Set(['cli']);

function entryPoints(layer: string): readonly string[] {
  return ENTRY_POINTS[layer] ?? [`src/${layer}/index.ts`];
}

/**
 * Files of the terminal that may do file I/O: the loaders of terminal profiles,
 * CAPK files, liability tables and key files (and the wiring that calls them).
 * Every other terminal module is a kernel step or its data and stays I/O-free.
 */
const TERMINAL_LOADERS = new Set([
  'src/terminal/config-loader.ts',
  'src/terminal/capk-lookup.ts',
  'src/terminal/liability-file.ts',
  'src/terminal/key-file.ts',
  'src/terminal/project-root.ts',
]);

/** Node modules that reach the file system, network, processes or the environment. */
const IO_MODULES = /^(node:)?(fs|fs\/promises|path|url|os|net|tls|http|https|http2|dgram|child_process|worker_threads|cluster|process|readline|module)$/;

export interface ImportRef {
  specifier: string;
  line: number;
}

export interface SourceGraph {
  /** Repository-relative file -> its imports. */
  files: Map<string, ImportRef[]>;
}

/** The imports of one file as TypeScript's scanner sees them: static, `import type`, `export from`, dynamic `import()`. */
export function importsOf(text: string): ImportRef[] {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map((f) => ({ specifier: f.fileName, line: text.slice(0, f.pos).split('\n').length }));
}

function listSources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...listSources(p));
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The import graph of src/; `extra` appends lines to files (or adds files), to show the rules catch them. */
export function sourceGraph(extra: Readonly<Record<string, string>> = {}): SourceGraph {
  const files = new Map<string, ImportRef[]>();
  const names = new Set([...listSources('src'), ...Object.keys(extra)]);
  for (const file of names) {
    let text = '';
    try {
      text = readFileSync(join(ROOT, file), 'utf8');
    } catch {
      // a file that exists only in `extra`
    }
    files.set(file, importsOf(text + '\n' + (extra[file] ?? '')));
  }
  return { files };
}

/** The layer of a repository-relative source file: src/LAYER/..., or '(root)' for src/index.ts. */
export function layerOf(file: string): string {
  const parts = file.split('/');
  return parts.length === 2 ? '(root)' : parts[1]!;
}

/** The repository-relative .ts file a relative specifier names. */
function resolveSpecifier(from: string, specifier: string): string {
  return relative(ROOT, resolve(ROOT, dirname(from), specifier)).replace(/\.js$/, '.ts');
}

/** A cycle in the allowed-dependency table, as the layers along it, or [] when there is none. */
export function layerCycle(layers: Readonly<Record<string, readonly string[]>>): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (layer: string): string[] => {
    if (state.get(layer) === 'done') return [];
    if (state.get(layer) === 'open') return [...path.slice(path.indexOf(layer)), layer];
    state.set(layer, 'open');
    path.push(layer);
    for (const dep of layers[layer] ?? []) {
      const cycle = visit(dep);
      if (cycle.length > 0) return cycle;
    }
    path.pop();
    state.set(layer, 'done');
    return [];
  };
  for (const layer of Object.keys(layers)) {
    const cycle = visit(layer);
    if (cycle.length > 0) return cycle;
  }
  return [];
}

/** Import cycles among the files (Tarjan's strongly connected components), each as a path that closes. */
function fileCycles(edges: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (edges.get(v) ?? []).includes(v)) components.push(component);
    }
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) connect(v);
  // One concrete cycle per component, from its first file (sorted), by breadth-first search back to it.
  return components.map((component) => {
    const members = new Set(component);
    const start = [...component].sort()[0]!;
    const previous = new Map<string, string>();
    const queue = [start];
    while (queue.length > 0) {
      const v = queue.shift()!;
      for (const w of edges.get(v) ?? []) {
        if (!members.has(w)) continue;
        if (w === start) {
          const path = [start];
          for (let x = v; x !== start; x = previous.get(x)!) path.splice(1, 0, x);
          return [...path, start];
        }
        if (!previous.has(w)) {
          previous.set(w, v);
          queue.push(w);
        }
      }
    }
    return component;
  });
}

/** Every breach of the rules, one line each ('file:line: ...'); [] when the sources keep them. */
export function checkArchitecture(graph: SourceGraph): string[] {
  const problems: string[] = [];
  const edges = new Map<string, string[]>();
  for (const [file, imports] of graph.files) {
    const layer = layerOf(file);
    const allowed = LAYERS[layer];
    if (!allowed) {
      problems.push(`${file}: layer '${layer}' is not in the allowed-dependency table (test/architecture/rules.ts LAYERS): add it there`);
      continue;
    }
    const targets: string[] = [];
    for (const { specifier, line } of imports) {
      const at = `${file}:${line}`;
      if (!specifier.startsWith('.')) {
        if (layer === 'apdu' && (specifier.startsWith('node:') || IO_MODULES.test(specifier))) {
          problems.push(`${at}: apdu may not import ${specifier} (apdu is pure: no node:* modules)`);
        } else if (layer === 'terminal' && IO_MODULES.test(specifier) && !TERMINAL_LOADERS.has(file)) {
          problems.push(`${at}: a terminal step may not do file I/O (${specifier}); loaders do`);
        }
        continue;
      }
      const target = resolveSpecifier(file, specifier);
      targets.push(target);
      if (!target.startsWith('src/')) {
        problems.push(`${at}: ${specifier} leaves src/`);
        continue;
      }
      const targetLayer = layerOf(target);
      if (targetLayer === layer) continue;
      if (!allowed.includes(targetLayer)) problems.push(`${at}: ${layer} may not import ${targetLayer} (${specifier})`);
      if (!DEEP_IMPORTS_ALLOWED.has(layer) && !entryPoints(targetLayer).includes(target)) problems.push(`${at}: ${specifier} reaches into ${targetLayer} past its index.ts`);
    }
    edges.set(file, targets);
  }
  for (const cycle of fileCycles(edges)) problems.push(`import cycle: ${cycle.join(' -> ')}`);
  return problems;
}
