// Streamed downloads (the CSV exports) write to the Node.js response themselves, with
// back-pressure, instead of handing Fastify a finished body.
import type { FastifyReply } from 'fastify';
import type { ServerResponse } from 'node:http';

/**
 * Takes the response over from Fastify for a streamed file: the headers Fastify's hooks already
 * set (security headers, CORS, the correlation id) are carried over, then the download's own.
 * Nothing is written yet, so a failure before the first byte still gets a JSON error
 * (GlobalExceptionFilter); one after it cuts the connection.
 */
export function startDownload(reply: FastifyReply, contentType: string, filename: string): ServerResponse {
  const raw = reply.raw;
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) raw.setHeader(name, value);
  }
  raw.statusCode = 200;
  raw.setHeader('Content-Type', contentType);
  raw.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  raw.setHeader('Cache-Control', 'no-store');
  reply.hijack();
  return raw;
}
