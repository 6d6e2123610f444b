/**
 * The command list. Each entry is a yargs CommandModule whose handler imports
 * its implementation lazily (start-up time of `emvsim --help`).
 */
import type { CommandModule } from 'yargs';
import { tlvCommand } from './tlv.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<any, any>[] = [tlvCommand];
