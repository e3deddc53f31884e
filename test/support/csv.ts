import { parse } from 'csv-parse/sync';

/** Rows of an exported CSV (RFC 4180: quoted fields, doubled quotes, CRLF; a leading BOM is dropped). */
export function parseCsv(text: string): string[][] {
  return parse(text, { bom: true, relax_column_count: true, relax_quotes: false });
}
