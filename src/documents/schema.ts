/**
 * A small interpreter of the JSON Schema subset every emvsim document schema
 * uses (src/documents/schemas; no schema library: the schemas are plain
 * objects, also written out for editors as scripts/conformance/scenario.schema.json).
 * Supported keywords: type, properties, required, additionalProperties,
 * patternProperties, enum, const, pattern, items, minItems, maxItems,
 * minimum, maximum, minLength, oneOf/anyOf (the first alternative that
 * validates wins), allOf, if/then/else and $ref into "#/$defs/".
 * Two additions an editor ignores: `pattern` also applies to the decimal form
 * of an integer (YAML reads `countryCode: 276` as a number), and
 * `format: "dol"` checks a Data Object List (Book 3 §5.4) with the card's own
 * parser, and that its data fits `x-dataMax` bytes. `x-expected` words the message of a pattern, `x-hex` marks hex text
 * (a wrong length is said as such), `x-unknown` names what an unknown key is,
 * `x-keys` says what the keys of a map (patternProperties) look like,
 * `x-renamed` maps a field's former name to its present one (the message says so and why),
 * `x-amount` marks money in minor units (a value above `maximum` is said to be too large).
 * Annotation keywords (description, title, $schema, $id) are ignored.
 *
 * Returns the first violation with its path, so the caller can name
 * file:line and the field (DocumentError). An unknown field gets a
 * "did you mean" when a known one is close.
 */
import { dolDataLength, parseDol } from '../apdu/index.js';
import { TlvError } from '../apdu/index.js';
import { closest, didYouMean } from './suggest.js';

export type JsonSchema = { [keyword: string]: unknown };
type Path = (string | number)[];

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
      const values = (schema.enum as unknown[]).map((e) => String(e));
      const hint = typeof value === 'string' ? didYouMean(value, values) : '';
      return { path, message: `must be one of ${values.join(', ')}; got ${describe(value)}${hint}` };
    }
    const text = typeof value === 'string' ? value : typeof value === 'number' && Number.isInteger(value) ? String(value) : undefined;
    if (text !== undefined && typeof schema.pattern === 'string' && !this.regex(schema.pattern).test(text)) {
      const expected = typeof schema['x-expected'] === 'string' ? schema['x-expected'] : `text matching ${schema.pattern}`;
      const hex = text.replace(/[\s:]/g, '');
      if (schema['x-hex'] === true && /^([0-9A-Fa-f]{2})*$/.test(hex)) return { path, message: `must be ${expected}, got ${hex.length / 2}` };
      return { path, message: `'${text}' is not ${expected}` };
    }
    if (typeof value === 'string') {
      if (typeof schema.minLength === 'number' && value.length < schema.minLength) return { path, message: `must not be empty` };
      if (schema.format === 'dol') {
        const problem = dolProblem(value, typeof schema['x-dataMax'] === 'number' ? schema['x-dataMax'] : 255);
        if (problem) return { path, message: problem };
      }
    }
    if (typeof value === 'number') {
      if (typeof schema.minimum === 'number' && value < schema.minimum) return { path, message: `${value} is below the minimum ${schema.minimum}` };
      if (typeof schema.maximum === 'number' && value > schema.maximum) {
        if (schema['x-amount'] === true) return { path, message: `${value} is too large for this amount: the maximum is ${schema.maximum} (minor units)` };
        return { path, message: `${value} is above the maximum ${schema.maximum}` };
      }
    }
    if (Array.isArray(value)) {
      if (typeof schema.minItems === 'number' && value.length < schema.minItems) return { path, message: `must have at least ${schema.minItems} item(s)` };
      if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) return { path, message: `must have at most ${schema.maxItems} item(s), got ${value.length}` };
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
    if (Array.isArray(schema.allOf)) {
      for (const part of schema.allOf as JsonSchema[]) {
        const v = this.check(part, value, path);
        if (v) return v;
      }
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
    const patternProperties = Object.entries((schema.patternProperties ?? {}) as Record<string, JsonSchema>);
    const isUnknown = (key: string) => !Object.hasOwn(properties, key) && !patternProperties.some(([p]) => this.regex(p).test(key));
    // A former name first: `amount: 800` says it was renamed, not that amountMinor is missing.
    const formerNames = schema['x-renamed'] as Record<string, string> | undefined;
    for (const key of formerNames ? Object.keys(obj) : []) {
      if (isUnknown(key) && Object.hasOwn(formerNames!, key)) return { path: [...path, key], message: renamedMessage(key, formerNames![key]!) };
    }
    if (Array.isArray(schema.required)) {
      for (const key of schema.required as string[]) {
        if (obj[key] !== undefined) continue;
        // `amout: 100` where amountMinor is required: the misspelt field says more than "is required".
        const typo = schema.additionalProperties === false ? Object.keys(obj).find((k) => isUnknown(k) && this.unknownField(schema, k, path).suggested === key) : undefined;
        return typo !== undefined ? this.unknownField(schema, typo, path).violation : { path: [...path, key], message: 'is required' };
      }
    }
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
      if (schema.additionalProperties === false) return this.unknownField(schema, key, path).violation;
      if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        const v = this.check(schema.additionalProperties as JsonSchema, value, [...path, key]);
        if (v) return v;
      }
    }
    return undefined;
  }

  /** An unknown field of a closed mapping, with the known name it is closest to (a former name points at its present one). */
  private unknownField(schema: JsonSchema, key: string, path: Path): { violation: SchemaViolation; suggested?: string } {
    if (typeof schema['x-keys'] === 'string') return { violation: { path: [...path, key], message: `key is not ${schema['x-keys']}` } };
    const known = Object.keys((schema.properties ?? {}) as Record<string, JsonSchema>);
    const formerNames = (schema['x-renamed'] ?? {}) as Record<string, string>;
    const near = closest(key, [...known, ...Object.keys(formerNames)]);
    const suggested = near !== undefined && Object.hasOwn(formerNames, near) ? formerNames[near] : near;
    const hint = suggested === undefined ? '' : ` (did you mean '${suggested}'?)`;
    const noun = typeof schema['x-unknown'] === 'string' ? `${schema['x-unknown']} '${key}'` : 'field';
    const message = `unknown ${noun}${hint || (known.length > 0 ? ` (known: ${known.join(', ')})` : '')}`;
    return { violation: { path: [...path, key], message }, ...(suggested !== undefined ? { suggested } : {}) };
  }
}

/**
 * Why a former field name is refused: money fields in documents say their unit in their name
 * (docs/documents.md "Amounts"), so `amount: 800` became `amountMinor: 800`.
 */
function renamedMessage(old: string, now: string): string {
  const unit = now.endsWith('Minor') ? ' (an integer in minor units: 800 is 8.00 EUR, 800 JPY, 0.800 BHD)' : '';
  return `'${old}' was renamed '${now}'${unit}`;
}

/**
 * Most data a DOL may ask for: the command carrying it is a short APDU (Lc at most 255,
 * ISO/IEC 7816-4 §5.1). GET PROCESSING OPTIONS wraps the PDOL data in tag 83 with a BER
 * length (Book 3 §6.5.8), which takes up to 3 of those bytes; GENERATE AC and INTERNAL
 * AUTHENTICATE carry the CDOL/DDOL data as it is.
 */
export const DOL_DATA_MAX = { pdol: 252, cdol: 255 } as const;

/**
 * Why a Data Object List cannot be used, or undefined: the list is read by the same
 * parseDol the card and the kernel use (Book 3 §5.4: BER tags, each followed by a length of
 * at most 255), so the validator accepts exactly the DOLs personalisation can build, and
 * the data it asks for must fit the command that carries it (`maxData` bytes).
 */
export function dolProblem(text: string, maxData = 255): string | undefined {
  const hex = text.replace(/[\s:]/g, '');
  if (!/^([0-9A-Fa-f]{2})*$/.test(hex)) return `'${text}' is not an even number of hex digits`;
  let total: number;
  try {
    total = dolDataLength(parseDol(hex));
  } catch (err) {
    if (err instanceof TlvError) return `not a data object list (DOL, Book 3 §5.4): ${err.message}`;
    throw err;
  }
  if (total > maxData) return `asks for ${total} bytes of data; the command carrying it holds at most ${maxData} (short APDU, ISO/IEC 7816-4 §5.1)`;
  return undefined;
}
