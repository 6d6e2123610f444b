/**
 * Terminal-side bitmaps and codes (EMV 4.4 Book 4 Annex A): Terminal Type
 * '9F35' (A1, Table 24), Terminal Capabilities '9F33' (A2, Table 25) and
 * Additional Terminal Capabilities '9F40' (A3, Table 26-29).
 */
import { bitIndex as index, explainBits, type BitDef } from './bitmaps-core.js';

/** Terminal Capabilities '9F33', 3 bytes (Book 4 Annex A2). */
export const TERMINAL_CAPABILITIES_BITS = [
  // Byte 1: card data input capability.
  { name: 'manualKeyEntry', byte: 1, mask: 0x80, description: 'Card data input: manual key entry' },
  { name: 'magneticStripe', byte: 1, mask: 0x40, description: 'Card data input: magnetic stripe' },
  { name: 'icWithContacts', byte: 1, mask: 0x20, description: 'Card data input: IC with contacts' },
  // Byte 2: CVM capability.
  { name: 'plaintextPinForIccVerification', byte: 2, mask: 0x80, description: 'CVM: plaintext PIN for ICC verification' },
  { name: 'encipheredPinForOnlineVerification', byte: 2, mask: 0x40, description: 'CVM: enciphered PIN for online verification' },
  { name: 'signature', byte: 2, mask: 0x20, description: 'CVM: signature (paper)' },
  { name: 'encipheredPinForOfflineVerification', byte: 2, mask: 0x10, description: 'CVM: enciphered PIN for offline verification' },
  { name: 'noCvmRequired', byte: 2, mask: 0x08, description: 'CVM: no CVM required' },
  // Byte 3: security capability.
  { name: 'sda', byte: 3, mask: 0x80, description: 'Security: SDA' },
  { name: 'dda', byte: 3, mask: 0x40, description: 'Security: DDA' },
  { name: 'cardCapture', byte: 3, mask: 0x20, description: 'Security: card capture' },
  { name: 'cda', byte: 3, mask: 0x08, description: 'Security: CDA' },
] as const satisfies readonly BitDef[];
export const TERMINAL_CAPABILITIES = index(TERMINAL_CAPABILITIES_BITS);

/** Additional Terminal Capabilities '9F40', 5 bytes (Book 4 Annex A3). */
export const ADDITIONAL_TERMINAL_CAPABILITIES_BITS = [
  // Byte 1-2: transaction type capability.
  { name: 'cash', byte: 1, mask: 0x80, description: 'Transaction type: cash' },
  { name: 'goods', byte: 1, mask: 0x40, description: 'Transaction type: goods' },
  { name: 'services', byte: 1, mask: 0x20, description: 'Transaction type: services' },
  { name: 'cashback', byte: 1, mask: 0x10, description: 'Transaction type: cashback' },
  { name: 'inquiry', byte: 1, mask: 0x08, description: 'Transaction type: inquiry' },
  { name: 'transfer', byte: 1, mask: 0x04, description: 'Transaction type: transfer' },
  { name: 'payment', byte: 1, mask: 0x02, description: 'Transaction type: payment' },
  { name: 'administrative', byte: 1, mask: 0x01, description: 'Transaction type: administrative' },
  { name: 'cashDeposit', byte: 2, mask: 0x80, description: 'Transaction type: cash deposit' },
  // Byte 3: terminal data input capability.
  { name: 'numericKeys', byte: 3, mask: 0x80, description: 'Data input: numeric keys' },
  { name: 'alphabeticAndSpecialKeys', byte: 3, mask: 0x40, description: 'Data input: alphabetic and special characters keys' },
  { name: 'commandKeys', byte: 3, mask: 0x20, description: 'Data input: command keys' },
  { name: 'functionKeys', byte: 3, mask: 0x10, description: 'Data input: function keys' },
  // Byte 4-5: terminal data output capability.
  { name: 'printAttendant', byte: 4, mask: 0x80, description: 'Data output: print, attendant' },
  { name: 'printCardholder', byte: 4, mask: 0x40, description: 'Data output: print, cardholder' },
  { name: 'displayAttendant', byte: 4, mask: 0x20, description: 'Data output: display, attendant' },
  { name: 'displayCardholder', byte: 4, mask: 0x10, description: 'Data output: display, cardholder' },
  { name: 'codeTable10', byte: 4, mask: 0x02, description: 'Data output: code table 10' },
  { name: 'codeTable9', byte: 4, mask: 0x01, description: 'Data output: code table 9' },
  { name: 'codeTable8', byte: 5, mask: 0x80, description: 'Data output: code table 8' },
  { name: 'codeTable7', byte: 5, mask: 0x40, description: 'Data output: code table 7' },
  { name: 'codeTable6', byte: 5, mask: 0x20, description: 'Data output: code table 6' },
  { name: 'codeTable5', byte: 5, mask: 0x10, description: 'Data output: code table 5' },
  { name: 'codeTable4', byte: 5, mask: 0x08, description: 'Data output: code table 4' },
  { name: 'codeTable3', byte: 5, mask: 0x04, description: 'Data output: code table 3' },
  { name: 'codeTable2', byte: 5, mask: 0x02, description: 'Data output: code table 2' },
  { name: 'codeTable1', byte: 5, mask: 0x01, description: 'Data output: code table 1' },
] as const satisfies readonly BitDef[];
export const ADDITIONAL_TERMINAL_CAPABILITIES = index(ADDITIONAL_TERMINAL_CAPABILITIES_BITS);

export const explainTerminalCapabilities = (bytes: Uint8Array): string[] => explainBits(bytes, TERMINAL_CAPABILITIES_BITS);
export const explainAdditionalTerminalCapabilities = (bytes: Uint8Array): string[] =>
  explainBits(bytes, ADDITIONAL_TERMINAL_CAPABILITIES_BITS);

const OPERATOR: Record<string, string> = { '1': 'financial institution', '2': 'merchant', '3': 'cardholder' };
const ENVIRONMENT: Record<string, string> = {
  '1': 'attended, online only',
  '2': 'attended, offline with online capability',
  '3': 'attended, offline only',
  '4': 'unattended, online only',
  '5': 'unattended, offline with online capability',
  '6': 'unattended, offline only',
};

/**
 * Terminal Type '9F35' (n2, Book 4 Annex A1 Table 24): first digit the
 * operational control (1 financial institution, 2 merchant, 3 cardholder),
 * second digit attended/unattended and online capability. Cardholder-operated
 * terminals (3x) are unattended only, so 31..33 are not defined.
 */
export function explainTerminalType(bytes: Uint8Array): string {
  if (bytes.length !== 1) return `invalid terminal type (${bytes.length} bytes, expected 1)`;
  const digits = bytes[0]!.toString(16).padStart(2, '0');
  const operator = OPERATOR[digits[0]!];
  const environment = ENVIRONMENT[digits[1]!];
  if (!operator || !environment || (digits[0] === '3' && Number(digits[1]) < 4)) return `undefined terminal type ${digits.toUpperCase()}`;
  return `${environment}, operated by ${operator}`;
}
