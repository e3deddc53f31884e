// What a repository runs its SQL on: a pooled pg client inside a transaction, or TypeORM's
// DataSource outside one. Both answer `query(text, params)`, with rows in different places.
export interface Queryable {
  query(text: string, params?: unknown[]): Promise<unknown>;
}

/** The rows of a query result, whether it came from pg (`{ rows }`) or TypeORM (an array). */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** A timestamp column as the ISO string the API answers with. */
export function isoTimestamp(value: Date | string): string {
  return new Date(value).toISOString();
}
