/**
 * Parsed YAML documents, memoised by their text, and the hook for documents compiled to JSON at
 * build time.
 *
 * Memo: the same shipped profile is read for every card and scenario (`emvsim conform` parsed
 * scripts/cards/visa-cvn18.yaml 141 times per run), and parsing is most of a load. The text itself
 * is the key, so an edited file is parsed afresh. Bounded in count and size.
 *
 * Precompiled documents: `npm run build` compiles the shipped YAML (scripts/build/documents.mjs,
 * with compileYamlDocument below) into dist/documents.json: each document's value as JSON and the
 * line of every node. The CLI registers a lookup from a document's text to its compiled form
 * (usePrecompiledYaml; src/cli/built-documents.ts), by the text's hash, so a changed file is never
 * served stale and a start-up reads JSON instead of parsing YAML. This module does no I/O.
 */
import { createRequire } from 'node:module';
import type * as YamlLibrary from 'yaml';
import type { Document, LineCounter, Node } from 'yaml';

let yamlModule: typeof YamlLibrary | undefined;

/**
 * The yaml library, loaded on first use: a command that reads only compiled documents (`emvsim
 * transact` on shipped profiles) never loads its ~265 KB of code. Synchronous, so through require.
 */
export function yamlLibrary(): typeof YamlLibrary {
  return (yamlModule ??= createRequire(import.meta.url)('yaml') as typeof YamlLibrary);
}

type Path = readonly (string | number)[];

export interface ParsedYaml {
  /** The first syntax error and its line (never for a compiled document: it parsed cleanly at build time). */
  readonly firstError: { message: string; line: number } | undefined;
  /** True when served from the build's compiled documents. */
  readonly compiled: boolean;
  /** The YAML Document and its line counter, for checks on the source form (parsed on first use when compiled). */
  document(): { doc: Document; lineCounter: LineCounter };
  /** A fresh copy of the document's value (callers may change it). */
  toJS(): unknown;
  /** Line (1-based) of the node exactly at `path` ([] = the document's root), if there is one. */
  nodeLine(path: Path): number | undefined;
}

/** A compiled document: its value as JSON text and the line of each node by path (joined with NUL). */
export interface CompiledYaml {
  json: string;
  lines: Record<string, number>;
}

const pathKey = (path: Path) => path.join('\u0000');

function parseYamlText(text: string): { doc: Document; lineCounter: LineCounter } {
  const { LineCounter, parseDocument } = yamlLibrary();
  const lineCounter = new LineCounter();
  return { doc: parseDocument(text, { lineCounter, prettyErrors: false }), lineCounter };
}

function fromYaml(text: string): ParsedYaml {
  const { isNode } = yamlLibrary();
  const { doc, lineCounter } = parseYamlText(text);
  const e = doc.errors[0];
  return {
    firstError: e ? { message: e.message, line: lineCounter.linePos(e.pos[0]).line } : undefined,
    compiled: false,
    document: () => ({ doc, lineCounter }),
    toJS: () => doc.toJS() as unknown,
    nodeLine(path) {
      const node = path.length === 0 ? doc.contents : doc.getIn(path, true);
      return isNode(node) && node.range ? lineCounter.linePos(node.range[0]).line : undefined;
    },
  };
}

/**
 * The compiled form of a YAML text (for the build), or undefined when it has errors or a value JSON
 * cannot carry exactly. `lines` holds every node that nodeLine of the parsed text would find.
 */
export function compileYamlDocument(text: string): CompiledYaml | undefined {
  const { isMap, isNode, isSeq } = yamlLibrary();
  const { doc, lineCounter } = parseYamlText(text);
  if (doc.errors.length > 0) return undefined;
  const value = doc.toJS() as unknown;
  const json = JSON.stringify(value);
  if (json === undefined || !sameValue(JSON.parse(json), value)) return undefined;
  const lines: Record<string, number> = {};
  const walk = (node: unknown, path: (string | number)[]) => {
    if (!isNode(node)) return;
    if ((node as Node).range) lines[pathKey(path)] = lineCounter.linePos((node as Node).range![0]).line;
    if (isMap(node)) for (const pair of node.items) walk(pair.value, [...path, String(isNode(pair.key) ? (pair.key as { value?: unknown }).value : pair.key)]);
    if (isSeq(node)) node.items.forEach((item, i) => walk(item, [...path, i]));
  };
  walk(doc.contents, []);
  return { json, lines };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' || typeof b === 'number') return Object.is(a, b);
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b) || Object.getPrototypeOf(b) !== (Array.isArray(b) ? Array.prototype : Object.prototype)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function fromCompiled(text: string, compiled: CompiledYaml): ParsedYaml {
  let parsed: ReturnType<typeof parseYamlText> | undefined;
  return {
    firstError: undefined,
    compiled: true,
    document: () => (parsed ??= parseYamlText(text)),
    toJS: () => JSON.parse(compiled.json) as unknown,
    nodeLine: (path) => compiled.lines[pathKey(path)],
  };
}

const memo = new Map<string, ParsedYaml>();
const MAX_DOCUMENTS = 64;
const MAX_TEXT_LENGTH = 64 * 1024;

/** Text -> its compiled form, or undefined when it was not compiled. */
export type CompiledYamlLookup = (text: string) => CompiledYaml | undefined;
let compiledLookup: CompiledYamlLookup | undefined;

/** Registers (or with undefined, removes) the build-time documents; see the module comment. */
export function usePrecompiledYaml(lookup: CompiledYamlLookup | undefined): void {
  compiledLookup = lookup;
  memo.clear();
}

/** The build's compiled form of `text` when there is one (a shipped document), else undefined: nothing is parsed. */
export function compiledYaml(text: string): ParsedYaml | undefined {
  const known = memo.get(text);
  if (known) return known.compiled ? known : undefined;
  const compiled = compiledLookup?.(text);
  if (!compiled) return undefined;
  const parsed = fromCompiled(text, compiled);
  if (text.length <= MAX_TEXT_LENGTH) {
    if (memo.size >= MAX_DOCUMENTS) memo.clear();
    memo.set(text, parsed);
  }
  return parsed;
}

/** The document of `text`, parsed once per distinct text (or served from the build's JSON). */
export function parseYamlMemo(text: string): ParsedYaml {
  const known = memo.get(text);
  if (known) return known;
  const compiled = compiledLookup?.(text);
  const parsed = compiled ? fromCompiled(text, compiled) : fromYaml(text);
  if (text.length <= MAX_TEXT_LENGTH) {
    if (memo.size >= MAX_DOCUMENTS) memo.clear();
    memo.set(text, parsed);
  }
  return parsed;
}
