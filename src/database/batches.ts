/**
 * Rows per multi-row INSERT. One statement for all of a large write held the whole of it as one
 * JSON text (and again as the bytes sent), which grew the worker's peak with the size of the
 * tenant (a version's lines and clients: 333.5 MB at 20,000 clients; 277.9 MB in batches).
 */
export const INSERT_BATCH = 2000;

/** The rows in slices of `size`, for one INSERT each. */
export function* batches<T>(rows: readonly T[], size = INSERT_BATCH): Generator<T[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}
