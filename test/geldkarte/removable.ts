/** A purse the customer can pull out of the reader (and present again): shared by the parked-payment tests. */
import { TransportError } from '../../src/apdu/errors.js';
import type { EmulatedCard } from '../../src/card/index.js';

export interface Removable {
  card: EmulatedCard;
  gone: boolean;
}

/** Wraps a purse card so that, once `gone`, it answers no command and no reset. */
export function removable(card: EmulatedCard): Removable {
  const r: Removable = { card, gone: false };
  const transmit = r.card.transmit.bind(r.card);
  const coldReset = r.card.coldReset.bind(r.card);
  r.card.transmit = async (c: Uint8Array) => {
    if (r.gone) throw new TransportError('NO_CARD', 'card removed');
    return transmit(c);
  };
  r.card.coldReset = async () => {
    if (r.gone) throw new TransportError('NO_CARD', 'no card in the reader');
    return coldReset();
  };
  return r;
}

/** Power lost on `target` after the command (CLA cla, INS ins) ran, and the purse is taken away from then on. */
export function pullAfter(r: Removable, target: Pick<EmulatedCard, 'faults' | 'transmit'>, ins: number, cla: number): void {
  target.faults.add({ action: 'tear', cla, ins, offset: 0 });
  const transmit = target.transmit.bind(target);
  let once = true;
  target.transmit = async (c: Uint8Array) => {
    if (once && c[0] === cla && c[1] === ins) {
      once = false;
      try {
        return await transmit(c);
      } finally {
        r.gone = true;
      }
    }
    return transmit(c);
  };
}

/** The customer presents the purse again (inserted: a cold reset). */
export async function bringBack(r: Removable): Promise<void> {
  r.gone = false;
  await r.card.coldReset();
}
