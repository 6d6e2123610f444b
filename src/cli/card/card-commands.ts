/** Implementation of `emvsim card new|show|profiles` (the yargs module is src/cli/commands/card.ts). */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DocumentError, EnvironmentError } from '../../apdu/errors.js';
import { EmulatedCard, listProfiles, lockCardFile, loadProfile, newCardFile, parseCardImage } from '../../card/index.js';
import { exploreCard, exploreToJson, formatExplore } from '../../terminal/card-inspector/index.js';

export interface NewArgs {
  profile: string;
  out: string;
  json: boolean;
  seed: string | undefined;
  /** Replace an existing card file (its counters and keys are lost). */
  force?: boolean;
}

function isoDate(yymmdd: string): string {
  return `20${yymmdd.slice(0, 2)}-${yymmdd.slice(2, 4)}-${yymmdd.slice(4, 6)}`;
}

export function cardNew(argv: NewArgs): void {
  const profile = loadProfile(argv.profile);
  const file = resolve(argv.out);
  if (!argv.force && existsSync(file)) {
    throw new EnvironmentError(`${file} exists: it holds a card's counters and keys; give --force to replace it, or another --out path`);
  }
  lockCardFile(file);
  const image = newCardFile(profile, file, argv.seed !== undefined ? { seed: argv.seed } : {});
  const p = image.profile;
  const summary = {
    file,
    profile: p.name,
    pan: p.pan!,
    panSequenceNumber: p.panSequenceNumber,
    expiry: isoDate(p.expiry),
    pin: p.pin,
    aid: p.applications[0]!.aid,
    aids: p.applications.map((a) => a.aid),
    protocol: p.protocol,
    oda: p.oda,
    iccKeyBits: image.iccKey ? (image.iccKey.modulus.length / 2) * 8 : undefined,
    caIndex: image.oda?.caIndex,
    issuerMasterKeys: { derivation: p.cryptogram.derivation, ...p.cryptogram.issuerMasterKeys },
  };
  if (argv.json) {
    process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    return;
  }
  const lines = [
    `${file}: new ${p.name} card`,
    `  PAN        ${summary.pan} (PAN sequence number ${summary.panSequenceNumber}, Luhn check digit ${summary.pan.slice(-1)})`,
    `  expiry     ${summary.expiry}`,
    `  PIN        ${summary.pin} (${p.pinTryLimit} tries)`,
    `  AID        ${p.applications.map((a) => `${a.aid} (${a.label})`).join(', ')}`,
    `  protocol   ${p.protocol}, ODA ${p.oda.toUpperCase()}${summary.iccKeyBits ? `, ICC key ${summary.iccKeyBits} bits (new)` : ''}${summary.caIndex ? `, certificates under CAPK index ${summary.caIndex} (emvsim test CA)` : ''}`,
    `  issuer master keys (TEST keys; ICC keys derived with option ${p.cryptogram.derivation}):`,
    `    AC  ${p.cryptogram.issuerMasterKeys.ac}`,
    `    SMI ${p.cryptogram.issuerMasterKeys.smi}`,
    `    SMC ${p.cryptogram.issuerMasterKeys.smc}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

export async function cardShow(argv: { file: string; json: boolean }): Promise<void> {
  const file = resolve(argv.file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DocumentError(`cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file, field: '$' });
  }
  const image = parseCardImage(text, file);
  // A copy in memory: showing the card must not change its file.
  const card = new EmulatedCard(structuredClone(image));
  const explored = await exploreCard(card);
  const s = image.state;
  const state = {
    atc: s.atc,
    lastOnlineAtc: s.lastOnlineAtc,
    pinTryCounter: s.pinTryCounter,
    pinTryLimit: image.profile.pinTryLimit,
    consecutiveOffline: s.consecutiveOffline,
    cumulativeOfflineAmount: s.cumulativeOfflineAmount,
    applicationBlocked: s.applicationBlocked,
    cardBlocked: s.cardBlocked,
    issuerAuthFailedLastOnline: s.issuerAuthFailedLastOnline,
    lastOnlineNotCompleted: s.lastOnlineNotCompleted,
    logRecords: s.log.length,
  };
  if (argv.json) {
    process.stdout.write(JSON.stringify({ file, profile: image.profile.name, pan: image.profile.pan, state, card: exploreToJson(explored) }, null, 2) + '\n');
    return;
  }
  const lines = [
    `${file}: ${image.profile.name} card, PAN ${image.profile.pan}`,
    `  ATC ${s.atc}, last online ATC ${s.lastOnlineAtc}, PIN tries left ${s.pinTryCounter} of ${image.profile.pinTryLimit}`,
    `  offline since last online: ${s.consecutiveOffline} transactions, ${s.cumulativeOfflineAmount} minor units`,
    `  application ${s.applicationBlocked ? 'BLOCKED' : 'not blocked'}, card ${s.cardBlocked ? 'BLOCKED' : 'not blocked'}` +
      `${s.issuerAuthFailedLastOnline ? ', issuer authentication failed last online' : ''}${s.lastOnlineNotCompleted ? ', last online transaction not completed' : ''}`,
    '',
    s.cardBlocked ? '(the card is blocked: it answers 6A81 to every command)' : formatExplore(explored),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

export function cardProfiles(argv: { json: boolean }): void {
  const profiles = listProfiles().map((n) => {
    const p = loadProfile(n);
    return { name: n, description: p.description, aids: p.applications.map((a) => a.aid), protocol: p.protocol, oda: p.oda };
  });
  if (argv.json) {
    process.stdout.write(JSON.stringify(profiles, null, 2) + '\n');
    return;
  }
  const width = Math.max(...profiles.map((p) => p.name.length));
  for (const p of profiles) process.stdout.write(`${p.name.padEnd(width)}  ${p.protocol}  ${p.oda.toUpperCase().padEnd(4)}  ${p.description}\n`);
}
