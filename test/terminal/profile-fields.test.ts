/**
 * A terminal profile's fields are checked once, by the schema (src/documents/schemas/terminal-profile.ts);
 * the loader reads them and checks one field against another. Hex the schema allows with ':' or spaces
 * between bytes is read as such.
 */
import { describe, expect, it } from 'vitest';
import { DocumentError } from '../../src/apdu/errors.js';
import { catchError } from '../apdu/helpers.js';
import { parseTerminalProfile } from '../../src/terminal/config-loader.js';
import { parseLiabilityTable } from '../../src/terminal/liability.js';

const APP = 'applications:\n  - aid: A0000000031010\n';

function errorOf(fn: () => unknown): DocumentError {
  const e = catchError(fn);
  expect(e).toBeInstanceOf(DocumentError);
  return e as DocumentError;
}

describe('terminal profile fields', () => {
  it("hex with ':' or spaces between bytes, as the schema allows, is read as hex", () => {
    const cfg = parseTerminalProfile(`capabilities: "E0:F8:C8"\nadditionalCapabilities: 60 00 F0 A0 01\n${APP}`, 't.yaml');
    expect(cfg.capabilities).toBe('E0F8C8');
    expect(cfg.additionalCapabilities).toBe('6000F0A001');
  });

  it('a length, range or enum is reported by the schema, at its line', () => {
    expect(errorOf(() => parseTerminalProfile(`capabilities: E0F8\n${APP}`, 't.yaml'))).toMatchObject({ field: 'capabilities', line: 1 });
    expect(errorOf(() => parseTerminalProfile(`terminalType: 27\n${APP}`, 't.yaml'))).toMatchObject({ field: 'terminalType', line: 1 });
    expect(errorOf(() => parseTerminalProfile(`${APP}    scheme: amex\n`, 't.yaml'))).toMatchObject({ field: 'applications.0.scheme', line: 3 });
    expect(errorOf(() => parseTerminalProfile(`onlinePin: { format: 0, key: 00, colour: red }\n${APP}`, 't.yaml')).field).toMatch(/^onlinePin/);
  });

  it('checks across fields stay with the loader', () => {
    const e = errorOf(() => parseTerminalProfile(`${APP}    randomSelection: { targetPercent: 50, maxTargetPercent: 20 }\n`, 't.yaml'));
    expect(e.field).toBe('applications.0.randomSelection.maxTargetPercent');
    expect(e.message).toContain('must not be below targetPercent');
    const key = errorOf(() => parseTerminalProfile(`onlinePin: { format: 4, key: ${'AB'.repeat(20)} }\n${APP}`, 't.yaml'));
    expect(key.message).toContain('format 4 needs an AES key of 16 or 24 or 32 bytes, got 20');
  });

  it('liability tables: parties and variable values by the schema; a $variable that exists by the loader', () => {
    const rule = (party: string) => `rules:\n  - id: a\n    party: ${party}\n    reason: x\n`;
    expect(errorOf(() => parseLiabilityTable(rule('bank'), 'l.yaml'))).toMatchObject({ field: 'rules.0.party', line: 3 });
    expect(errorOf(() => parseLiabilityTable(`variables: { who: bank }\n${rule('$who')}`, 'l.yaml')).field).toBe('variables.who');
    expect(errorOf(() => parseLiabilityTable(rule('$who'), 'l.yaml')).message).toContain('variable $who is not defined under variables');
    expect(parseLiabilityTable(`variables: { who: merchant }\n${rule('$who')}`, 'l.yaml').rules[0]!.party).toBe('merchant');
  });
});
