import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compileYamlDocument, parseYamlMemo, usePrecompiledYaml } from '../../src/documents/index.js';

const scripts = join(__dirname, '..', '..', 'scripts');

function* yamlFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* yamlFiles(path);
    else if (entry.name.endsWith('.yaml')) yield path;
  }
}

/** Every path into a value (keys of mappings, indices of lists), plus one that does not exist under each. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix, [...prefix, 'no-such-field']];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

afterEach(() => usePrecompiledYaml(undefined));

describe('YAML documents compiled at build time', () => {
  const files = [...yamlFiles(scripts)];

  it('covers the shipped documents', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it.each(files.map((f) => [f.slice(scripts.length + 1), f]))('%s: the compiled form gives the parsed value and every line', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    const compiled = compileYamlDocument(text);
    expect(compiled).toBeDefined();
    const parsed = parseYamlMemo(text);
    usePrecompiledYaml((t) => (t === text ? compiled : undefined));
    const served = parseYamlMemo(text);
    expect(served).not.toBe(parsed);
    expect(served.firstError).toBeUndefined();
    expect(served.toJS()).toEqual(parsed.toJS());
    for (const path of paths(parsed.toJS())) expect([path, served.nodeLine(path)]).toEqual([path, parsed.nodeLine(path)]);
  });

  it('hands out a fresh value on every call', () => {
    const text = 'a: {b: [1, 2]}\n';
    usePrecompiledYaml(() => compileYamlDocument(text));
    const first = parseYamlMemo(text).toJS() as { a: { b: number[] } };
    first.a.b.push(3);
    expect(parseYamlMemo(text).toJS()).toEqual({ a: { b: [1, 2] } });
  });

  it('compiles nothing JSON cannot carry exactly, and no document with errors', () => {
    expect(compileYamlDocument('a: .inf\n')).toBeUndefined();
    expect(compileYamlDocument('a: -0\n')).toBeUndefined();
    expect(compileYamlDocument('a: [1, 2\n')).toBeUndefined();
  });

  it('names the line of a syntax error', () => {
    expect(parseYamlMemo('a: 1\nb: [1, 2\nc: 3\n').firstError?.line).toBeGreaterThanOrEqual(2);
  });

  it('parses a changed text afresh', () => {
    expect(parseYamlMemo('x: 1\n').toJS()).toEqual({ x: 1 });
    expect(parseYamlMemo('x: 2\n').toJS()).toEqual({ x: 2 });
  });
});
