/**
 * Data Object Lists (EMV 4.4 Book 3 §5.4): parsing, the padding and truncation
 * rules by format, and a known-answer CDOL1 data block from the shared vectors
 * (pyemv generate_ac doctest).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ascii, fromHex, toHex } from '../../src/apdu/bytes.js';
import { TlvError } from '../../src/apdu/errors.js';
import { buildDolData, dolDataLength, encodeDol, fitDolValue, parseDol, parseDolData } from '../../src/apdu/dol.js';
import { catchError } from './helpers.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const vectorsPath = path.resolve(repoRoot, 'test', 'vectors', 'emv-known-answers.json');

const from = (values: Record<string, string>) => (tag: string) => (values[tag] !== undefined ? fromHex(values[tag]) : undefined);

describe('parseDol', () => {
  it('reads (tag, length) pairs of a PDOL', () => {
    expect(parseDol('9F02069F1D02')).toEqual([
      { tag: '9F02', length: 6, offset: 0 },
      { tag: '9F1D', length: 2, offset: 3 },
    ]);
  });

  it('reads one-byte and three-byte tags', () => {
    expect(parseDol('9505 DF812901 9A03').map((e) => [e.tag, e.length])).toEqual([
      ['95', 5],
      ['DF8129', 1],
      ['9A', 3],
    ]);
  });

  it('reports an entry without its length at the entry offset', () => {
    const err = catchError(() => parseDol('9F0206 9F1D'));
    expect(err).toBeInstanceOf(TlvError);
    expect((err as TlvError).offset).toBe(3);
  });

  it('reports a truncated multi-byte tag at its offset', () => {
    const err = catchError(() => parseDol('9F0206 9F'));
    expect(err).toBeInstanceOf(TlvError);
    expect((err as TlvError).offset).toBe(3);
  });

  it('encodes back to the same bytes', () => {
    expect(toHex(encodeDol(parseDol('9F02069F03069F1A0295055F2A029A039C019F3704')))).toBe('9F02069F03069F1A0295055F2A029A039C019F3704');
  });
});

describe('buildDolData: §5.4 padding and truncation', () => {
  it('numeric (n) longer than requested keeps the rightmost digits', () => {
    // Amount, Authorised 9F02 is n12 (6 bytes); requested in 4 bytes: leftmost two bytes dropped.
    expect(toHex(buildDolData('9F0204', from({ '9F02': '000000123456' })))).toBe('00123456');
  });

  it('numeric (n) shorter than requested gets leading zeroes', () => {
    expect(toHex(buildDolData('9F0206', from({ '9F02': '1234' })))).toBe('000000001234');
  });

  it('compressed numeric (cn) shorter than requested gets trailing FF', () => {
    expect(toHex(buildDolData('5A0A', from({ '5A': '4761739001010010' })))).toBe('4761739001010010FFFF');
  });

  it('compressed numeric (cn) longer than requested loses its rightmost bytes', () => {
    expect(toHex(buildDolData('5A05', from({ '5A': '4761739001010010' })))).toBe('4761739001');
  });

  it('an/ans values are padded with trailing zeroes and truncated on the right', () => {
    const source = (tag: string) => (tag === '9F1C' ? ascii('TERM0001') : undefined);
    expect(toHex(buildDolData('9F1C0A', source))).toBe('5445524D303030310000');
    expect(toHex(buildDolData('9F1C04', source))).toBe('5445524D');
  });

  it('binary (b) values are padded with trailing zeroes and truncated on the right', () => {
    expect(toHex(buildDolData('9503', from({ '95': '8000048000' })))).toBe('800004');
    expect(toHex(buildDolData('9F3706', from({ '9F37': '11223344' })))).toBe('112233440000');
  });

  it('absent data objects become zeroes of the requested length', () => {
    expect(toHex(buildDolData('9F1D089F3704', from({ '9F37': 'CAFEBABE' })))).toBe('0000000000000000CAFEBABE');
  });

  it('constructed tags are filled with zeroes even when a value exists', () => {
    expect(toHex(buildDolData('7003 9C01', from({ '70': '5F3401', '9C': '09' })))).toBe('00000009');
  });

  it('builds the CDOL1 data of the pyemv generate_ac known answer', () => {
    const vectors = JSON.parse(readFileSync(vectorsPath, 'utf8'));
    const acVector = vectors.symmetric.groups.application_cryptogram.find((v: { id: string }) => v.id === 'ac_doctest_cdol');
    const tags: Record<string, string> = acVector.inputs.tags;
    // The order of the vector's tags is the order of the CDOL1 (standard Visa/EMV CDOL1 prefix).
    const cdol1 = '9F02069F03069F1A0295055F2A029A039C019F37048202 9F3602';
    expect(toHex(buildDolData(cdol1, from(tags)))).toBe(acVector.inputs.data);
    const parsed = parseDolData(cdol1, acVector.inputs.data);
    expect(Object.fromEntries([...parsed].map(([t, v]) => [t, toHex(v)]))).toEqual(tags);
  });
});

describe('fitDolValue and parseDolData', () => {
  it('fits without copying when the length already matches', () => {
    const v = fromHex('0978');
    expect(fitDolValue('5F2A', v, 2)).toBe(v);
  });

  it('splits DOL data back into values in DOL order', () => {
    const data = parseDolData('9F02069F1D02', '000000001000 6C00');
    expect(toHex(data.get('9F02')!)).toBe('000000001000');
    expect(toHex(data.get('9F1D')!)).toBe('6C00');
    expect(dolDataLength(parseDol('9F02069F1D02'))).toBe(8);
  });

  it('rejects data shorter than the DOL requests at the offset of the missing value', () => {
    const err = catchError(() => parseDolData('9F02069F1D02', '000000001000 6C'));
    expect(err).toBeInstanceOf(TlvError);
    expect((err as TlvError).offset).toBe(6);
  });

  it('rejects data longer than the DOL requests', () => {
    const err = catchError(() => parseDolData('9F0201', '0102'));
    expect(err).toBeInstanceOf(TlvError);
    expect((err as TlvError).offset).toBe(1);
  });
});
