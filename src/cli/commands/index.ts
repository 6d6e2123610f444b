/**
 * The command list. Each entry is a yargs CommandModule whose handler imports
 * its implementation lazily (start-up time of `emvsim --help`).
 */
import type { CommandModule } from 'yargs';
import { conformCommand } from './conform.js';
import { tlvCommand } from './tlv.js';
import { apduCommand } from './apdu.js';
import { atrCommand } from './atr.js';
import { traceCommand } from './trace.js';
import { demoCommand } from './demo.js';
import { transactCommand } from './transact.js';
import { liabilityCommand } from './liability.js';
import { cryptoCommand } from './crypto.js';
import { readersCommand, watchCommand, emulateCommand, hidCommand } from './reader-commands.js';
import { hostCommand } from './host.js';
import { cardCommand } from './card.js';
import { exploreCommand } from './explore.js';
import { geldkarteCommand } from './geldkarte.js';
import { labCommand } from './lab.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<any, any>[] = [tlvCommand, apduCommand, atrCommand, traceCommand, demoCommand, transactCommand, liabilityCommand, cryptoCommand, readersCommand, watchCommand, emulateCommand, hidCommand, conformCommand, hostCommand, cardCommand, exploreCommand, geldkarteCommand, labCommand];
