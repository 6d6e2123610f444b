/**
 * Extra applications beside the EMV payment application (a multi-application
 * card, as real girocards carried the GeldKarte purse next to the debit
 * application). An applet answers to exact DF names only (SELECT by name,
 * ISO/IEC 7816-4 §7.1.1, P1 04): a partial name keeps selecting the EMV
 * applications as before (Book 1 §12.3.3), so a card without applets behaves
 * exactly as it did.
 *
 * While an applet is selected, every command except GET RESPONSE goes to it
 * first; when it answers `undefined` the card OS routes the command as usual.
 * Its volatile state lives in `card.v.applet.session`, so a reset (which
 * replaces `card.v`, Book 1 §6.1) clears it. Its non-volatile state lives in
 * `card.nv.applets[name]`, so `card.commit()` writes it to the card file in the
 * same atomic write as the EMV state.
 */
import { type Bytes, equal } from '../../apdu/index.js';
import type { DecodedCommand } from '../../apdu/index.js';
import type { Answer, CardEngine } from '../engine.js';

/** What an applet implements; defined beside the engine that holds the applets. */
export type { CardApplet } from '../engine.js';

const INS_SELECT = 0xa4;

/** The applet's answer to `cmd`, or undefined when the card OS should answer it. */
export function appletAnswer(card: CardEngine, cmd: DecodedCommand): Answer | undefined {
  const applets = card.applets;
  if (applets.length === 0) return undefined;
  if (cmd.ins === INS_SELECT && cmd.cla === 0x00 && cmd.p1 === 0x04) {
    for (let i = 0; i < applets.length; i++) {
      const at = applets[i]!.aids.findIndex((aid) => equal(aid, cmd.data));
      if (at < 0) continue;
      // The EMV application is deselected: its commands no longer apply (Book 3 §6.5.11).
      card.v.selected = undefined;
      card.v.phase = undefined;
      card.v.applet = { index: i };
      return applets[i]!.select(card, at, cmd);
    }
    card.v.applet = undefined;
    return undefined;
  }
  const active = card.v.applet;
  if (active === undefined) return undefined;
  return applets[active.index]?.handle(card, cmd);
}

/** The selected applet's volatile session (created on first use). */
export function appletSession<T>(card: CardEngine, create: () => T): T {
  const active = card.v.applet;
  if (!active) throw new Error('no applet is selected');
  active.session ??= create();
  return active.session as T;
}

/** The applet's non-volatile state in the card file, if personalised. */
export function appletState<T>(card: CardEngine, name: string): T | undefined {
  return card.nv.applets?.[name] as T | undefined;
}
