/** The editor's copy of a schema: JSON text, as written to scripts/conformance/scenario.schema.json. */
import { scenarioSchema } from './scenario.js';

export function scenarioSchemaJson(): string {
  return `${JSON.stringify(scenarioSchema, null, 2)}\n`;
}
