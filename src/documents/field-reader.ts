/**
 * Typed readers of single fields of a parsed document (after its schema
 * validated it): each turns a value into the loader's type with a fallback,
 * and a failure is a DocumentError naming file:line and the field. Lengths,
 * patterns and ranges are the schema's (one place); the readers check only
 * what the loader's type needs.
 */
import type { YamlSource } from './yaml.js';

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

  /** Hex without its separators, upper case. */
  hex(path: readonly (string | number)[], fallback?: string): string {
    const s = this.string(path, fallback).replace(/[\s:]/g, '').toUpperCase();
    if (!/^([0-9A-F]{2})*$/.test(s)) throw this.src.error(path, `'${s}' is not hex`);
    return s;
  }

  digits(path: readonly (string | number)[], fallback?: string): string {
    const s = this.string(path, fallback);
    if (!/^[0-9]+$/.test(s)) throw this.src.error(path, `must be decimal digits, got '${s}'`);
    return s;
  }

  number(path: readonly (string | number)[], fallback?: number): number {
    const v = this.at(path);
    if (v === undefined || v === null) {
      if (fallback !== undefined) return fallback;
      throw this.src.error(path, 'is required');
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) throw this.src.error(path, `must be a number, got ${JSON.stringify(v)}`);
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
