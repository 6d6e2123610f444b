/**
 * Who may hold one of the host's connection slots. An acquirer host must keep answering real terminals
 * while a faulty or hostile peer opens hundreds of connections and leaves them idle, or trickles bytes to
 * keep them alive. Three rules, pure and clock-injected so they are tested without sockets:
 *
 * - at most `maxPerPeer` connections from one address, so one peer cannot take every slot;
 * - when the host (or that peer's share) is full, the connection that has been useless longest makes room:
 *   among connections with no request being answered, the one whose last complete message (or, with none,
 *   whose connect) is oldest is closed. A slot held by idleness or by a frame that never completes is
 *   worth less than a terminal that wants to send a message now;
 * - only when every slot is busy answering requests is the newcomer refused.
 *
 * The server adds a deadline for a whole message, counted from its first byte (bytes trickled one by one
 * do not restart it), so a connection cannot hold a half-sent frame forever.
 */

export interface SlotUse {
  /** The peer's address (IPv4-mapped IPv6 addresses are folded to IPv4 by `peerKey`). */
  readonly peer: string;
  /** When the last complete message arrived, or the connect time when none has. */
  readonly lastMessageAt: number;
  /** Requests read and not yet answered. */
  readonly inFlight: number;
}

export interface AdmissionLimits {
  maxConnections: number;
  maxPerPeer: number;
}

export type Admission<T> = { accept: true; evict?: T } | { accept: false; reason: string };

/** The address a connection counts against: '::ffff:127.0.0.1' and '127.0.0.1' are one peer. */
export function peerKey(remoteAddress: string | undefined): string {
  if (!remoteAddress) return 'unknown';
  return remoteAddress.startsWith('::ffff:') ? remoteAddress.slice(7) : remoteAddress;
}

function longestUseless<T extends SlotUse>(candidates: Iterable<T>): T | undefined {
  let best: T | undefined;
  for (const c of candidates) {
    if (c.inFlight > 0) continue;
    if (!best || c.lastMessageAt < best.lastMessageAt) best = c;
  }
  return best;
}

/** Decides whether a new connection from `peer` gets a slot, and which open one (if any) must go for it. */
export function admit<T extends SlotUse>(open: readonly T[], peer: string, limits: AdmissionLimits): Admission<T> {
  const samePeer = open.filter((c) => c.peer === peer);
  if (samePeer.length >= limits.maxPerPeer) {
    const evict = longestUseless(samePeer);
    return evict
      ? { accept: true, evict }
      : { accept: false, reason: `peer ${peer} already has ${samePeer.length} connections, all busy (limit ${limits.maxPerPeer})` };
  }
  if (open.length >= limits.maxConnections) {
    const evict = longestUseless(open);
    return evict ? { accept: true, evict } : { accept: false, reason: `all ${open.length} connections are busy (limit ${limits.maxConnections})` };
  }
  return { accept: true };
}
