/**
 * The CSV writer against its own reader and against the rules spreadsheets need: any text
 * (quotes, commas, CR, LF, CRLF, accents, emoji, NUL) comes back exactly, except that a cell a
 * spreadsheet would run as a formula comes back with one leading apostrophe and nothing else
 * changed. Property-based: 500 random rows per property.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CSV_BOM, csvField, csvLine, parseCsv } from '../../../server/reports/csv';

const FORMULA = /^[=+\-@\t\r]/;
const cell = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '=SUM(A1:A9)',
    '+1',
    '-2',
    '@cmd',
    '\tTab',
    '\rCR',
    'a,b',
    '"q"',
    'l1\nl2',
    'l1\r\nl2',
    'café ñ 日本 🎉',
    '',
  ),
);

describe('CSV', () => {
  it('round-trips any rows through csvLine and parseCsv, neutralising formula cells only', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }),
        (rows) => {
          const text = CSV_BOM + rows.map((r) => csvLine(r)).join('');
          const back = parseCsv(text);
          expect(back).toEqual(rows.map((r) => r.map((c) => (FORMULA.test(c) ? `'${c}` : c))));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('quotes every field, doubles quotes, and leaves numbers and empty values plain', () => {
    expect(csvField('say "hi", then go')).toBe('"say ""hi"", then go"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField(-5)).toBe('"-5"');
    expect(csvField(null)).toBe('""');
    expect(csvLine(['a', 'b'])).toBe('"a","b"\r\n');
  });
});
