/**
 * emvsim/documents: YAML documents (and, with the document loaders, resource paths). For now the
 * parse memo and the hook for documents compiled at build time (yaml-memo.ts, docs/performance.md).
 */
export { type ParsedYaml, type CompiledYaml, type CompiledYamlLookup, parseYamlMemo, compileYamlDocument, usePrecompiledYaml, yamlLibrary } from './yaml-memo.js';
