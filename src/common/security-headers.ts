// Security headers (helmet) for every response. helmet's headers depend only on its options, so
// they are computed once at start-up and copied onto each response: @fastify/helmet rebuilt the
// helmet middleware on every request, re-parsing the Content-Security-Policy each time (6% of
// the API's CPU under load in a profile of GET /reconciliation/summary).
import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The headers helmet sets with these options (name → value). */
export function securityHeaders(options: HelmetOptions): Readonly<Record<string, string>> {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => headers.set(name, String(value)),
    removeHeader: (name: string) => headers.delete(name),
    getHeader: (name: string) => headers.get(name),
  };
  let done = false;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err;
    done = true;
  });
  if (!done) throw new Error('helmet did not finish synchronously; its headers can no longer be precomputed');
  return Object.freeze(Object.fromEntries(headers));
}
