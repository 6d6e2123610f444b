// Compiles the shipped YAML documents into dist/documents.json (scripts/{cards,terminals,liability,
// keys,issuer}: what a transaction loads, ~30 KB) and dist/documents-conformance.json (the shipped
// suite, ~400 KB, read only when a document is not in the first): for each document, by the SHA-1 of its text, its value as JSON and the
// line of every node (compileYamlDocument in src/documents/yaml-memo.ts). The CLI serves these instead of
// parsing the YAML (src/cli/built-documents.ts); a file whose text changed since the build has
// another hash and is parsed as usual. Run by `npm run build` after tsc.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { compileYamlDocument } = await import(join(root, 'dist', 'src', 'documents', 'yaml-memo.js'));
const FILES = {
  'documents.json': ['cards', 'terminals', 'liability', 'keys', 'issuer'],
  'documents-conformance.json': ['conformance'],
};

function* yamlFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* yamlFiles(path);
    else if (entry.name.endsWith('.yaml')) yield path;
  }
}

let skipped = 0;
for (const [out, folders] of Object.entries(FILES)) {
  const documents = {};
  for (const folder of folders) {
    for (const file of yamlFiles(join(root, 'scripts', folder))) {
      const text = readFileSync(file, 'utf8');
      const compiled = compileYamlDocument(text);
      if (compiled) documents[createHash('sha1').update(text).digest('hex')] = compiled;
      else skipped++;
    }
  }
  writeFileSync(join(root, 'dist', out), JSON.stringify({ format: 1, documents }));
}
if (skipped > 0) process.stderr.write(`documents: ${skipped} shipped YAML file(s) not compiled (syntax errors or values JSON cannot carry); they are parsed at run time\n`);
