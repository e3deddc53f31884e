// The bare floor for the API load test: node:http answering every request with the same
// JSON bytes the API returned. Run as a child process; prints "bare listening <port>".
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const bodies = new Map<string, Buffer>(
  Object.entries(JSON.parse(readFileSync(process.argv[2], 'utf8')) as Record<string, string>).map(([path, body]) => [path, Buffer.from(body)]),
);
const server = createServer((req, res) => {
  const body = bodies.get(req.url ?? '') ?? bodies.values().next().value!;
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`bare listening ${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
