/**
 * Writes the editor schemas from their source of truth, src/documents/schemas/:
 * `npm run schemas`. test/documents/schemas.test.ts fails when a file is not current.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { editorSchemas, projectRoot } from '../../src/documents/index.js';

for (const [path, text] of Object.entries(editorSchemas())) {
  mkdirSync(dirname(join(projectRoot(), path)), { recursive: true });
  writeFileSync(join(projectRoot(), path), text);
}
