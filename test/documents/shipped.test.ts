/** Every document shipped under scripts/ validates against its schema and loads. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listShipped, projectRoot, shippedDirectory } from '../../src/documents/index.js';
import { loadProfile } from '../../src/card/index.js';
import { loadTerminalProfile } from '../../src/terminal/config-loader.js';
import { loadLiabilityTable } from '../../src/terminal/liability-file.js';
import { loadKeyFile } from '../../src/terminal/key-file.js';
import { loadRules } from '../../src/issuer/index.js';
import { loadSuite } from '../../src/conformance/load.js';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe('shipped documents', () => {
  it.each(listShipped('card'))('card profile %s', (name) => {
    expect(loadProfile(name).applications.length).toBeGreaterThan(0);
  });
  it.each(listShipped('terminal'))('terminal profile %s', (name) => {
    expect(loadTerminalProfile(name).applications.length).toBeGreaterThan(0);
  });
  it.each(listShipped('liability'))('liability rules %s', (name) => {
    expect(loadLiabilityTable(join(shippedDirectory('liability'), `${name}.yaml`)).rules.length).toBeGreaterThan(0);
  });
  it.each(listShipped('issuer'))('issuer rules %s', (name) => {
    expect(loadRules(join(shippedDirectory('issuer'), `${name}.yaml`)).rules.length).toBeGreaterThan(0);
  });
  it.each(listShipped('keys'))('key file %s', (name) => {
    expect(loadKeyFile(name).key('zpkTdes', [16, 24])).toHaveLength(16);
  });
  it('every conformance file', () => {
    const suite = loadSuite([shippedDirectory('conformance')]);
    expect(suite.errors.map((e) => e.message)).toEqual([]);
    expect(suite.cases.length).toBeGreaterThan(100);
  });
  it('every YAML file under scripts/ is one of the kinds above', () => {
    const yaml = filesUnder(join(projectRoot(), 'scripts')).filter((f) => /\.ya?ml$/.test(f));
    const known = ['cards', 'terminals', 'liability', 'issuer', 'keys', 'conformance'].map((d) => join(projectRoot(), 'scripts', d));
    expect(yaml.filter((f) => !known.some((d) => f.startsWith(d + '/')))).toEqual([]);
  });
});
