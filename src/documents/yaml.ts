/**
 * YAML (and JSON, a subset of YAML 1.2) documents with line numbers: a field
 * path maps to the line it is on (yaml's LineCounter), so a DocumentError
 * names file:line and the field. Parsing is bounded: a document above
 * MAX_DOCUMENT_BYTES or with more alias expansions than MAX_ALIAS_COUNT (a
 * "billion laughs" alias bomb) is bad input, never an internal error.
 */
import { createRequire } from 'node:module';
import type { Document, LineCounter as LineCounterClass } from 'yaml';
import { DocumentError } from '../apdu/index.js';
import { checkMinorUnitAmounts } from './amounts.js';
import { jsonLineOf } from './json-lines.js';

type YamlModule = typeof import('yaml');
let yamlModule: YamlModule | undefined;
/** The YAML parser, loaded when the first YAML document is read (card files are JSON and start faster without it). */
function yaml(): YamlModule {
  return (yamlModule ??= createRequire(import.meta.url)('yaml') as YamlModule);
}

export type Path = (string | number)[];

/** Largest document emvsim parses (card images with a full transaction log stay far below). */
export const MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;
/** Alias expansions per document (yaml's own default is 100; shipped documents use none). */
export const MAX_ALIAS_COUNT = 100;

export interface YamlSource {
  file: string;
  value: unknown;
  /** Line (1-based) of the node at `path`, or of its nearest existing parent. */
  lineOf(path: readonly (string | number)[]): number | undefined;
  error(path: readonly (string | number)[], message: string): DocumentError;
}

/** The field path as people write it: `applications.0.floorLimit`, `(document)` for the root. */
export function fieldName(path: readonly (string | number)[]): string {
  return path.join('.') || '(document)';
}

function lineFinder(doc: Document, lineCounter: LineCounterClass) {
  const { isNode } = yaml();
  return (path: readonly (string | number)[]): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
}

function checkSize(text: string, file: string): void {
  if (text.length > MAX_DOCUMENT_BYTES) {
    throw new DocumentError(`the document is ${text.length} characters, more than the limit of ${MAX_DOCUMENT_BYTES}`, { file, field: '(document)' });
  }
}

/** Parses YAML text; syntax errors, alias bombs and oversized text are DocumentErrors naming `file`. */
export function parseYamlSource(text: string, file: string): YamlSource {
  checkSize(text, file);
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = lineCounter.linePos(e.pos[0]).line;
    throw new DocumentError(e.message.split('\n')[0] ?? 'YAML syntax error', { file, line, field: '(document)' });
  }
  checkMinorUnitAmounts(yaml(), doc, lineCounter, file);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    // yaml throws a ReferenceError for "Excessive alias count": an alias bomb is bad input.
    if (err instanceof ReferenceError) {
      throw new DocumentError(`too many alias expansions (more than ${MAX_ALIAS_COUNT}; an alias bomb?)`, { file, field: '(document)' });
    }
    throw err;
  }
  return sourceOf(file, value, lineFinder(doc, lineCounter));
}

function sourceOf(file: string, value: unknown, lineOf: (path: readonly (string | number)[]) => number | undefined): YamlSource {
  return {
    file,
    value,
    lineOf,
    error(path, message) {
      const line = lineOf(path);
      return new DocumentError(message, { file, ...(line !== undefined ? { line } : {}), field: fieldName(path) });
    },
  };
}

/**
 * Parses JSON text (card files, Geldkarte purse/merchant/clearing files). JSON.parse is fast;
 * lines are found only when an error needs one.
 */
export function parseJsonSource(text: string, file: string): YamlSource {
  checkSize(text, file);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new DocumentError(`not JSON: ${(e as Error).message}`, { file, field: '(document)' });
  }
  return sourceOf(file, value, (path) => jsonLineOf(text, path));
}

/** The message of a DocumentError without its `file:line: field: ` prefix. */
export function documentReason(e: DocumentError): string {
  const prefix = `${e.file ?? '<input>'}${e.line !== undefined ? `:${e.line}` : ''}: ${e.field}: `;
  return e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
}
