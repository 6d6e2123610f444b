// node:test through the public API (ESM), as a user's test suite would.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';

const loadedNatives = () => Object.keys(createRequire(import.meta.url).cache).filter((f) => /node_modules[\\/](better-sqlite3|smartcard|node-hid)[\\/]/.test(f));

test('emvsim/card and emvsim/terminal load no native module', async () => {
  await import('emvsim/card');
  await import('emvsim/terminal');
  await import('emvsim/apdu');
  await import('emvsim/crypto');
  assert.deepEqual(loadedNatives(), []);
});

test('the root lists the wiring functions', async () => {
  const emvsim = await import('emvsim');
  for (const name of ['createCard', 'createDemoCard', 'createTerminal', 'createInProcessHost']) assert.equal(typeof emvsim[name], 'function', name);
});

// The ledger is better-sqlite3 up to Node 22 and Node's own node:sqlite from Node 24 (docs/library.md, Node versions).
const ledgerAddon = Number(process.versions.node.split('.')[0]) < 24;

test('an approved transaction with the in-process issuer, liability with the issuer; the ledger loads better-sqlite3 only then (Node < 24)', async () => {
  const { createDemoCard, createInProcessHost, createTerminal } = await import('emvsim');
  assert.deepEqual(loadedNatives(), []);
  const host = createInProcessHost();
  if (ledgerAddon) assert.ok(loadedNatives().some((f) => f.includes('better-sqlite3')), 'opening the ledger loads better-sqlite3 (the check above can see it)');
  else assert.deepEqual(loadedNatives(), [], 'on Node >= 24 the ledger is node:sqlite: no addon is loaded');
  const terminal = createTerminal({ profile: 'eu-pos-pin', host, cardholder: { pins: ['1234'] }, clock: new Date('2026-06-15T10:00:00Z') });
  const outcome = await terminal.transact(createDemoCard(), { amount: 6000, currency: 'EUR' });
  host.db.close();
  assert.equal(outcome.outcome, 'approved');
  assert.equal(outcome.cryptogram, 'TC');
  assert.equal(outcome.authorisationResponseCode, '00');
  assert.equal(outcome.liability.party, 'issuer');
});

test('emvsim/testing: a scripted host that declines', async () => {
  const { createCard } = await import('emvsim/card');
  const { createTerminal } = await import('emvsim/terminal');
  const { scriptedHostFor } = await import('emvsim/testing');
  const card = createCard({ profile: 'visa-cvn18', seed: 7 });
  const terminal = createTerminal({ profile: 'eu-pos-pin', host: scriptedHostFor(card, { mode: 'decline' }), cardholder: { pins: ['1234'] }, clock: new Date('2026-06-15T10:00:00Z') });
  const outcome = await terminal.transact(card, { amount: 6000 });
  assert.equal(outcome.outcome, 'declined');
  assert.equal(outcome.hostResponseCode, '05');
});
