/**
 * Terminal Verification Results (95, 5 bytes): a mutable TVR over the shared
 * named-bit table (src/apdu/bitmaps.ts, Book 3 Annex C5 Table 46), so the
 * outcome can say which bits caused a decision.
 */
import { type Bytes, toHex } from '../apdu/index.js';
import { TVR, TVR_BITS, type TvrBitName, clearBit, isBitSet, setBit } from '../apdu/index.js';

export type TvrBit = TvrBitName;
export { TVR, TVR_BITS };

/** The spec's wording for a TVR bit. */
export function tvrBitDescription(bit: TvrBit): string {
  return TVR[bit].description;
}

export class Tvr {
  readonly bytes = new Uint8Array(5);

  set(bit: TvrBit): void {
    setBit(this.bytes, TVR[bit]);
  }

  clear(bit: TvrBit): void {
    clearBit(this.bytes, TVR[bit]);
  }

  has(bit: TvrBit): boolean {
    return isBitSet(this.bytes, TVR[bit]);
  }

  setBits(): TvrBit[] {
    return tvrBitsOf(this.bytes);
  }

  hex(): string {
    return toHex(this.bytes);
  }
}

/** Names of the bits set in `bytes`. */
export function tvrBitsOf(bytes: Bytes): TvrBit[] {
  return TVR_BITS.filter((b) => isBitSet(bytes, b)).map((b) => b.name);
}

/** Names of the TVR bits set both in `tvr` and in an action code (TAC/IAC), Book 3 §10.7. */
export function matchingBits(tvr: Bytes, actionCode: Bytes): TvrBit[] {
  return TVR_BITS.filter((b) => isBitSet(tvr, b) && isBitSet(actionCode, b)).map((b) => b.name);
}

/** True when any bit set in the TVR is also set in the action code. */
export function anyMatch(tvr: Bytes, actionCode: Bytes): boolean {
  for (let i = 0; i < 5; i++) if (((tvr[i] ?? 0) & (actionCode[i] ?? 0)) !== 0) return true;
  return false;
}
