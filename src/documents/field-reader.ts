/**
 * Typed readers of single fields of a parsed document (after its schema
 * validated it): each turns a value into the loader's type with a fallback,
 * and a failure is a DocumentError naming file:line and the field.
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
