/**
 * The PIN pad's online PIN block (Book 3 §10.5.1, Book 4 §6.3.4.2): the PIN is
 * formatted as an ISO 9564-1 PIN block and enciphered inside the PIN pad under
 * the PIN encryption key (TPK/ZPK) it shares with the acquirer host: formats
 * 0, 1, 3 with TDES (ISO 9564-1 §9.3), format 4 with AES (§9.4.2, whose
 * definition includes the encipherment). Only the enciphered block leaves this
 * function; the clear block is wiped before it returns.
 */
import { type Bytes, fromHex } from '../apdu/index.js';
import { encodePinBlock, tdesEcbEncrypt } from '../crypto/index.js';
import type { OnlinePinEncipherment } from './config.js';

export interface EncipheredPinBlock {
  format: OnlinePinEncipherment['format'];
  /** 8 bytes (formats 0, 1, 3) or 16 bytes (format 4), enciphered under the PIN encryption key. */
  block: Bytes;
}

/**
 * Formats and enciphers the PIN; throws PinBlockError for a PIN that is not 4
 * to 12 digits or a PAN the format cannot take. `random` supplies the fill
 * digits of formats 1, 3 and 4.
 */
export function encipherOnlinePin(settings: OnlinePinEncipherment, pin: string, pan: string, random: (n: number) => Bytes): EncipheredPinBlock {
  const key = fromHex(settings.key);
  try {
    if (settings.format === 4) return { format: 4, block: encodePinBlock(4, pin, { pan, key, random }) };
    const clear = encodePinBlock(settings.format, pin, { pan, random });
    try {
      return { format: settings.format, block: tdesEcbEncrypt(key, clear) };
    } finally {
      clear.fill(0);
    }
  } finally {
    key.fill(0);
  }
}
