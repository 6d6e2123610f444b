// CommonJS: require() of the ESM package (Node >= 20.19 loads ES modules through require).
const assert = require('node:assert/strict');
const { createDemoCard, createInProcessHost, createTerminal } = require('emvsim');
const { decodeTlv } = require('emvsim/apdu');
const { ScriptedHost } = require('emvsim/testing');

assert.equal(typeof createTerminal, 'function');
assert.equal(decodeTlv('9F02060000000012340000'.slice(0, 18))[0].tag, '9F02');
const host = createInProcessHost();
const terminal = createTerminal({ profile: 'eu-pos-pin', host, cardholder: { pins: ['1234'] }, clock: new Date('2026-06-15T10:00:00Z') });
terminal.transact(createDemoCard(), { amount: 6000, currency: 'EUR' }).then((outcome) => {
  host.db.close();
  assert.equal(outcome.outcome, 'approved');
  assert.ok(new ScriptedHost({ mode: 'approve' }));
  console.log(`require: ${outcome.outcome}, liability ${outcome.liability.party}`);
});
