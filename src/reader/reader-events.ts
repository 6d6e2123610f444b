/**
 * Reader and card presence as deduplicated events. pcsc-lite reports a reader
 * state word whose lower 16 bits are flags (SCARD_STATE_*, pcsclite.h) and
 * whose upper 16 bits are an event counter that changes on every card event
 * (and for the PnP pseudo-reader, the number of readers). Comparing raw words
 * would report spurious changes; we reduce each word to a presence value and
 * emit an event only when that value changes.
 */
import { toHex, type Bytes } from '../apdu/index.js';
import { STATE_FLAGS_MASK } from './pcsc-binding.js';

/** pcsclite.h SCARD_STATE_* flag values (identical on pcsc-lite, macOS and WinSCard). */
export const SCARD_STATE = {
  CHANGED: 0x0002,
  UNKNOWN: 0x0004,
  UNAVAILABLE: 0x0008,
  EMPTY: 0x0010,
  PRESENT: 0x0020,
  ATRMATCH: 0x0040,
  EXCLUSIVE: 0x0080,
  INUSE: 0x0100,
  MUTE: 0x0200,
} as const;

export type CardPresence = 'absent' | 'present' | 'mute' | 'unavailable';

export type ReaderEvent =
  | { type: 'reader-attached'; reader: string }
  | { type: 'reader-detached'; reader: string }
  | { type: 'card-inserted'; reader: string; atr: string }
  | { type: 'card-mute'; reader: string }
  | { type: 'card-removed'; reader: string }
  | { type: 'service-down'; message: string }
  | { type: 'service-up' };

export interface ReaderSnapshot {
  presence: CardPresence;
  /** ATR in hex when a card is present. */
  atr?: string;
  /** Flags with the event counter masked off. */
  flags: number;
  /** pcsc-lite's card event counter (upper 16 bits): it moves on every insertion and removal. */
  counter: number;
}

/** Reduces a pcsc-lite state word to what a user cares about. */
export function presenceOf(stateWord: number): CardPresence {
  const flags = stateWord & STATE_FLAGS_MASK;
  if (flags & (SCARD_STATE.UNKNOWN | SCARD_STATE.UNAVAILABLE)) return 'unavailable';
  if (flags & SCARD_STATE.MUTE) return 'mute';
  if (flags & SCARD_STATE.PRESENT) return 'present';
  return 'absent';
}

export function snapshotOf(stateWord: number, atr: Bytes | null | undefined): ReaderSnapshot {
  const presence = presenceOf(stateWord);
  const snap: ReaderSnapshot = { presence, flags: stateWord & STATE_FLAGS_MASK, counter: (stateWord >>> 16) & 0xffff };
  if (presence === 'present' && atr && atr.length > 0) snap.atr = toHex(atr);
  return snap;
}

/**
 * The events that lead from `before` to `after` (reader name -> snapshot).
 * Only presence changes count: INUSE/EXCLUSIVE flips and CHANGED do not. A
 * card swapped between two polls (present both times, but another ATR or a
 * moved event counter) is a removal then an insertion.
 */
export function diffReaders(before: ReadonlyMap<string, ReaderSnapshot>, after: ReadonlyMap<string, ReaderSnapshot>): ReaderEvent[] {
  const events: ReaderEvent[] = [];
  for (const [reader, old] of before) {
    if (!after.has(reader)) {
      if (old.presence === 'present' || old.presence === 'mute') events.push({ type: 'card-removed', reader });
      events.push({ type: 'reader-detached', reader });
    }
  }
  for (const [reader, now] of after) {
    const old = before.get(reader);
    if (!old) events.push({ type: 'reader-attached', reader });
    const was = old?.presence ?? 'absent';
    // Present before and after, but another ATR or a moved event counter: the card was swapped between polls.
    const swapped = was === 'present' && now.presence === 'present' && (old?.atr !== now.atr || old?.counter !== now.counter);
    if (was === now.presence && !swapped) continue;
    if (was === 'present' || was === 'mute') events.push({ type: 'card-removed', reader });
    if (now.presence === 'present') events.push({ type: 'card-inserted', reader, atr: now.atr ?? '' });
    if (now.presence === 'mute') events.push({ type: 'card-mute', reader });
  }
  return events;
}

/** One line per event, for `emvsim watch`. */
export function describeEvent(e: ReaderEvent): string {
  switch (e.type) {
    case 'reader-attached':
      return `reader attached: ${e.reader}`;
    case 'reader-detached':
      return `reader detached: ${e.reader}`;
    case 'card-inserted':
      return `card inserted:   ${e.reader}  ATR ${e.atr}`;
    case 'card-mute':
      return `card mute:       ${e.reader} (no valid ATR)`;
    case 'card-removed':
      return `card removed:    ${e.reader}`;
    case 'service-down':
      return `pcscd down:      ${e.message}`;
    case 'service-up':
      return 'pcscd up';
  }
}
