import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/apdu/bytes.js';
import { decodePinBlock, encodePinBlock } from '../../src/crypto/pin-block.js';

describe('ISO 9564 format 3 fill digits with an injected random source', () => {
  it('terminates and fills with A-F even when the source repeats FF', () => {
    const constantFf = (n: number) => new Uint8Array(n).fill(0xff);
    const block = encodePinBlock(3, '1234', { pan: '4111111111111111', random: constantFf });
    // PIN field 3 4 1234 then ten fill digits (FF mod 6 -> 'D'); PAN field 0000 111111111111 (ISO 9564-1 §9.4.1).
    // 341234DDDDDDDDDD xor 0000111111111111 = 341225CCCCCCCCCC, worked by hand.
    expect(toHex(block)).toBe('341225CCCCCCCCCC');
    expect(decodePinBlock(3, block, { pan: '4111111111111111' })).toBe('1234');
  });
});
