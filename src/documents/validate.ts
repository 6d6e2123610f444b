/**
 * Checks a parsed document against its schema: the first violation becomes a
 * DocumentError naming the document's file, the line of the field and the
 * field path (with "did you mean" for a misspelt field).
 */
import { SchemaValidator, type JsonSchema } from './schema.js';
import type { YamlSource } from './yaml.js';

const validators = new WeakMap<JsonSchema, SchemaValidator>();

/** The (cached) validator of a root schema. */
export function validatorOf(schema: JsonSchema): SchemaValidator {
  let v = validators.get(schema);
  if (!v) {
    v = new SchemaValidator(schema);
    validators.set(schema, v);
  }
  return v;
}

/** Throws a DocumentError at file:line:field when `src` does not follow `schema`. */
export function checkDocument(src: YamlSource, schema: JsonSchema): void {
  const violation = validatorOf(schema).validate(src.value);
  if (violation) throw src.error(violation.path, violation.message);
}
