/**
 * YAML documents with line numbers for validation errors: a field path maps
 * to the line it is on (yaml's LineCounter), so a DocumentError names
 * file:line and the field.
 */
import { LineCounter, isNode, isPair, isScalar, parseDocument, visit, type Document } from 'yaml';
import { DocumentError } from '../apdu/index.js';

export interface YamlSource {
  file: string;
  value: unknown;
  /** Line (1-based) of the node at `path`, or of its nearest existing parent. */
  lineOf(path: readonly (string | number)[]): number | undefined;
  error(path: readonly (string | number)[], message: string): DocumentError;
}

export function parseYamlSource(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = lineCounter.linePos(e.pos[0]).line;
    throw new DocumentError(e.message.split('\n')[0] ?? 'YAML syntax error', { file, line, field: '(document)' });
  }
  checkMinorUnitAmounts(doc, lineCounter, file);
  const lineOf = (path: readonly (string | number)[]): number | undefined => {
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return {
    file,
    value: doc.toJS(),
    lineOf,
    error(path, message) {
      const line = lineOf(path);
      return new DocumentError(message, { file, ...(line !== undefined ? { line } : {}), field: path.join('.') || '(document)' });
    },
  };
}

/** Typed field readers that throw DocumentErrors naming the field. */
export class FieldReader {
  constructor(readonly src: YamlSource) {}

  private at(path: readonly (string | number)[]): unknown {
    let v: unknown = this.src.value;
    for (const p of path) {
      if (v === null || typeof v !== 'object') return undefined;
      v = (v as Record<string | number, unknown>)[p];
    }
    return v;
  }

  has(path: readonly (string | number)[]): boolean {
    return this.at(path) !== undefined && this.at(path) !== null;
  }

  raw(path: readonly (string | number)[]): unknown {
    return this.at(path);
  }

  string(path: readonly (string | number)[], fallback?: string): string {
    const v = this.at(path);
    if (v === undefined || v === null) {
      if (fallback !== undefined) return fallback;
      throw this.src.error(path, 'is required');
    }
    if (typeof v !== 'string' && typeof v !== 'number') throw this.src.error(path, `must be a string, got ${typeof v}`);
    return String(v);
  }

  hex(path: readonly (string | number)[], bytes: number | [number, number], fallback?: string): string {
    const s = this.string(path, fallback).replace(/\s/g, '').toUpperCase();
    const [min, max] = typeof bytes === 'number' ? [bytes, bytes] : bytes;
    if (!/^([0-9A-F]{2})*$/.test(s)) throw this.src.error(path, `'${s}' is not hex`);
    if (s.length / 2 < min || s.length / 2 > max) {
      throw this.src.error(path, `must be ${min === max ? min : `${min} to ${max}`} bytes of hex, got ${s.length / 2}`);
    }
    return s;
  }

  digits(path: readonly (string | number)[], length: number | [number, number], fallback?: string): string {
    const s = this.string(path, fallback);
    const [min, max] = typeof length === 'number' ? [length, length] : length;
    if (!/^[0-9]+$/.test(s) || s.length < min || s.length > max) {
      throw this.src.error(path, `must be ${min === max ? min : `${min} to ${max}`} decimal digits, got '${s}'`);
    }
    return s;
  }

  number(path: readonly (string | number)[], min: number, max: number, fallback?: number): number {
    const v = this.at(path);
    if (v === undefined || v === null) {
      if (fallback !== undefined) return fallback;
      throw this.src.error(path, 'is required');
    }
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
      throw this.src.error(path, `must be a number from ${min} to ${max}, got ${JSON.stringify(v)}`);
    }
    return v;
  }

  boolean(path: readonly (string | number)[], fallback?: boolean): boolean {
    const v = this.at(path);
    if (v === undefined || v === null) {
      if (fallback !== undefined) return fallback;
      throw this.src.error(path, 'is required');
    }
    if (typeof v !== 'boolean') throw this.src.error(path, `must be true or false, got ${JSON.stringify(v)}`);
    return v;
  }

  list(path: readonly (string | number)[], required = false): unknown[] {
    const v = this.at(path);
    if (v === undefined || v === null) {
      if (required) throw this.src.error(path, 'is required');
      return [];
    }
    if (!Array.isArray(v)) throw this.src.error(path, 'must be a list');
    return v;
  }
}

/** Fields that hold money in documents: integers in minor units (docs/cli.md "Amounts"). */
const MINOR_UNIT_FIELD = /^(amount|otherAmount|floorLimit|threshold|balance)$|Amount(Limit|Minor)?$/;

/**
 * `amount: 8.00` reads as the number 8 (8 cents), not 8.00 EUR: an amount field written with a decimal
 * point or an exponent is refused, naming file:line, instead of being taken 100 times too small.
 */
function checkMinorUnitAmounts(doc: Document, lineCounter: LineCounter, file: string): void {
  visit(doc, {
    Pair(_key, pair, path) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const value = pair.value;
      if (!MINOR_UNIT_FIELD.test(key) || !isScalar(value) || typeof value.value !== 'number') return;
      const source = value.source ?? String(value.value);
      if (!/[.eE]/.test(source)) return;
      const line = value.range ? lineCounter.linePos(value.range[0]).line : undefined;
      const field = path
        .filter((n) => isPair(n))
        .map((p) => (isScalar(p.key) ? String(p.key.value) : '?'))
        .concat(key)
        .join('.');
      throw new DocumentError(`'${source}' is not an integer in minor units: amounts in documents are minor units (8.00 EUR is 800)`, {
        file,
        ...(line !== undefined ? { line } : {}),
        field,
      });
    },
  });
}
