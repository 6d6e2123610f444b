/** The exit-code classification (src/cli/exit.ts) and colour switches (src/cli/output.ts), in process. */
import { describe, expect, it } from 'vitest';
import { DocumentError, EnvironmentError, TlvError, TransportError } from '../../src/apdu/errors.js';
import { classifyError, EXIT } from '../../src/cli/exit.js';
import { colourEnabled, paint, paintVerdicts } from '../../src/cli/output.js';

function sysError(code: string, syscall: string, extra: Record<string, unknown>): Error {
  return Object.assign(new Error(`${code}: ${syscall}`), { code, syscall, ...extra });
}

describe('classifyError', () => {
  it('bad input is 2 and names the place; an option has no <input> prefix', () => {
    expect(classifyError(new TlvError('truncated', 3))).toEqual({ code: 2, message: 'TLV: truncated at byte offset 3' });
    expect(classifyError(new DocumentError('bad', { field: '--pin' })).message).toBe('--pin: bad');
    expect(classifyError(new DocumentError('bad', { file: 'a.yaml', line: 3, field: 'x' })).message).toBe('a.yaml:3: x: bad');
  });
  it('the environment is 3: files, ports, databases, readers, locks, native modules', () => {
    expect(classifyError(sysError('ENOENT', 'open', { path: '/x/r.xml' }))).toEqual({ code: 3, message: '/x/r.xml: no such file or directory: check the path (open, ENOENT)' });
    expect(classifyError(sysError('EACCES', 'open', { path: '/r.xml' })).message).toMatch(/permission denied/);
    expect(classifyError(sysError('EADDRINUSE', 'listen', { address: '127.0.0.1', port: 8583 }))).toEqual({ code: 3, message: '127.0.0.1:8583 is in use: choose another port or stop the process that holds it' });
    expect(classifyError(Object.assign(new Error('file is not a database'), { code: 'SQLITE_NOTADB' })).code).toBe(3);
    expect(classifyError(new TransportError('NO_READER', 'no reader')).code).toBe(3);
    expect(classifyError(new EnvironmentError('locked')).code).toBe(3);
    expect(classifyError(new DocumentError('cannot read the card file: ENOENT', { file: 'c.json', field: '$' })).code).toBe(3);
    const native = classifyError(Object.assign(new Error('Could not locate the bindings file. Tried: .../better_sqlite3.node'), {}));
    expect(native.code).toBe(3);
    expect(native.message).toMatch(/npm rebuild better-sqlite3/);
  });
  it('a defect is an internal error (70), never 2', () => {
    for (const err of [new TypeError("Cannot read properties of null (reading 'map')"), new RangeError('Invalid array length'), 'a string']) {
      const c = classifyError(err);
      expect(c.code).toBe(EXIT.internal);
      expect(c.message).toMatch(/^internal error \(please report\): /);
    }
  });
});

describe('colour', () => {
  it('is on for a terminal only, and off with NO_COLOR', () => {
    const saved = process.env.NO_COLOR;
    try {
      delete process.env.NO_COLOR;
      expect(colourEnabled({ isTTY: true })).toBe(process.env.TERM !== 'dumb');
      expect(colourEnabled({ isTTY: false })).toBe(false);
      process.env.NO_COLOR = '1';
      expect(colourEnabled({ isTTY: true })).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = saved;
    }
  });
  it('colours verdicts only when enabled', () => {
    expect(paintVerdicts('OUTCOME      APPROVED: ok', false)).toBe('OUTCOME      APPROVED: ok');
    const on = paintVerdicts('PASS a; FAIL b; XFAIL c; DECLINED', true);
    expect(on).toContain('\x1b[32mPASS\x1b[39m');
    expect(on).toContain('\x1b[31mFAIL\x1b[39m');
    expect(on).toContain('XFAIL c');
    expect(on).toContain('\x1b[31mDECLINED\x1b[39m');
    expect(paint('bold', 'x', false)).toBe('x');
  });
});
