/**
 * Writes the editor schema of conformance files from its source of truth,
 * src/documents/schemas/scenario.ts: `npm run schemas`.
 * test/documents/schemas.test.ts fails when the file is not current.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot, scenarioSchemaJson } from '../../src/documents/index.js';

writeFileSync(join(projectRoot(), 'scripts', 'conformance', 'scenario.schema.json'), scenarioSchemaJson());
