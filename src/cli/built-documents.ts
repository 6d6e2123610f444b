/**
 * Serves the shipped YAML documents compiled at build time (dist/documents*.json, written by
 * scripts/build/documents.mjs) to the loaders, through src/documents/yaml-memo.ts's hook: the file is
 * read on the first document a command loads (`--help` reads nothing), and a document is found by
 * the SHA-1 of its text, so an edited profile is parsed as usual. No file, no lookup: YAML parsing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CompiledYaml, usePrecompiledYaml } from '../documents/yaml-memo.js';
import { packageRoot } from '../platform/package-root.js';

/** dist/documents.json first (profiles, keys, liability tables), then the conformance suite's file. */
const FILES = ['documents.json', 'documents-conformance.json'];

function readCompiled(name: string): Record<string, CompiledYaml> {
  try {
    const file = JSON.parse(readFileSync(join(packageRoot(), 'dist', name), 'utf8')) as { format?: number; documents?: Record<string, CompiledYaml> };
    return file.format === 1 && file.documents ? file.documents : {};
  } catch {
    return {}; // not built (tsx, a source checkout): the YAML is parsed
  }
}

export function useBuiltDocuments(): void {
  const loaded: Record<string, CompiledYaml>[] = [];
  usePrecompiledYaml((text) => {
    // node:crypto on first use, not at start-up (`--help` never needs it).
    const hash = process.getBuiltinModule('node:crypto').createHash('sha1').update(text).digest('hex');
    for (let i = 0; i < FILES.length; i++) {
      const documents = (loaded[i] ??= readCompiled(FILES[i]!));
      if (documents[hash]) return documents[hash];
    }
    return undefined;
  });
}
