/** Transaction Status Information (9B, 2 bytes), over the shared table (Book 3 Annex C6 Table 47). */
import { toHex } from '../apdu/index.js';
import { TSI, TSI_BITS, type TsiBitName, isBitSet, setBit } from '../apdu/index.js';

export type TsiBit = TsiBitName;

export class Tsi {
  readonly bytes = new Uint8Array(2);

  set(bit: TsiBit): void {
    setBit(this.bytes, TSI[bit]);
  }

  has(bit: TsiBit): boolean {
    return isBitSet(this.bytes, TSI[bit]);
  }

  setBits(): TsiBit[] {
    return TSI_BITS.filter((b) => isBitSet(this.bytes, b)).map((b) => b.name);
  }

  hex(): string {
    return toHex(this.bytes);
  }
}
