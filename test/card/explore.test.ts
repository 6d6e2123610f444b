/** The transport-agnostic explorer (src/terminal/card-inspector/contact-explorer.ts) against emulated cards. */
import { describe, expect, it } from 'vitest';
import { exploreCard } from '../../src/terminal/card-inspector/index.js';
import { formatExplore } from '../../src/terminal/card-inspector/index.js';
import { createCard } from '../../src/card/index.js';

describe('exploreCard', () => {
  it('reads the PSE directory, every application, its records, counters and log (T=0 card)', async () => {
    const card = createCard({ profile: 'mastercard-cda', seed: 'explore' });
    const r = await exploreCard(card);
    expect(r.protocol).toBe('T=0');
    expect(r.pse.status).toBe('9000');
    expect(r.applications.map((a) => a.aid)).toEqual(['A0000000041010']);
    const app = r.applications[0]!;
    expect(app.gpoStatus).toBe('9000');
    expect(app.records.map((x) => `${x.sfi}/${x.record}`)).toEqual(['1/1', '2/1', '2/2', '3/1', '3/2']);
    // GET PROCESSING OPTIONS initiates a transaction and counts the ATC (Book 3 §6.5.8), as on a
    // real card: exploring spends one ATC, never a cryptogram.
    expect(app.data).toMatchObject({ '9F36': '0001', '9F17': '03' });
    expect(card.state.atc).toBe(1);
    expect(formatExplore(r)).toContain('Application A0000000041010');
  });

  it('finds applications by partial selection when the card has no PSE', async () => {
    const card = createCard({ profile: 'girocard', seed: 'explore-2', overrides: { pse: false } });
    const r = await exploreCard(card);
    expect(r.pse.status).toBe('6A82');
    expect(r.applications.map((a) => a.aid)).toEqual(['A000000059101002', 'D27600002547410100']);
  });
});
