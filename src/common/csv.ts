// What every CSV export shares: the download headers, one stringifier setup, and the
// formula-injection guard of csv-guard.ts for every text cell; numbers stay numbers.
import { stringify, type Stringifier } from 'csv-stringify';
import type { FastifyReply } from 'fastify';
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { startDownload } from './download.js';

export { safeText, safeTextSql } from './csv-guard.js';

/** Starts a CSV download: the response to write to, and the stringifier to pipe into it. */
export function startCsv(reply: FastifyReply, filename: string): { csv: Stringifier; out: ServerResponse } {
  const out = startDownload(reply, 'text/csv; charset=utf-8', filename);
  // The BOM makes spreadsheet programs read the file as UTF-8.
  // Any CR or LF inside a field is quoted, not only the CRLF record delimiter.
  return { csv: stringify({ bom: true, record_delimiter: '\r\n', quoted_match: /[\r\n]/ }), out };
}

/** A row writer for forEachRow-style sources that honours the stringifier's back-pressure. */
export function csvRows<T>(csv: Stringifier, toRecord: (row: T) => unknown[]): (row: T) => Promise<void> | void {
  return (row) => {
    if (!csv.write(toRecord(row))) return once(csv, 'drain').then(() => undefined);
  };
}
