/**
 * A non-interactive cardholder interface: PIN entries given in advance (the
 * CLI's repeated --pin, test scenarios), used in order for successive
 * prompts; 'bypass' and 'fail' entries stand for a bypassed PIN and a failing
 * PIN pad. Records every prompt and message, so tests and the CLI can show
 * "LAST PIN TRY" and the tries left.
 */
import type { ApplicationChoice, CardholderInterface, PinEntry, PinPrompt } from './environment.js';

export interface ScriptedCardholderOptions {
  /** PINs in order; 'bypass' bypasses entry, 'fail' makes the PIN pad fail. Exhausted: bypass. */
  pins?: string[];
  /** Index chosen among several applications (default 0, the highest priority). */
  choose?: number | 'cancel';
  /** Answer to a confirmation request (default true). */
  confirm?: boolean;
  /** Called for each message and prompt (the CLI prints them). */
  onMessage?: (text: string) => void;
}

export class ScriptedCardholder implements CardholderInterface {
  readonly prompts: PinPrompt[] = [];
  readonly messages: string[] = [];
  readonly choices: ApplicationChoice[][] = [];
  private next = 0;
  constructor(readonly options: ScriptedCardholderOptions = {}) {}

  async chooseApplication(choices: ApplicationChoice[]): Promise<number | undefined> {
    this.choices.push(choices);
    const c = this.options.choose ?? 0;
    return c === 'cancel' ? undefined : Math.min(c, choices.length - 1);
  }

  async confirmApplication(choice: ApplicationChoice): Promise<boolean> {
    this.choices.push([choice]);
    return this.options.confirm ?? true;
  }

  async enterPin(prompt: PinPrompt): Promise<PinEntry> {
    this.prompts.push(prompt);
    const tries = prompt.triesLeft !== undefined ? ` (${prompt.triesLeft} ${prompt.triesLeft === 1 ? 'try' : 'tries'} left)` : '';
    this.options.onMessage?.(`ENTER PIN${prompt.kind === 'online' ? ' (online)' : ''}${tries}${prompt.lastTry ? ' - LAST PIN TRY' : ''}`);
    const entry = this.options.pins?.[this.next++];
    if (entry === undefined || entry === 'bypass') return { kind: 'bypass' };
    if (entry === 'fail') return { kind: 'pin-pad-failure' };
    return { kind: 'pin', pin: entry };
  }

  display(message: string): void {
    this.messages.push(message);
    this.options.onMessage?.(message);
  }
}
