/**
 * The transport layer between the terminal application layer and a
 * CardTransport: EMV Book 1 §9.3 (T=0 transport of APDUs) and the examples of
 * Book 1 Annex A, with the ISO/IEC 7816-4 §5.1.3 conventions for 61xx/6Cxx.
 *
 *  - 61xx: send GET RESPONSE (00 C0 00 00 xx) and keep going while the card
 *    answers 61xx, concatenating the data (Book 1 §9.3.1.3, Annex A2/A4).
 *  - 6Cxx: send the same command again with Le = xx (Book 1 §9.3.1.2, Annex A3).
 *  - T=0, case 4: the C-APDU goes without Le (Book 1 §9.3.1.1, case 4 mapping);
 *    a warning 62xx/63xx answered without data is followed by GET RESPONSE
 *    with Le 00, and the warning is what the caller gets, with the data
 *    (Book 1 §9.3.1.3, Annex A5/A6).
 *  - Never a GET RESPONSE after 63Cx to VERIFY: that is the PIN try counter,
 *    not a pending answer (Book 3 §6.5.12.4).
 * The number of round trips is bounded so a faulty card cannot loop us.
 */
import { type Bytes, concat, fromHex } from './bytes.js';
import {
  type CommandApdu,
  type DecodedCommand,
  type ResponseApdu,
  decodeCommand,
  decodeResponse,
  encodeCommand,
} from './command.js';
import { ApduError, TransportError } from './errors.js';
import type { CardTransport } from './transport.js';

export interface ExchangeOptions {
  /** Upper bound on transmissions for one command (default 300: 65,536 bytes in 256-byte GET RESPONSEs). */
  maxRounds?: number;
}

const DEFAULT_MAX_ROUNDS = 300;
const INS_VERIFY = 0x20;
const INS_GET_RESPONSE = 0xc0;

/** GET RESPONSE, ISO/IEC 7816-4 §7.6.1 / EMV Book 1 §9.3.1.3: CLA 00, P1 P2 00 00, Le = bytes wanted (00 = 256). */
export function getResponseCommand(le: number): Bytes {
  return Uint8Array.of(0x00, INS_GET_RESPONSE, 0x00, 0x00, le & 0xff);
}

/** The command decoded, and its bytes when they came from encodeCommand (then they are what the protocol mapping would encode again). */
function toCommand(input: CommandApdu | Bytes | string): { cmd: DecodedCommand; encoded?: Bytes } {
  if (typeof input === 'string') return { cmd: decodeCommand(fromHex(input)) };
  if (input instanceof Uint8Array) return { cmd: decodeCommand(input) };
  const encoded = encodeCommand(input);
  return { cmd: decodeCommand(encoded), encoded };
}

/** The bytes actually sent for `cmd` on `protocol` (EMV Book 1 §9.3.1.1). */
export function mapCommandForProtocol(cmd: DecodedCommand, protocol: CardTransport['protocol']): Bytes {
  if (protocol === 'T=0') {
    if (cmd.extended) {
      // T=0 carries only short APDUs; extended ones need ENVELOPE (ISO/IEC 7816-3 §12.2.4), which EMV does not use.
      throw new ApduError(`case ${cmd.case} (extended length) cannot be sent over T=0`, 4);
    }
    // Case 4S: Le is not sent; the card announces its answer with 61xx (Book 1 §9.3.1.1).
    if (cmd.case === '4S') return encodeCommand({ cla: cmd.cla, ins: cmd.ins, p1: cmd.p1, p2: cmd.p2, data: cmd.data });
  }
  return encodeCommand(cmd);
}

function isWarning(sw1: number): boolean {
  return sw1 === 0x62 || sw1 === 0x63;
}

/** Sends one C-APDU and applies the transport rules above; returns the R-APDU for the application layer. */
export async function exchange(
  transport: CardTransport,
  command: CommandApdu | Bytes | string,
  options: ExchangeOptions = {},
): Promise<ResponseApdu> {
  const maxRounds = options.maxRounds ?? DEFAULT_MAX_ROUNDS;
  const { cmd, encoded } = toCommand(command);
  const t0 = transport.protocol === 'T=0';
  let rounds = 0;
  const send = async (bytes: Bytes): Promise<ResponseApdu> => {
    if (++rounds > maxRounds) {
      throw new TransportError(
        'EXCHANGE_LOOP',
        `${transport.name}: no final status after ${maxRounds} transmissions for INS ${cmd.ins.toString(16).toUpperCase().padStart(2, '0')}`,
      );
    }
    const raw = await transport.transmit(bytes);
    try {
      return decodeResponse(raw);
    } catch (err) {
      if (err instanceof ApduError) throw new TransportError('BAD_RESPONSE', `${transport.name}: ${err.message}`);
      throw err;
    }
  };

  let current = cmd;
  // encodeCommand(decodeCommand(encodeCommand(x))) is encodeCommand(x): only T=0 case 4 and extended commands map differently.
  const unchanged = encoded !== undefined && !(t0 && (cmd.case === '4S' || cmd.extended));
  let response = await send(unchanged ? encoded : mapCommandForProtocol(current, transport.protocol));

  // 6Cxx: wrong Le; repeat the command with the exact length (Book 1 §9.3.1.2, Annex A3).
  while (response.sw1 === 0x6c) {
    current = { ...current, le: response.sw2 === 0 ? 256 : response.sw2, case: current.data.length > 0 ? '4S' : '2S' };
    response = await send(mapCommandForProtocol(current, transport.protocol));
  }

  // T=0 case 4: a warning without data means data may still be waiting (Book 1 Annex A5).
  if (
    t0 &&
    cmd.case === '4S' &&
    cmd.ins !== INS_VERIFY &&
    response.data.length === 0 &&
    isWarning(response.sw1)
  ) {
    const warning = response;
    let first = await send(getResponseCommand(0));
    // Le 00 may be answered 6Cxx: ask again with the exact length (Annex A5).
    if (first.sw1 === 0x6c) first = await send(getResponseCommand(first.sw2));
    const answer = await collect(send, first);
    if (answer.sw === 0x9000) return { ...answer, sw1: warning.sw1, sw2: warning.sw2, sw: warning.sw };
    // GET RESPONSE has nothing to give: the warning stands alone.
    return warning;
  }
  return collect(send, response);
}

/**
 * Follows 61xx with GET RESPONSE until a final status, concatenating data
 * (Book 1 Annex A2/A4). A 6Cxx to GET RESPONSE is repeated with that length.
 * Never used after VERIFY's 63Cx: only 61xx triggers it.
 */
async function collect(send: (b: Bytes) => Promise<ResponseApdu>, first: ResponseApdu): Promise<ResponseApdu> {
  let response = first;
  const parts: Bytes[] = [];
  for (;;) {
    if (response.sw1 === 0x61) {
      parts.push(response.data);
      response = await send(getResponseCommand(response.sw2));
    } else if (response.sw1 === 0x6c && parts.length > 0) {
      response = await send(getResponseCommand(response.sw2));
    } else {
      break;
    }
  }
  if (parts.length === 0) return response;
  parts.push(response.data);
  return { ...response, data: concat(...parts) };
}

/** Convenience for callers holding bytes: the R-APDU re-encoded (data + SW1 SW2). */
export async function exchangeBytes(transport: CardTransport, command: Bytes | string, options?: ExchangeOptions): Promise<Bytes> {
  const r = await exchange(transport, command, options);
  return concat(r.data, Uint8Array.of(r.sw1, r.sw2));
}
