// The outbound policy from outside (issue 14, items 2, 3 and 9): "test connection" and syncs
// reach only what OUTBOUND_ALLOWLIST allows, follow no redirect, read no answer past the cap and
// repeat no upstream body or secret. All traffic stays on loopback: refusals of private, link-local
// and public addresses are decided before any connection (the policy's decision on URLs and on
// resolved addresses; a DNS answer is played by an injected resolver), and what is served comes
// from fake upstreams on 127.0.0.1.
import { jest } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OutboundHttp, OutboundRefusedError, OutboundBodyTooLargeError } from '../../src/outbound/outbound-http.js';
import { parseAllowlist } from '../../src/outbound/outbound-policy.js';
import { IntegrationSyncService } from '../../src/integrations/integration-sync.service.js';
import { startTestApi, uniqueTenant, type TestApi } from '../support/app.js';
import { bearer, summary } from './support.js';

jest.setTimeout(180_000);

interface Fake { url: string; hits: number; bytesSent: number; server: Server }

/** A fake upstream on loopback; `handle` answers every request. */
async function fake(handle: (req: IncomingMessage, res: ServerResponse, f: Fake) => void): Promise<Fake> {
  const f = { hits: 0, bytesSent: 0 } as Fake;
  f.server = createServer((req, res) => {
    f.hits++;
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      (req as IncomingMessage & { body?: string }).body = body;
      handle(req, res, f);
    });
  });
  await new Promise<void>((r) => f.server.listen(0, '127.0.0.1', r));
  f.url = `http://127.0.0.1:${(f.server.address() as AddressInfo).port}`;
  return f;
}

const close = (f: Fake) => new Promise((r) => { f.server.closeAllConnections(); f.server.close(r); });

let api: TestApi;
let strictApi: TestApi;
const fakes: Fake[] = [];
const tried = { addresses: 0, schemes: 0, redirects: 0, dnsNames: 0, oversized: 0, echoes: 0 };
let refused = 0;
const SECRET = `pax8-client-secret-${Date.now().toString(36)}-Qv8`;

beforeAll(async () => {
  api = await startTestApi({ env: { OUTBOUND_MAX_BODY_BYTES: String(1024 * 1024) } });
  strictApi = await startTestApi({ env: { OUTBOUND_ALLOWLIST: '' } });
});
afterAll(async () => {
  await Promise.all(fakes.map(close));
  await api?.close();
  await strictApi?.close();
  summary('outbound', { ...tried, casesTried: Object.values(tried).reduce((a, b) => a + b, 0), refused });
});

async function configurePanelOne(target: TestApi, tenant: string, baseUrl: string, expected = 200): Promise<Record<string, string>> {
  const admin = bearer(await target.token(tenant, 'admin'));
  await target.http.put('/api/v1/integrations/panelone').set(admin).send({ baseUrl, apiToken: 'p1-token-xyz-123', enabled: true }).expect(expected);
  return admin;
}

it('"test connection" to internal services is refused before connecting, without a socket error or their answer', async () => {
  const internal = await fake((_req, res) => { res.writeHead(500, { 'Content-Type': 'text/plain' }); res.end('INTERNAL-ONLY redis banner'); });
  fakes.push(internal);
  const port = new URL(internal.url).port;
  const tenant = uniqueTenant('ob-strict');
  // Loopback in several spellings and a name resolving to it, http and https, under the default
  // (empty) allowlist: refused by the settings (400, nothing stored) or by the policy when tested.
  const spellings = [`http://127.0.0.1:${port}`, `https://127.0.0.1:${port}`, `https://localhost:${port}`, `https://[::1]:${port}`,
    `https://[::ffff:127.0.0.1]:${port}`, `https://127.1:${port}`, `https://2130706433:${port}`, 'https://127.0.0.1:5432', 'https://localhost:6379'];
  for (const baseUrl of spellings) {
    tried.addresses++;
    const admin = bearer(await strictApi.token(tenant, 'admin'));
    const put = await strictApi.http.put('/api/v1/integrations/panelone').set(admin).send({ baseUrl, apiToken: 'p1-token-xyz-123', enabled: true });
    if (put.status !== 400) {
      expect(put.status).toBe(200);
      const res = await strictApi.http.post('/api/v1/integrations/panelone/test').set(admin).expect(200);
      expect(res.body.ok).toBe(false);
      expect(res.body.message).toMatch(/^PanelOne was not called \(GET \/api\/v2\/organizations page 1\): .* is not allowed: /);
      expect(res.body.message).not.toMatch(/UND_ERR|ECONNREFUSED|INTERNAL-ONLY/);
    }
    refused++;
  }
  expect(internal.hits).toBe(0);
});

it('the policy refuses private, link-local, metadata and other non-public addresses, schemes and DNS answers without connecting', async () => {
  const outbound = new OutboundHttp({
    policy: parseAllowlist('').policy,
    // A DNS answer for names under .example, played here: nothing is resolved or connected to.
    resolve: (host, cb) => cb(null, host === 'rebind.example' ? [{ address: '10.0.0.7', family: 4 }, { address: '169.254.169.254', family: 4 }]
      : host === 'v6.example' ? [{ address: 'fd00:ec2::254', family: 6 }] : [{ address: '192.168.1.10', family: 4 }]),
  });
  const urls = ['https://10.0.0.1/', 'https://172.16.5.4/', 'https://192.168.0.1/', 'https://169.254.169.254/latest/meta-data/', 'https://100.64.0.1/',
    'https://0.0.0.0/', 'https://[fe80::1]/', 'https://[fd12:3456::1]/', 'https://[::]/', 'https://[64:ff9b::a00:1]/'];
  for (const url of urls) {
    tried.addresses++;
    await expect(outbound.send(url, { method: 'GET' })).rejects.toBeInstanceOf(OutboundRefusedError);
    refused++;
  }
  for (const url of ['http://93.184.216.34/', 'ftp://93.184.216.34/', 'file:///etc/passwd', 'gopher://127.0.0.1:6379/', 'javascript://x/%0aalert(1)']) {
    tried.schemes++;
    await expect(outbound.send(url, { method: 'GET' })).rejects.toBeInstanceOf(OutboundRefusedError);
    refused++;
  }
  for (const url of ['https://rebind.example/', 'https://v6.example/', 'https://intranet.example/', 'https://localhost/']) {
    tried.dnsNames++;
    const err = await outbound.send(url, { method: 'GET' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutboundRefusedError);
    expect((err as Error).message).toMatch(/resolves to an? .*address/);
    refused++;
  }
  await outbound.close();
});

it('a redirect is refused, not followed: the Authorization header never reaches the other host', async () => {
  const elsewhere = await fake((req, res) => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end(JSON.stringify({ items: [], nextCursor: null, auth: req.headers.authorization })); });
  fakes.push(elsewhere);
  for (const status of [301, 302, 307, 308]) {
    tried.redirects++;
    const redirector = await fake((_req, res) => { res.writeHead(status, { Location: `${elsewhere.url}/api/v2/organizations` }); res.end(); });
    fakes.push(redirector);
    const admin = await configurePanelOne(api, uniqueTenant('ob-redirect'), redirector.url);
    const res = await api.http.post('/api/v1/integrations/panelone/test').set(admin).expect(200);
    expect(res.body).toMatchObject({ ok: false });
    expect(res.body.message).toContain(`answered with a redirect (HTTP ${status}), which is not followed`);
    expect(redirector.hits).toBe(1);
    refused++;
  }
  expect(elsewhere.hits).toBe(0);
});

it('an answer over the cap (1 MiB here) is cut off while streaming and fails readably; memory holds at most the cap', async () => {
  const TOTAL = 64 * 1024 * 1024;
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const stream = (withLength: boolean) => fake((_req, res, f) => {
    res.writeHead(200, { 'Content-Type': 'application/json', ...(withLength ? { 'Content-Length': String(TOTAL) } : {}) });
    const pump = () => {
      while (f.bytesSent < TOTAL) {
        f.bytesSent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    res.on('close', () => res.destroy());
    pump();
  });
  for (const withLength of [true, false]) {
    tried.oversized++;
    const big = await stream(withLength);
    fakes.push(big);
    const admin = await configurePanelOne(api, uniqueTenant('ob-big'), big.url);
    const res = await api.http.post('/api/v1/integrations/panelone/test').set(admin).expect(200);
    expect(res.body.ok).toBe(false);
    expect(res.body.message).toBe('PanelOne sent an answer too large to read (GET /api/v2/organizations page 1): the answer is larger than 1 MiB. Check the PanelOne base URL; if it is right, the operator can raise OUTBOUND_MAX_BODY_BYTES.');
    expect(big.bytesSent).toBeLessThan(TOTAL);
    refused++;
  }
  // The fetcher alone, without the API around it.
  tried.oversized++;
  const big = await stream(false);
  fakes.push(big);
  const outbound = new OutboundHttp({ policy: parseAllowlist('127.0.0.1').policy, maxBodyBytes: 256 * 1024 });
  await expect(outbound.send(`${big.url}/x`, { method: 'GET' })).rejects.toBeInstanceOf(OutboundBodyTooLargeError);
  refused++;
  await outbound.close();
});

it('an upstream body is never repeated, and an upstream that echoes the request does not put the secret into any message', async () => {
  const tenant = uniqueTenant('ob-echo');
  const admin = bearer(await api.token(tenant, 'admin'));
  // The token endpoint echoes what it was sent (client_secret included), in every field a client might show.
  const echo = await fake((req, res) => {
    const sent = (req as IncomingMessage & { body?: string }).body ?? '';
    res.writeHead(400, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ error: `invalid_client ${sent}`, error_description: `could not authenticate ${sent}`, message: `request was ${sent}` }));
  });
  const internal500 = await fake((_req, res) => { res.writeHead(500, { 'Content-Type': 'text/html' }); res.end('<h1>Jenkins</h1> build secrets: AKIA-INTERNAL-PAGE'); });
  fakes.push(echo, internal500);
  for (const [tokenUrl, leak] of [[`${echo.url}/oauth/token`, SECRET], [`${internal500.url}/oauth/token`, 'AKIA-INTERNAL-PAGE']] as const) {
    tried.echoes++;
    await api.http.put('/api/v1/integrations/pax8').set(admin).send({
      baseUrl: `${echo.url}/v1`, tokenUrl, audience: 'https://api.pax8.com', clientId: 'client-1', clientSecret: SECRET, enabled: true,
    }).expect(200);
    const res = await api.http.post('/api/v1/integrations/pax8/test').set(admin).expect(200);
    expect(res.body.ok).toBe(false);
    expect(res.body.message).not.toContain(leak);
    expect(res.body.message).not.toContain(SECRET);
    expect(res.body.message.length).toBeLessThan(400);
    refused++;
  }
  // A sync stores the error (integration.last_error), which viewers read through the API.
  tried.echoes++;
  await api.http.put('/api/v1/integrations/pax8').set(admin).send({
    baseUrl: `${echo.url}/v1`, tokenUrl: `${echo.url}/oauth/token`, audience: 'https://api.pax8.com', clientId: 'client-1', clientSecret: SECRET, enabled: true,
  }).expect(200);
  await api.app.get(IntegrationSyncService).syncPax8(tenant, []).catch(() => undefined);
  const list = await api.http.get('/api/v1/integrations').set(admin).expect(200);
  const pax8 = list.body.find((i: { kind: string }) => i.kind === 'pax8');
  expect(pax8.lastError).toMatch(/^Pax8 rejected the credentials/);
  expect(JSON.stringify(list.body)).not.toContain(SECRET);
  refused++;
});
