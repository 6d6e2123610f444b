/**
 * pcsc-lite's numbers as the two Node libraries expose them on Linux
 * (PCSC/pcsclite.h of pcsc-lite 1.9): share modes, protocols, dispositions,
 * reader state bits, SCardStatus state bits, return codes, and the two ways the
 * libraries turn a return code into an Error message:
 *   - `smartcard` (src/pcsc_errors.h): a fixed English text, no code;
 *   - `pcsclite`: "<Function> error: <pcsc_stringify_error(code)>(0x<code>)".
 */

export const SCARD = {
  SHARE_EXCLUSIVE: 1,
  SHARE_SHARED: 2,
  SHARE_DIRECT: 3,
  PROTOCOL_UNDEFINED: 0,
  PROTOCOL_T0: 1,
  PROTOCOL_T1: 2,
  PROTOCOL_RAW: 4,
  LEAVE_CARD: 0,
  RESET_CARD: 1,
  UNPOWER_CARD: 2,
  EJECT_CARD: 3,
  STATE_UNAWARE: 0x0000,
  STATE_IGNORE: 0x0001,
  STATE_CHANGED: 0x0002,
  STATE_UNKNOWN: 0x0004,
  STATE_UNAVAILABLE: 0x0008,
  STATE_EMPTY: 0x0010,
  STATE_PRESENT: 0x0020,
  STATE_ATRMATCH: 0x0040,
  STATE_EXCLUSIVE: 0x0080,
  STATE_INUSE: 0x0100,
  STATE_MUTE: 0x0200,
} as const;

/** SCardStatus's dwState bits (pcsclite.h SCARD_ABSENT ... SCARD_SPECIFIC), not the reader-state bits above. */
export const CARD_STATUS = { ABSENT: 0x02, PRESENT: 0x04, SWALLOWED: 0x08, POWERED: 0x10, NEGOTIABLE: 0x20 } as const;

/** The return codes the fakes produce (pcsclite.h). */
export const RC = {
  CANCELLED: 0x80100002,
  INVALID_HANDLE: 0x80100003,
  INVALID_PARAMETER: 0x80100004,
  INSUFFICIENT_BUFFER: 0x80100008,
  UNKNOWN_READER: 0x80100009,
  TIMEOUT: 0x8010000a,
  SHARING_VIOLATION: 0x8010000b,
  NO_SMARTCARD: 0x8010000c,
  PROTO_MISMATCH: 0x8010000f,
  NOT_TRANSACTED: 0x80100016,
  READER_UNAVAILABLE: 0x80100017,
  NO_READERS_AVAILABLE: 0x8010002e,
  UNSUPPORTED_FEATURE: 0x8010001f,
  UNRESPONSIVE_CARD: 0x80100066,
  RESET_CARD: 0x80100068,
  REMOVED_CARD: 0x80100069,
} as const;

/** pcsc_stringify_error() of libpcsclite 1.9 for the codes above. */
const STRINGIFIED: Record<number, string> = {
  [RC.CANCELLED]: 'Command cancelled.',
  [RC.INVALID_HANDLE]: 'Invalid handle.',
  [RC.INVALID_PARAMETER]: 'Invalid parameter given.',
  [RC.INSUFFICIENT_BUFFER]: 'Insufficient buffer.',
  [RC.UNKNOWN_READER]: 'Unknown reader specified.',
  [RC.TIMEOUT]: 'Command timeout.',
  [RC.SHARING_VIOLATION]: 'Sharing violation.',
  [RC.NO_SMARTCARD]: 'No smart card inserted.',
  [RC.PROTO_MISMATCH]: 'Card protocol mismatch.',
  [RC.NOT_TRANSACTED]: 'Transaction failed.',
  [RC.READER_UNAVAILABLE]: 'Reader is unavailable.',
  [RC.NO_READERS_AVAILABLE]: 'Cannot find a smart card reader.',
  [RC.UNSUPPORTED_FEATURE]: 'Feature not supported.',
  [RC.UNRESPONSIVE_CARD]: 'Card is unresponsive.',
  [RC.RESET_CARD]: 'Card was reset.',
  [RC.REMOVED_CARD]: 'Card was removed.',
};

/** smartcard's GetPCSCErrorString() (src/pcsc_errors.h): codes it does not list read "Unknown PC/SC error". */
const SMARTCARD_TEXT: Record<number, string> = {
  [RC.CANCELLED]: 'Operation cancelled',
  [RC.INVALID_HANDLE]: 'Invalid handle',
  [RC.INVALID_PARAMETER]: 'Invalid parameter',
  [RC.INSUFFICIENT_BUFFER]: 'Insufficient buffer',
  [RC.UNKNOWN_READER]: 'Unknown reader',
  [RC.TIMEOUT]: 'Operation timed out',
  [RC.SHARING_VIOLATION]: 'Sharing violation',
  [RC.NO_SMARTCARD]: 'No smart card present',
  [RC.PROTO_MISMATCH]: 'Protocol mismatch',
  [RC.NOT_TRANSACTED]: 'Transaction failed',
  [RC.READER_UNAVAILABLE]: 'Reader unavailable',
  [RC.NO_READERS_AVAILABLE]: 'No readers available',
  [RC.UNRESPONSIVE_CARD]: 'Card is unresponsive',
  [RC.RESET_CARD]: 'Card was reset',
  [RC.REMOVED_CARD]: 'Card was removed',
};

/** A PC/SC call that returned `code` (what the fake pcscd throws; each library fake words it its own way). */
export class PcscReturnCode extends Error {
  readonly code: number;
  constructor(code: number) {
    super(`PC/SC return code 0x${code.toString(16).padStart(8, '0')}`);
    this.name = 'PcscReturnCode';
    this.code = code;
  }
}

/** The Error `smartcard`'s native layer rejects with: a plain Error whose message is its fixed text. */
export function smartcardError(err: unknown): Error {
  if (!(err instanceof PcscReturnCode)) return err instanceof Error ? err : new Error(String(err));
  return new Error(SMARTCARD_TEXT[err.code] ?? 'Unknown PC/SC error');
}

/** The Error `pcsclite` passes to callbacks: "SCardTransmit error: Card was removed.(0x80100069)". */
export function pcscliteError(fn: string, err: unknown): Error {
  if (!(err instanceof PcscReturnCode)) return err instanceof Error ? err : new Error(String(err));
  const text = STRINGIFIED[err.code] ?? 'Unknown error.';
  return new Error(`${fn} error: ${text}(0x${err.code.toString(16).padStart(8, '0')})`);
}
