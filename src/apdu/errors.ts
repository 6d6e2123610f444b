/**
 * Typed errors. Every error caused by bad input names the place: a byte offset
 * in a buffer, a field path in a document, or a file:line. The CLI turns these
 * into one-line messages with exit code 2 (never a stack trace).
 */

/** Base class: `code` is stable for programs, `message` is for people. */
export class EmvsimError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Malformed hexadecimal text. `position` is the character index in the input. */
export class HexError extends EmvsimError {
  readonly position: number;
  constructor(message: string, position: number) {
    super('HEX', `${message} at character ${position}`);
    this.position = position;
  }
}

/** Malformed bytes: an APDU, TLV, ATR or host message. `offset` is the byte offset. */
export class ParseError extends EmvsimError {
  readonly offset: number;
  readonly what: string;
  constructor(what: string, message: string, offset: number) {
    super('PARSE', `${what}: ${message} at byte offset ${offset}`);
    this.what = what;
    this.offset = offset;
  }
}

/** Malformed BER-TLV (EMV Book 3 Annex B). */
export class TlvError extends ParseError {
  constructor(message: string, offset: number) {
    super('TLV', message, offset);
  }
}

/** Malformed or invalid command/response APDU (ISO/IEC 7816-4 §5). */
export class ApduError extends ParseError {
  constructor(message: string, offset: number) {
    super('APDU', message, offset);
  }
}

/** Malformed Answer-To-Reset (ISO/IEC 7816-3 §8, EMV Book 1 §8). */
export class AtrError extends ParseError {
  constructor(message: string, offset: number) {
    super('ATR', message, offset);
  }
}

/** A document (YAML profile, script, JSON card image) that does not validate. */
export class DocumentError extends EmvsimError {
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly field: string;
  constructor(message: string, where: { file?: string; line?: number; field: string }) {
    const place = `${where.file ?? '<input>'}${where.line !== undefined ? `:${where.line}` : ''}`;
    super('DOCUMENT', `${place}: ${where.field}: ${message}`);
    this.file = where.file;
    this.line = where.line;
    this.field = where.field;
  }
}

/** A transport failure: no reader, mute card, card removed, time-out. */
export class TransportError extends EmvsimError {
  constructor(code: string, message: string) {
    super(code, message);
  }
}

/**
 * The environment stops the run, not the input: a file that cannot be read or written, a port in use,
 * a database, pcscd or a native module missing, a card file locked by another process. The CLI prints
 * one line naming the path or port and what to do, and exits 3.
 */
export class EnvironmentError extends EmvsimError {
  constructor(message: string) {
    super('ENVIRONMENT', message);
  }
}
