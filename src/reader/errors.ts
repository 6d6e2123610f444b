/**
 * Typed reader errors. Every PC/SC failure becomes a TransportError subclass
 * with a stable `code`, so the terminal and the CLI can tell "no reader" from
 * "card pulled out mid-transaction" without parsing messages.
 *
 * The `smartcard` binding rejects with plain Errors whose message is the
 * pcsc-lite error string (its src/pcsc_errors.h); `pcscErrorFrom` maps those
 * strings (and the binding's own typed errors) onto ours.
 */
import { TransportError } from '../apdu/index.js';

export const PCSC_INSTALL_HINT =
  'install pcsc-lite and rebuild the binding: `apt-get install pcscd libpcsclite-dev` then `npm rebuild smartcard`';

/** The optional native binding (`smartcard`) or libpcsclite is missing. */
export class PcscUnavailableError extends TransportError {
  constructor(detail: string) {
    super('PCSC_UNAVAILABLE', `PC/SC support is not available (${detail}); ${PCSC_INSTALL_HINT}`);
  }
}

/** pcscd is not running, or stopped under us (SCARD_E_NO_SERVICE, SCARD_E_SERVICE_STOPPED). */
export class PcscServiceError extends TransportError {
  constructor(message = 'the PC/SC service (pcscd) is not running') {
    super('NO_SERVICE', `${message}; start it with \`pcscd\` (or \`systemctl start pcscd\`)`);
  }
}

/** No reader of that name (SCARD_E_UNKNOWN_READER, SCARD_E_NO_READERS_AVAILABLE). */
export class NoReaderError extends TransportError {
  constructor(message: string) {
    super('NO_READER', message);
  }
}

/** The reader is there but holds no card (SCARD_E_NO_SMARTCARD). */
export class NoCardError extends TransportError {
  constructor(reader: string) {
    super('NO_CARD', `no card in reader '${reader}'`);
  }
}

/** The card gives no (valid) ATR or stops answering (SCARD_W_UNRESPONSIVE_CARD, time-out). */
export class MuteCardError extends TransportError {
  constructor(reader: string, detail: string) {
    super('CARD_MUTE', `card in '${reader}' does not respond: ${detail}`);
  }
}

/** Another application holds the card exclusively (SCARD_E_SHARING_VIOLATION). */
export class SharingViolationError extends TransportError {
  constructor(reader: string) {
    super('SHARING_VIOLATION', `the card in '${reader}' is in exclusive use by another application`);
  }
}

/** The card left the reader during the session (SCARD_W_REMOVED_CARD). */
export class CardRemovedError extends TransportError {
  constructor(reader: string, during?: string) {
    super('CARD_REMOVED', `card removed from '${reader}'${during ? ` during ${during}` : ''}`);
  }
}

/** Another application reset the card: volatile state (selected app, session) is gone (SCARD_W_RESET_CARD). */
export class CardResetError extends TransportError {
  constructor(reader: string) {
    super('CARD_RESET', `the card in '${reader}' was reset by another application`);
  }
}

/** Any other PC/SC failure; `pcscMessage` is pcsc-lite's own text. */
export class PcscError extends TransportError {
  readonly pcscMessage: string;
  constructor(reader: string | undefined, pcscMessage: string, during?: string) {
    super('PCSC', `PC/SC error${reader ? ` on '${reader}'` : ''}${during ? ` during ${during}` : ''}: ${pcscMessage}`);
    this.pcscMessage = pcscMessage;
  }
}

/** pcsc-lite messages that mean the daemon went away (the handle is dead, a new context is needed). */
const SERVICE_GONE = new Set([
  'PC/SC service not running',
  'PC/SC service stopped',
  'Communication error',
  'Invalid handle',
  'Context is not valid',
]);

/**
 * Maps an error thrown by the `smartcard` binding to a typed TransportError.
 * `reader` names the place; `during` the operation ("transmit 00A40400...").
 */
export function pcscErrorFrom(err: unknown, reader: string | undefined, during?: string): TransportError {
  if (err instanceof TransportError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const where = reader ?? '<no reader>';
  const name = err instanceof Error ? err.name : '';
  if (name === 'ServiceNotRunningError' || SERVICE_GONE.has(message)) {
    return new PcscServiceError(`the PC/SC service is not available (${message})${during ? ` during ${during}` : ''}`);
  }
  if (name === 'NoReadersError' || message === 'No readers available') return new NoReaderError('no PC/SC reader is attached');
  if (message === 'Unknown reader' || message === 'Reader unavailable') return new NoReaderError(`reader '${where}' is not available (${message})`);
  if (message === 'No smart card present') return new NoCardError(where);
  if (name === 'CardRemovedError' || message === 'Card was removed') return new CardRemovedError(where, during);
  if (message === 'Card was reset') return new CardResetError(where);
  if (name === 'SharingViolationError' || message === 'Sharing violation') return new SharingViolationError(where);
  if (message === 'Card is unresponsive' || message === 'Card is unpowered' || message === 'Card is not supported' || message === 'Invalid ATR') {
    return new MuteCardError(where, message);
  }
  if (name === 'TimeoutError' || message === 'Operation timed out') return new MuteCardError(where, `time-out${during ? ` during ${during}` : ''}`);
  return new PcscError(reader, message, during);
}

/** True for errors after which the PC/SC context must be re-established (pcscd restarted). */
export function isServiceLost(err: unknown): boolean {
  return err instanceof PcscServiceError;
}
