/** The documents layer's own pieces: parse limits, line maps for YAML and JSON, "did you mean". */
import { describe, expect, it } from 'vitest';
import { DocumentError } from '../../src/apdu/errors.js';
import { MAX_DOCUMENT_BYTES, closest, documentPath, documentReason, dolProblem, parseJsonSource, parseYamlSource, projectRoot } from '../../src/documents/index.js';
import { jsonLineOf } from '../../src/documents/json-lines.js';

describe('parsing', () => {
  it('an alias bomb and an oversized document are DocumentErrors naming the file', () => {
    const bomb = 'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n';
    expect(() => parseYamlSource(bomb, 'bomb.yaml')).toThrow(DocumentError);
    expect(() => parseYamlSource(bomb, 'bomb.yaml')).toThrow('bomb.yaml: (document): too many alias expansions');
    // A few aliases are fine (anchors for shared settings).
    expect(parseYamlSource('a: &a { x: 1 }\nb: *a\n', 'ok.yaml').value).toEqual({ a: { x: 1 }, b: { x: 1 } });
    expect(() => parseYamlSource('#'.repeat(MAX_DOCUMENT_BYTES + 1), 'big.yaml')).toThrow('big.yaml: (document): the document is');
    expect(() => parseJsonSource('{"a": ', 'x.json')).toThrow('x.json: (document): not JSON');
  });

  it('YAML lines: a field, a list entry, the nearest existing parent', () => {
    const src = parseYamlSource('a:\n  b:\n    - x\n    - y\n  c: 1\n', 'f.yaml');
    expect(src.lineOf(['a', 'b', 1])).toBe(4);
    expect(src.lineOf(['a', 'c'])).toBe(5);
    expect(src.lineOf(['a', 'nothing', 'here'])).toBe(2);
    expect(src.error(['a', 'c'], 'bad').message).toBe('f.yaml:5: a.c: bad');
  });

  it('JSON lines without a YAML parser', () => {
    const text = JSON.stringify({ format: 'x', state: { log: ['00', '11'], pin: '1234' }, 'a"b': { c: [1, { d: true }] } }, null, 1);
    const lineOfText = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    expect(jsonLineOf(text, ['state', 'pin'])).toBe(lineOfText('"pin"'));
    expect(jsonLineOf(text, ['state', 'log', 1])).toBe(lineOfText('"11"'));
    expect(jsonLineOf(text, ['a"b', 'c', 1, 'd'])).toBe(lineOfText('"d"'));
    expect(jsonLineOf(text, ['state', 'missing'])).toBe(lineOfText('"state"'));
    expect(jsonLineOf('{"a":1}', ['a'])).toBe(1);
  });

  it('documentReason strips file:line: field:', () => {
    expect(documentReason(new DocumentError('is wrong', { file: 'f.yaml', line: 3, field: 'a.b' }))).toBe('is wrong');
  });
});

describe('did you mean', () => {
  it.each([
    ['floorLimt', 'floorLimit'],
    ['floorLimti', 'floorLimit'],
    ['FLOORLIMIT', 'floorLimit'],
    ['terminalTyp', 'terminalType'],
    ['whn', 'when'],
  ])('%s -> %s', (typo, known) => expect(closest(typo, ['floorLimit', 'terminalType', 'when', 'tac'])).toBe(known));
  it('says nothing when no name is close', () => expect(closest('colour', ['floorLimit', 'terminalType', 'when'])).toBeUndefined());
});

describe('DOLs', () => {
  it('accepts what the card parses and fits, names the rest', () => {
    expect(dolProblem('9F0206 5F2A02 9F1A02')).toBeUndefined();
    expect(dolProblem('')).toBeUndefined();
    expect(dolProblem('9F33FF')).toMatch(/length field FF/);
    expect(dolProblem('9F02')).toMatch(/has no length/);
    expect(dolProblem('9F3381FF 9F0206', 252)).toMatch(/asks for 261 bytes/);
    expect(dolProblem('9F3')).toMatch(/not an even number/);
  });
});

describe('resource paths', () => {
  it('a shipped name is under scripts/, a path stays the path the user gave', () => {
    expect(documentPath('terminal', 'eu-pos-pin')).toBe(`${projectRoot()}/scripts/terminals/eu-pos-pin.yaml`);
    expect(documentPath('card', './mine.yaml', '/home/user')).toBe('/home/user/mine.yaml');
    expect(documentPath('liability', 'default')).toBe(`${projectRoot()}/scripts/liability/default.yaml`);
  });
});
