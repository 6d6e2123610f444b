/** `emvsim host card list`: every header title sits over its column (it used to be one column off). */
import { describe, expect, it } from 'vitest';
import { CARD_COLUMNS } from '../../src/cli/host/cards.js';
import { formatTable } from '../../src/cli/host/table.js';
import { listCards } from '../../src/issuer/db/records.js';
import { openSeededDatabase } from '../../src/issuer/index.js';

describe('host card list table', () => {
  it('left-aligned titles start where their values start, right-aligned titles end where their values end', () => {
    const db = openSeededDatabase(':memory:');
    const cards = listCards(db);
    db.close();
    const [header, ...rows] = formatTable(CARD_COLUMNS, cards);
    expect(header).toBe('PAN                  PSN  STATUS   EXPIRY  LAST ATC  PIN TRIES  TRAVEL  ARPC  LABEL');
    const demo = rows.find((r) => r.startsWith('4761739001010010'))!;
    let start = 0;
    for (const column of CARD_COLUMNS) {
      const title = header!.slice(start, start + Math.max(column.width, column.title.length)).trim();
      expect(title).toBe(column.title);
      const value = column.value(cards.find((c) => c.pan === '4761739001010010')!);
      if (column.align === 'right') expect(demo.slice(start, start + column.width)).toBe(value.padStart(column.width));
      else expect(demo.slice(start, start + value.length)).toBe(value);
      start += column.width + 2;
    }
    // The longest PAN (19 digits, girocard) still leaves the PSN column in place.
    const giro = rows.find((r) => /^\d{19} /.test(r))!;
    expect(giro.indexOf(' 02 ')).toBe(header!.indexOf('PSN') - 1);
  });
});
