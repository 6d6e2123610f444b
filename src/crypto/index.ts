/**
 * src/crypto: EMV cryptography shared by card, terminal and issuer.
 * Symmetric half: DES/AES, MACs, key derivation, cryptograms, secure messaging,
 * PIN blocks, Luhn, IBAN. The RSA/ODA half adds its export lines below.
 */
export * from './errors.js';
export * from './des.js';
export * from './aes.js';
export * from './padding.js';
export * from './mac.js';
export * from './hash.js';
export * from './key-derivation.js';
export * from './cryptogram.js';
export * from './secure-messaging.js';
export * from './pin-block.js';
export * from './luhn.js';
export * from './iban.js';
// --- RSA / ODA exports (owned by the RSA engineer) below this line ---
export * from './rsa.js';
export * from './capk.js';
export * from './enciphered-pin.js';
export * from './oda/index.js';
