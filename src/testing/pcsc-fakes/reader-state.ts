/**
 * pcsc-lite's reader state words as SCardGetStatusChange computes them: the
 * flags of a reader, when a waiter wakes, the PnP pseudo-reader, and the
 * protocol SCardConnect settles on. Pure functions over a view of the fake's
 * reader slots (fake-pcscd.ts).
 */
import { parseAtr } from '../../apdu/index.js';
import type { Bytes } from '../../apdu/index.js';
import { PcscReturnCode, RC, SCARD } from './pcsc-codes.js';

/** pcsc-lite's name for "tell me when the reader list changes". */
export const PNP_NOTIFICATION = '\\\\?PnP?\\Notification';

export interface ReaderQuery {
  name: string;
  currentState: number;
}

export interface ReaderStateResult {
  name: string;
  eventState: number;
  atr: Bytes | undefined;
}

/** What the state words depend on. */
export interface SlotView {
  card: unknown;
  atr: Bytes | undefined;
  mute: boolean;
  events: number;
  handles: ReadonlySet<{ share: number }>;
}

const PRESENCE_BITS = SCARD.STATE_EMPTY | SCARD.STATE_PRESENT | SCARD.STATE_MUTE | SCARD.STATE_UNAVAILABLE;
const SHARING_BITS = SCARD.STATE_INUSE | SCARD.STATE_EXCLUSIVE;
const fail = (code: number): never => { throw new PcscReturnCode(code); };

/** pcsc-lite reports EXCLUSIVE whenever an exclusive handle exists, INUSE only with a card in the reader. */
export function readerFlags(slot: SlotView): number {
  const exclusive = [...slot.handles].some((h) => h.share === SCARD.SHARE_EXCLUSIVE);
  let flags: number = slot.card ? SCARD.STATE_PRESENT : SCARD.STATE_EMPTY;
  if (slot.card && slot.mute && !slot.atr) flags |= SCARD.STATE_MUTE;
  if (exclusive) flags |= SCARD.STATE_EXCLUSIVE;
  else if (slot.card && slot.handles.size > 0) flags |= SCARD.STATE_INUSE;
  return flags;
}

export function evaluateQueries(queries: ReaderQuery[], slots: ReadonlyMap<string, SlotView>, readerCountAtStart: number): ReaderStateResult[] {
  return queries.map(({ name, currentState }) => {
    if (name === PNP_NOTIFICATION) {
      const count = slots.size;
      const changed = currentState >>> 16 !== 0 ? currentState >>> 16 !== count : count !== readerCountAtStart;
      return { name, eventState: ((count << 16) | (changed ? SCARD.STATE_CHANGED : 0)) >>> 0, atr: undefined };
    }
    const slot = slots.get(name);
    if (!slot) {
      const changed = (currentState & SCARD.STATE_UNKNOWN) === 0;
      return { name, eventState: SCARD.STATE_UNKNOWN | (changed ? SCARD.STATE_CHANGED : 0), atr: undefined };
    }
    const flags = readerFlags(slot);
    const counter = slot.events & 0xffff;
    if (currentState & SCARD.STATE_IGNORE) return { name, eventState: ((counter << 16) | flags) >>> 0, atr: slot.atr };
    // pcsc-lite (winscard_clnt.c SCardGetStatusChange) wakes on presence, mute, availability and
    // the event counter; for sharing only when a handle goes exclusive over INUSE, shared over
    // EXCLUSIVE, or the last one goes: a first shared connection alone wakes nobody.
    let changed = currentState === SCARD.STATE_UNAWARE
      || (currentState & PRESENCE_BITS) !== (flags & PRESENCE_BITS)
      || (currentState >>> 16 !== 0 && currentState >>> 16 !== counter);
    if (flags & SCARD.STATE_EXCLUSIVE && currentState & SCARD.STATE_INUSE) changed = true;
    if (flags & SCARD.STATE_INUSE && currentState & SCARD.STATE_EXCLUSIVE) changed = true;
    if (!(flags & SHARING_BITS) && currentState & SHARING_BITS) changed = true;
    const eventState = ((counter << 16) | flags | (changed ? SCARD.STATE_CHANGED : 0)) >>> 0;
    return { name, eventState, atr: slot.card ? slot.atr : undefined };
  });
}

/** The protocol pcscd selects: the first one the ATR offers that the caller accepts (ISO/IEC 7816-3 §8.2.3). */
export function negotiateProtocol(atr: Bytes | undefined, preferred: number): number {
  let offered = [0];
  try {
    if (atr) offered = parseAtr(atr).protocols.filter((p) => p === 0 || p === 1);
  } catch {
    offered = [0];
  }
  for (const p of offered) {
    const bit = p === 0 ? SCARD.PROTOCOL_T0 : SCARD.PROTOCOL_T1;
    if (preferred & bit) return bit;
  }
  return fail(RC.PROTO_MISMATCH);
}
