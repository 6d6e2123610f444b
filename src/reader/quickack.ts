/**
 * TCP_QUICKACK through the optional `sockopt` addon (loaded lazily, once).
 * Linux clears the flag after it is used, so it must be set again after every
 * read (tcp(7)); Node has no API for it. Without it a vpcd card runs at ~20
 * APDU/s (40 ms delayed ACKs); with it, thousands.
 */
import { createRequire } from 'node:module';
import type net from 'node:net';

const IPPROTO_TCP = 6;
const TCP_QUICKACK = 12;

type SetSockOpt = (socket: net.Socket, level: number, option: number, value: number) => void;

let setsockopt: SetSockOpt | null | undefined;
let warned = false;

function load(log?: (line: string) => void): SetSockOpt | null {
  if (setsockopt !== undefined) return setsockopt;
  if (process.platform !== 'linux') return (setsockopt = null);
  try {
    const require = createRequire(import.meta.url);
    setsockopt = (require('sockopt') as { setsockopt: SetSockOpt }).setsockopt;
  } catch (err) {
    setsockopt = null;
    if (!warned) {
      warned = true;
      (log ?? ((l: string) => process.stderr.write(l + '\n')))(
        `warning: the 'sockopt' package is not available (${(err as Error).message.split('\n')[0]}); ` +
          'the vpcd card will be limited to about 20 APDU/s by delayed ACKs',
      );
    }
  }
  return setsockopt;
}

/** Sets TCP_QUICKACK on `socket`; a no-op (after one warning) without `sockopt` or off Linux. */
export function enableQuickAck(socket: net.Socket, log?: (line: string) => void): void {
  const fn = load(log);
  if (!fn) return;
  try {
    fn(socket, IPPROTO_TCP, TCP_QUICKACK, 1);
  } catch {
    /* the socket closed under us */
  }
}
