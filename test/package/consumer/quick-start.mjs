// The library quick start: one EMV transaction through the public API.
import { createDemoCard, createInProcessHost, createTerminal } from 'emvsim';

const host = createInProcessHost(); // the issuer, in this process (in-memory ledger)
const terminal = createTerminal({
  profile: 'eu-pos-pin', // a shipped terminal profile: attended EU POS, offline PIN
  host,
  cardholder: { pins: ['1234'] }, // what the cardholder types on the PIN pad
});
const card = createDemoCard(); // an emulated Visa card, PIN 1234

const outcome = await terminal.transact(card, { amount: 1234, currency: 'EUR' }); // 12.34 EUR
console.log(`${outcome.outcome}: ${outcome.reason}`);
console.log(`liability: ${outcome.liability.party} (${outcome.liability.rule})`);
host.db.close();
