/**
 * Every fuzz target registered in bench/fuzz-targets.ts, 2,000 cases each:
 * only typed errors, no broken invariant. `npm run fuzz` runs the long version.
 */
import { describe, expect, it } from 'vitest';
import { targets } from '../bench/fuzz-targets.js';
import { mutate } from '../bench/fuzz-apdu.js';
import { mulberry32 as prng } from '../bench/prng.js';

describe('fuzz targets (2,000 cases each)', () => {
  it('at least the APDU target is registered', () => {
    expect(targets.map((t) => t.name)).toContain('apdu (decodeCommand, decodeResponse, parseAtr)');
  });
  for (const target of targets) {
    it(target.name, async () => {
      const result = await target.run(2000, 0x5eed);
      expect(result.cases).toBe(2000);
      expect(result.findings).toEqual([]);
    });
  }
});

describe('fuzz input generator', () => {
  it('is deterministic for a seed', () => {
    const seeds = [Uint8Array.of(0, 0xa4, 4, 0, 1, 0xaa)];
    const a = prng(7);
    const b = prng(7);
    for (let i = 0; i < 50; i++) expect(mutate(a, seeds, 20)).toEqual(mutate(b, seeds, 20));
  });
  it('respects the maximum length', () => {
    const rand = prng(1);
    for (let i = 0; i < 500; i++) expect(mutate(rand, [new Uint8Array(30)], 10).length).toBeLessThanOrEqual(10);
  });
});
