/**
 * The editors' copies of the schemas: JSON files written from the TS schemas
 * (`npm run schemas`), checked current by test/documents/schemas.test.ts.
 * Point a YAML language server at them (`# yaml-language-server: $schema=...`).
 */
import type { JsonSchema } from '../schema.js';
import { cardProfileSchema } from './card-profile.js';
import { scenarioSchema } from './scenario.js';
import { terminalProfileSchema } from './terminal-profile.js';

const BASE = 'https://github.com/emvsim/emvsim/';

function editorCopy(schema: JsonSchema, path: string, title: string): string {
  const withHeader = schema.$schema ? schema : { $schema: 'https://json-schema.org/draft/2020-12/schema', $id: `${BASE}${path}`, title, ...schema };
  return `${JSON.stringify(withHeader, null, 2)}\n`;
}

/** Repository path -> JSON text of every editor schema. */
export function editorSchemas(): Record<string, string> {
  return {
    'scripts/conformance/scenario.schema.json': editorCopy(scenarioSchema, 'scripts/conformance/scenario.schema.json', 'emvsim conformance document'),
    'scripts/schemas/terminal-profile.schema.json': editorCopy(terminalProfileSchema, 'scripts/schemas/terminal-profile.schema.json', 'emvsim terminal profile'),
    'scripts/schemas/card-profile.schema.json': editorCopy(cardProfileSchema, 'scripts/schemas/card-profile.schema.json', 'emvsim card profile'),
  };
}

export function scenarioSchemaJson(): string {
  return editorSchemas()['scripts/conformance/scenario.schema.json']!;
}
