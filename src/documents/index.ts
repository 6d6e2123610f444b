/**
 * emvsim documents: YAML/JSON parsing with limits and line numbers, the
 * places of shipped documents, and one schema per document type. Below card,
 * terminal, issuer and conformance; imports only src/apdu.
 */
export { MAX_ALIAS_COUNT, MAX_DOCUMENT_BYTES, documentReason, fieldName, parseJsonSource, parseYamlSource, type Path, type YamlSource } from './yaml.js';
export { FieldReader } from './field-reader.js';
export { SHIPPED_FOLDERS, documentPath, isPathReference, listShipped, projectRoot, readDocumentText, readYamlDocument, shippedDirectory, type ShippedKind } from './paths.js';
export { DOL_DATA_MAX, SchemaValidator, dolProblem, type JsonSchema, type SchemaViolation } from './schema.js';
export { checkDocument, validatorOf } from './validate.js';
export { closest, didYouMean } from './suggest.js';
export { cardProfileSchema } from './schemas/card-profile.js';
export { terminalProfileSchema } from './schemas/terminal-profile.js';
export { scenarioSchema } from './schemas/scenario.js';
export { issuerRulesSchema, keyFileSchema, liabilityRulesSchema } from './schemas/rules.js';
export { editorSchemas, scenarioSchemaJson } from './schemas/editor.js';
export { CARD_FILE as cardFileSchema, CLEARING_STATE as clearingFileSchema, ISSUER_DEBIT_RECORD as issuerDebitRecordSchema, MERCHANT_STATE as merchantFileSchema, PENDING_SUMMARY as pendingSummarySchema, PURSE_STATE as purseStateSchema } from './schemas/files.js';
// The parse memo and the hook for documents compiled at build time (docs/performance.md); parseYamlSource serves them.
export { type ParsedYaml, type CompiledYaml, type CompiledYamlLookup, parseYamlMemo, compileYamlDocument, usePrecompiledYaml, yamlLibrary } from './yaml-memo.js';
// import() of a user's module, also from the CLI bundle (a script run with a code cache: docs/performance.md).
export { importModule } from './import-module.js';
