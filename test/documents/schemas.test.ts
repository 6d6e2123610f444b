/** The editor schemas and the validator agree: the JSON files are written from the TS source. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SchemaValidator, editorSchemas, parseYamlSource, projectRoot, scenarioSchema } from '../../src/documents/index.js';
import { parseConformanceFile } from '../../src/conformance/load.js';

const file = join(projectRoot(), 'scripts', 'conformance', 'scenario.schema.json');

describe('scenario.schema.json', () => {
  it.each(Object.entries(editorSchemas()))('%s is current (run `npm run schemas` after changing src/documents/schemas)', (path, text) => {
    expect(readFileSync(join(projectRoot(), path), 'utf8')).toBe(text);
  });

  it('the file on disk, read as a schema, judges documents as the loader does', () => {
    const fromDisk = new SchemaValidator(JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>);
    const documents = [
      'id: ok\ntitle: t\nspec: s\ntransaction: { amountMinor: 100 }\nexpect: { outcome: approved }\n',
      'id: typo\ntitle: t\nspec: s\nterminal: { eachApplication: { floorLimt: 0 } }\ntransaction: { amountMinor: 100 }\nexpect: { outcome: approved }\n',
      'id: typo2\ntitle: t\nspec: s\ncard: { set: { cvmLst: "00" } }\ntransaction: { amountMinor: 100 }\nexpect: { outcome: approved }\n',
      'id: typo3\ntitle: t\nspec: s\nterminal: { set: { terminalTyp: "22" } }\ntransaction: { amountMinor: 100 }\nexpect: { outcome: approved }\n',
    ];
    for (const text of documents) {
      const value = parseYamlSource(text, 'x.yaml').value;
      const disk = fromDisk.validate(value);
      const source = new SchemaValidator(scenarioSchema).validate(value);
      expect(disk).toEqual(source);
      let loaderError: string | undefined;
      try {
        parseConformanceFile(text, 'x.yaml');
      } catch (e) {
        loaderError = (e as Error).message;
      }
      expect(loaderError === undefined).toBe(disk === undefined);
    }
  });
});
