/**
 * A small interpreter of the JSON Schema subset that scenario.schema.json
 * uses (no schema library: the shipped schema is the single source of truth
 * for editors and for emvsim). Supported keywords: type, properties,
 * required, additionalProperties, patternProperties, enum, const, pattern,
 * items, minItems, minimum, maximum, minLength, oneOf/anyOf (the first
 * alternative that validates wins), if/then/else and $ref into "#/$defs/".
 * Annotation keywords (description, title, $schema, $id) are ignored.
 *
 * Returns the first violation with its path, so the caller can name
 * file:line and the field (DocumentError).
 */

export type JsonSchema = { [keyword: string]: unknown };
export type Path = (string | number)[];

export interface SchemaViolation {
  path: Path;
  message: string;
}

type JsonType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'null';

function typeOf(v: unknown): JsonType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'object') return 'object';
  return typeof v as JsonType;
}

function typeMatches(expected: string, v: unknown): boolean {
  const t = typeOf(v);
  return expected === t || (expected === 'number' && t === 'integer');
}

function describe(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

export class SchemaValidator {
  private readonly patterns = new Map<string, RegExp>();

  constructor(private readonly root: JsonSchema) {}

  /** The first violation of `value` against the root schema (or `schema`), or undefined. */
  validate(value: unknown, schema: JsonSchema = this.root, path: Path = []): SchemaViolation | undefined {
    return this.check(schema, value, path);
  }

  /** The schema under "#/$defs/<name>". */
  definition(name: string): JsonSchema {
    return this.resolve(`#/$defs/${name}`);
  }

  private resolve(ref: string): JsonSchema {
    if (!ref.startsWith('#/')) throw new Error(`schema: only local $ref is supported, got ${ref}`);
    let node: unknown = this.root;
    for (const part of ref.slice(2).split('/')) node = (node as Record<string, unknown>)[part];
    if (node === undefined || typeof node !== 'object') throw new Error(`schema: dangling $ref ${ref}`);
    return node as JsonSchema;
  }

  private regex(source: string): RegExp {
    let r = this.patterns.get(source);
    if (!r) {
      r = new RegExp(source, 'u');
      this.patterns.set(source, r);
    }
    return r;
  }

  /** The types an alternative accepts (for choosing which failing branch to report). */
  private acceptedTypes(schema: JsonSchema): string[] | undefined {
    const s = typeof schema.$ref === 'string' ? this.resolve(schema.$ref) : schema;
    if (typeof s.type === 'string') return [s.type];
    if (Array.isArray(s.type)) return s.type as string[];
    if (Array.isArray(s.enum)) return [...new Set((s.enum as unknown[]).map(typeOf))];
    if (s.const !== undefined) return [typeOf(s.const)];
    return undefined;
  }

  private alternatives(list: JsonSchema[], value: unknown, path: Path): SchemaViolation | undefined {
    const failures: { schema: JsonSchema; violation: SchemaViolation }[] = [];
    for (const alt of list) {
      const violation = this.check(alt, value, path);
      if (!violation) return undefined;
      failures.push({ schema: alt, violation });
    }
    // Report the branch written for this kind of value: its error is the most specific.
    const sameType = failures.filter((f) => this.acceptedTypes(f.schema)?.some((t) => typeMatches(t, value)) ?? true);
    if (sameType.length >= 1) {
      // The deepest violation says most about what is wrong.
      return sameType.reduce((a, b) => (b.violation.path.length > a.violation.path.length ? b : a)).violation;
    }
    const kinds = [...new Set(failures.flatMap((f) => this.acceptedTypes(f.schema) ?? []))];
    return { path, message: `must be ${kinds.map((k) => (k === 'object' ? 'a mapping' : k === 'array' ? 'a list' : `a ${k}`)).join(' or ')}, got ${describe(value)}` };
  }

  private check(schema: JsonSchema, value: unknown, path: Path): SchemaViolation | undefined {
    if (typeof schema.$ref === 'string') {
      const v = this.check(this.resolve(schema.$ref), value, path);
      if (v) return v;
    }
    if (schema.type !== undefined) {
      const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
      if (!types.some((t) => typeMatches(t, value))) {
        const want = types.map((t) => (t === 'object' ? 'a mapping' : t === 'array' ? 'a list' : t === 'integer' ? 'an integer' : `a ${t}`)).join(' or ');
        return { path, message: `must be ${want}, got ${describe(value)}` };
      }
    }
    if (schema.const !== undefined && value !== schema.const) return { path, message: `must be ${describe(schema.const)}, got ${describe(value)}` };
    if (Array.isArray(schema.enum) && !(schema.enum as unknown[]).includes(value)) {
      return { path, message: `must be one of ${(schema.enum as unknown[]).map((e) => String(e)).join(', ')}; got ${describe(value)}` };
    }
    if (typeof value === 'string') {
      if (typeof schema.pattern === 'string' && !this.regex(schema.pattern).test(value)) {
        return { path, message: `'${value}' does not match ${schema.pattern}` };
      }
      if (typeof schema.minLength === 'number' && value.length < schema.minLength) return { path, message: `must not be empty` };
    }
    if (typeof value === 'number') {
      if (typeof schema.minimum === 'number' && value < schema.minimum) return { path, message: `${value} is below the minimum ${schema.minimum}` };
      if (typeof schema.maximum === 'number' && value > schema.maximum) return { path, message: `${value} is above the maximum ${schema.maximum}` };
    }
    if (Array.isArray(value)) {
      if (typeof schema.minItems === 'number' && value.length < schema.minItems) return { path, message: `must have at least ${schema.minItems} item(s)` };
      if (schema.items && typeof schema.items === 'object') {
        for (let i = 0; i < value.length; i++) {
          const v = this.check(schema.items as JsonSchema, value[i], [...path, i]);
          if (v) return v;
        }
      }
    }
    if (typeOf(value) === 'object') {
      const v = this.checkObject(schema, value as Record<string, unknown>, path);
      if (v) return v;
    }
    if (Array.isArray(schema.oneOf)) {
      const v = this.alternatives(schema.oneOf as JsonSchema[], value, path);
      if (v) return v;
    }
    if (Array.isArray(schema.anyOf)) {
      const v = this.alternatives(schema.anyOf as JsonSchema[], value, path);
      if (v) return v;
    }
    if (schema.if && typeof schema.if === 'object') {
      const branch = this.check(schema.if as JsonSchema, value, path) ? schema.else : schema.then;
      if (branch && typeof branch === 'object') {
        const v = this.check(branch as JsonSchema, value, path);
        if (v) return v;
      }
    }
    return undefined;
  }

  private checkObject(schema: JsonSchema, obj: Record<string, unknown>, path: Path): SchemaViolation | undefined {
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    if (Array.isArray(schema.required)) {
      for (const key of schema.required as string[]) {
        if (obj[key] === undefined || obj[key] === null) return { path: [...path, key], message: 'is required' };
      }
    }
    const patternProperties = Object.entries((schema.patternProperties ?? {}) as Record<string, JsonSchema>);
    for (const [key, value] of Object.entries(obj)) {
      const own = properties[key];
      if (own) {
        const v = this.check(own, value, [...path, key]);
        if (v) return v;
        continue;
      }
      const byPattern = patternProperties.find(([p]) => this.regex(p).test(key));
      if (byPattern) {
        const v = this.check(byPattern[1], value, [...path, key]);
        if (v) return v;
        continue;
      }
      if (schema.additionalProperties === false) {
        const known = Object.keys(properties);
        return { path: [...path, key], message: `unknown field${known.length > 0 ? ` (known: ${known.join(', ')})` : ''}` };
      }
      if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        const v = this.check(schema.additionalProperties as JsonSchema, value, [...path, key]);
        if (v) return v;
      }
    }
    return undefined;
  }
}
