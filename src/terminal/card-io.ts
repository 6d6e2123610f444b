/**
 * The kernel's card commands (Book 3 §6.5) over the injected CardTransport,
 * wrapped by the kernel in src/apdu/trace.ts's TracingTransport (PIN data masked).
 * A mute card, a transport failure or an unparseable response terminates the
 * transaction with a reason instead of escaping as an exception.
 */
import type { Bytes } from '../apdu/index.js';
import type { CommandApdu, ResponseApdu } from '../apdu/index.js';
import { EmvsimError } from '../apdu/index.js';
import { exchange } from '../apdu/index.js';
import { DEFAULT_CARD_TIMEOUT_MS } from './config.js';
import { type TransactionContext, TransactionTerminated } from './context.js';

/**
 * Sends one command through the T=0/T=1 exchange rules (src/apdu/exchange.ts:
 * 61xx GET RESPONSE, 6Cxx retry) over the kernel's traced transport. Any
 * transport failure terminates the transaction with a reason naming the command.
 */
export async function sendCommand(ctx: TransactionContext, cmd: CommandApdu, label: string): Promise<ResponseApdu> {
  const limit = ctx.env.config.cardTimeoutMs ?? DEFAULT_CARD_TIMEOUT_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    // A bounded wait per command (the terminal profile's cardTimeoutMs): a card that never
    // answers ends the transaction with a defined outcome, never an endless await.
    // One promise settled by whichever comes first (cheaper than Promise.race over two).
    const answer = await new Promise<ResponseApdu | 'timeout'>((resolve, reject) => {
      timer = setTimeout(() => resolve('timeout'), limit);
      exchange(ctx.transport, cmd).then(resolve, reject);
    });
    if (answer === 'timeout') ctx.terminate(`card did not answer ${label} within ${limit} ms (terminal profile cardTimeoutMs)`);
    return answer;
  } catch (err) {
    if (err instanceof TransactionTerminated) throw err;
    const why = err instanceof EmvsimError || err instanceof Error ? err.message : String(err);
    ctx.terminate(`card did not answer ${label}: ${why}`);
  } finally {
    clearTimeout(timer);
  }
}

export const apdu = {
  selectByName(name: Bytes, next = false): CommandApdu {
    return { cla: 0x00, ins: 0xa4, p1: 0x04, p2: next ? 0x02 : 0x00, data: name, le: 256 };
  },
  readRecord(sfi: number, record: number): CommandApdu {
    return { cla: 0x00, ins: 0xb2, p1: record, p2: (sfi << 3) | 0x04, data: new Uint8Array(0), le: 256 };
  },
  getProcessingOptions(pdolData: Bytes): CommandApdu {
    return { cla: 0x80, ins: 0xa8, p1: 0, p2: 0, data: pdolData, le: 256 };
  },
  getData(tag: number): CommandApdu {
    return { cla: 0x80, ins: 0xca, p1: tag >> 8, p2: tag & 0xff, data: new Uint8Array(0), le: 256 };
  },
  getChallenge(): CommandApdu {
    return { cla: 0x00, ins: 0x84, p1: 0, p2: 0, data: new Uint8Array(0), le: 256 };
  },
  /** VERIFY, P2 80 plaintext PIN, 88 enciphered PIN (Book 3 §6.5.12). */
  verify(p2: 0x80 | 0x88, data: Bytes): CommandApdu {
    return { cla: 0x00, ins: 0x20, p1: 0, p2, data };
  },
  internalAuthenticate(ddolData: Bytes): CommandApdu {
    return { cla: 0x00, ins: 0x88, p1: 0, p2: 0, data: ddolData, le: 256 };
  },
  /** GENERATE AC: P1 b8-b7 the cryptogram type, b5 CDA signature requested (Book 3 §6.5.5). */
  generateAc(type: 'AAC' | 'TC' | 'ARQC', cda: boolean, cdolData: Bytes): CommandApdu {
    const p1 = (type === 'AAC' ? 0x00 : type === 'TC' ? 0x40 : 0x80) | (cda ? 0x10 : 0);
    return { cla: 0x80, ins: 0xae, p1, p2: 0, data: cdolData, le: 256 };
  },
  externalAuthenticate(issuerAuthenticationData: Bytes): CommandApdu {
    return { cla: 0x00, ins: 0x82, p1: 0, p2: 0, data: issuerAuthenticationData };
  },
};

/** "Proceed with the card's answer": 9000 only (Book 3 §6.3.5 says other SWs are errors unless listed). */
export function isOk(r: ResponseApdu): boolean {
  return r.sw === 0x9000;
}
