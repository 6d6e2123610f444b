/**
 * Building blocks of the document schemas (JSON Schema objects, read by
 * src/documents/schema.ts and written out for editors). Each helper says in
 * `x-expected` what a wrong value should have been, for the error message.
 */
import type { JsonSchema } from '../schema.js';

/** A mapping with exactly these fields (unknown fields are errors). */
export function mapping(properties: Record<string, JsonSchema>, required: string[] = [], description?: string): JsonSchema {
  return {
    type: 'object',
    ...(description ? { description } : {}),
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: false,
    properties,
  };
}

/** Hex text of `min` to `max` bytes (spaces and colons between bytes allowed). */
export function hex(min: number, max = min, description?: string): JsonSchema {
  const count = min === max ? `{${min}}` : `{${min},${max}}`;
  return {
    type: ['string', 'integer'],
    pattern: `^[\\s:]*([0-9A-Fa-f]{2}[\\s:]*)${count}$`,
    'x-expected': min === max ? `${min} byte${min === 1 ? '' : 's'} of hex` : `${min} to ${max} bytes of hex`,
    'x-hex': true,
    ...(description ? { description } : {}),
  };
}

/** Decimal digits, `min` to `max` of them. */
export function digits(min: number, max = min, description?: string): JsonSchema {
  return {
    type: ['string', 'integer'],
    pattern: min === max ? `^[0-9]{${min}}$` : `^[0-9]{${min},${max}}$`,
    'x-expected': min === max ? `${min} decimal digits` : `${min} to ${max} decimal digits`,
    ...(description ? { description } : {}),
  };
}

export function integer(minimum: number, maximum: number, description?: string): JsonSchema {
  return { type: 'integer', minimum, maximum, ...(description ? { description } : {}) };
}

/**
 * Money: an integer in minor units of the currency (ISO 4217 exponent: 800 is 8.00 EUR, 800 JPY).
 * Every such field's name ends in `Minor` (docs/documents.md "Amounts"); src/documents/amounts.ts
 * refuses `8.00` in one from its source text, and a value above `maximum` is said to be too large.
 */
export function minorUnits(maximum: number, description: string): JsonSchema {
  return { type: 'integer', minimum: 0, maximum, 'x-amount': true, description: `${description}, an integer in minor units (800 is 8.00 EUR)` };
}

/** The same mapping, refusing each former field name with the name it has now (`amount` -> `amountMinor`). */
export function renamed(schema: JsonSchema, formerNames: Record<string, string>): JsonSchema {
  return { ...schema, 'x-renamed': formerNames };
}

export function boolean(description?: string): JsonSchema {
  return { type: 'boolean', ...(description ? { description } : {}) };
}

/** Free text (YAML may read a number-like text as a number). */
export function text(description?: string): JsonSchema {
  return { type: ['string', 'integer'], ...(description ? { description } : {}) };
}

export function oneOfValues(values: readonly (string | number)[], description?: string): JsonSchema {
  return { enum: [...values], ...(description ? { description } : {}) };
}

export function list(items: JsonSchema, minItems = 0, description?: string): JsonSchema {
  return { type: 'array', items, ...(minItems > 0 ? { minItems } : {}), ...(description ? { description } : {}) };
}

export function ref(name: string): JsonSchema {
  return { $ref: `#/$defs/${name}` };
}

/** Also accepts null (a field that can be switched off, such as `cvmList: null`). */
export function nullable(schema: JsonSchema): JsonSchema {
  return { anyOf: [{ type: 'null' }, schema] };
}

/** A Data Object List (Book 3 §5.4), checked by the same parser the card uses; its data at most `dataMax` bytes. */
export function dol(dataMax: number, description?: string): JsonSchema {
  return { type: 'string', format: 'dol', 'x-dataMax': dataMax, ...(description ? { description } : {}) };
}

/**
 * The same mapping schema with nothing required, at any depth of mappings (for deltas such
 * as a scenario's `terminal.set`); entries of lists keep what they require, since a list in
 * a delta replaces the base's list whole.
 */
export function partial(schema: JsonSchema, defs: Record<string, JsonSchema>): JsonSchema {
  const s = typeof schema.$ref === 'string' ? defs[schema.$ref.replace('#/$defs/', '')]! : schema;
  if (s.type !== 'object' || !s.properties) return schema;
  const { required: _required, ...rest } = s;
  const properties = Object.fromEntries(Object.entries(s.properties as Record<string, JsonSchema>).map(([k, v]) => [k, partial(v, defs)]));
  return { ...rest, properties };
}
