// The integrations settings API as an admin sees it: secrets are write-only (never in a
// response, an error message or a log line) and encrypted at rest; validation names the
// fields; only admins may touch it; tenants never see each other's settings; a connection
// test answers ok or a readable reason, never a 500.
import fs from 'node:fs';
import { DataSource } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { startPanelOneSimulator, startPax8Simulator, type PanelOneSimulator, type Pax8Simulator } from '../../simulators/index.js';
import { startTestApi, uniqueTenant, type TestApi } from '../support/app.js';

const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });

// Everything the process writes to stdout/stderr while this spec runs (pino writes with fs.write*).
const captured: string[] = [];
const originals = { write: fs.write, writeSync: fs.writeSync, out: process.stdout.write, err: process.stderr.write };
function startCapture() {
  const record = (fd: unknown, data: unknown) => {
    if ((fd === 1 || fd === 2) && (typeof data === 'string' || Buffer.isBuffer(data))) captured.push(String(data));
  };
  (fs as { writeSync: unknown }).writeSync = (fd: number, data: unknown, ...rest: unknown[]) => {
    record(fd, data);
    return (originals.writeSync as (...a: unknown[]) => number)(fd, data, ...rest);
  };
  (fs as { write: unknown }).write = (fd: number, data: unknown, ...rest: unknown[]) => {
    record(fd, data);
    return (originals.write as (...a: unknown[]) => void)(fd, data, ...rest);
  };
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    captured.push(String(chunk));
    return (originals.out as (...a: unknown[]) => boolean).call(process.stdout, chunk, ...rest);
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) => {
    captured.push(String(chunk));
    return (originals.err as (...a: unknown[]) => boolean).call(process.stderr, chunk, ...rest);
  }) as typeof process.stderr.write;
}
function stopCapture() {
  (fs as { write: unknown }).write = originals.write;
  (fs as { writeSync: unknown }).writeSync = originals.writeSync;
  process.stdout.write = originals.out;
  process.stderr.write = originals.err;
}

let api: TestApi;
let db: DataSource;
let pax8: Pax8Simulator;
let panelone: PanelOneSimulator;
const PAX8_SECRET = 'pax8-Secret-Value-7f3c9b1e2d';
const PANELONE_TOKEN = 'p1-Token-Value-4a8e6c2f0b';

beforeAll(async () => {
  pax8 = await startPax8Simulator({ clientSecret: PAX8_SECRET });
  panelone = await startPanelOneSimulator({ apiToken: PANELONE_TOKEN });
  startCapture();
  api = await startTestApi({ env: { LOG_LEVEL: 'trace' } });
  db = api.app.get<DataSource>(getDataSourceToken());
});
afterAll(async () => {
  await api?.close();
  stopCapture();
  await pax8?.close();
  await panelone?.close();
});

const pax8Settings = (over: Record<string, unknown> = {}) => ({
  baseUrl: pax8.url, tokenUrl: pax8.tokenUrl, audience: pax8.audience, clientId: pax8.clientId, clientSecret: PAX8_SECRET, enabled: true, ...over,
});
const panelOneSettings = (over: Record<string, unknown> = {}) => ({ baseUrl: panelone.url, apiToken: PANELONE_TOKEN, enabled: true, ...over });

function expectErrorShape(body: Record<string, unknown>, status: number) {
  expect(body).toEqual({ statusCode: status, error: expect.any(String), message: expect.any(String), correlationId: expect.any(String) });
}

describe('listing', () => {
  it('lists both integrations even when never configured, with nothing set', async () => {
    const admin = bearer(await api.token(uniqueTenant('int-list'), 'admin'));
    const res = await api.http.get('/api/v1/integrations').set(admin).expect(200);
    expect(res.body).toEqual([
      {
        kind: 'pax8', enabled: false, configured: false, status: 'never', lastSyncAt: null, lastError: null,
        config: { baseUrl: 'https://api.pax8.com/v1', tokenUrl: 'https://token-manager.pax8.com/oauth/token', audience: 'https://api.pax8.com', clientId: null, clientSecretSet: false },
      },
      { kind: 'panelone', enabled: false, configured: false, status: 'never', lastSyncAt: null, lastError: null, config: { baseUrl: null, apiTokenSet: false } },
    ]);
  });
});

describe('configuring', () => {
  it('stores the settings, returns only whether a secret is set, and encrypts the secret at rest', async () => {
    const tenant = uniqueTenant('int-cfg');
    const admin = bearer(await api.token(tenant, 'admin'));
    const put = await api.http.put('/api/v1/integrations/pax8').set(admin).send(pax8Settings()).expect(200);
    expect(put.body).toMatchObject({
      kind: 'pax8', enabled: true, configured: true, status: 'never',
      config: { baseUrl: pax8.url, tokenUrl: pax8.tokenUrl, audience: pax8.audience, clientId: pax8.clientId, clientSecretSet: true },
    });
    await api.http.put('/api/v1/integrations/panelone').set(admin).send(panelOneSettings()).expect(200);
    const list = await api.http.get('/api/v1/integrations').set(admin).expect(200);
    expect(list.body[1]).toMatchObject({ kind: 'panelone', configured: true, enabled: true, config: { baseUrl: panelone.url, apiTokenSet: true } });
    for (const body of [put.body, list.body]) {
      expect(JSON.stringify(body)).not.toContain(PAX8_SECRET);
      expect(JSON.stringify(body)).not.toContain(PANELONE_TOKEN);
    }

    const rows: Array<{ kind: string; secret_enc: string; config: unknown }> = await db.query(
      'SELECT kind, secret_enc, config FROM integration WHERE tenant_id = $1 ORDER BY kind', [tenant]);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.secret_enc).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
      expect(JSON.stringify(row)).not.toContain(PAX8_SECRET);
      expect(JSON.stringify(row)).not.toContain(PANELONE_TOKEN);
    }
  });

  it('requires the secret the first time, keeps the stored one when it is left out later', async () => {
    const tenant = uniqueTenant('int-keep');
    const admin = bearer(await api.token(tenant, 'admin'));
    const { clientSecret: _omit, ...withoutSecret } = pax8Settings();
    const first = await api.http.put('/api/v1/integrations/pax8').set(admin).send(withoutSecret).expect(400);
    expect(first.body.message).toMatch(/clientSecret is required/);
    const { apiToken: _omitToken, ...withoutToken } = panelOneSettings();
    const firstP1 = await api.http.put('/api/v1/integrations/panelone').set(admin).send(withoutToken).expect(400);
    expect(firstP1.body.message).toMatch(/apiToken is required/);

    await api.http.put('/api/v1/integrations/pax8').set(admin).send(pax8Settings()).expect(200);
    const before: Array<{ secret_enc: string }> = await db.query(`SELECT secret_enc FROM integration WHERE tenant_id = $1 AND kind = 'pax8'`, [tenant]);
    const again = await api.http.put('/api/v1/integrations/pax8').set(admin).send({ ...withoutSecret, enabled: false }).expect(200);
    expect(again.body).toMatchObject({ enabled: false, configured: true, config: { clientSecretSet: true } });
    const after: Array<{ secret_enc: string }> = await db.query(`SELECT secret_enc FROM integration WHERE tenant_id = $1 AND kind = 'pax8'`, [tenant]);
    expect(after[0].secret_enc).toBe(before[0].secret_enc);
    // The kept secret still works.
    const test = await api.http.post('/api/v1/integrations/pax8/test').set(admin).expect(200);
    expect(test.body).toMatchObject({ ok: true });
  });

  it('a 400 names each bad field, refuses unknown fields and non-http(s) URLs, and changes nothing', async () => {
    const tenant = uniqueTenant('int-val');
    const admin = bearer(await api.token(tenant, 'admin'));
    const cases: Array<[string, Record<string, unknown>, RegExp[]]> = [
      ['pax8', {}, [/baseUrl is required/, /tokenUrl is required/, /audience is required/, /clientId is required/, /enabled must be true or false/]],
      ['pax8', pax8Settings({ baseUrl: 'ftp://api.pax8.com/v1' }), [/baseUrl must be an http\(s\) URL/]],
      ['pax8', pax8Settings({ tokenUrl: 'javascript:alert(1)' }), [/tokenUrl must be an http\(s\) URL/]],
      ['pax8', pax8Settings({ baseUrl: 'not a url' }), [/baseUrl must be an http\(s\) URL/]],
      ['pax8', pax8Settings({ clientSecret: '' }), [/clientSecret must not be empty/]],
      ['pax8', pax8Settings({ clientSecret: 42 }), [/clientSecret must be a string/]],
      ['pax8', pax8Settings({ enabled: 'yes' }), [/enabled must be true or false/]],
      ['pax8', pax8Settings({ extra: 1 }), [/property extra should not exist/]],
      ['panelone', { apiToken: PANELONE_TOKEN }, [/baseUrl is required/, /enabled must be true or false/]],
      ['panelone', panelOneSettings({ baseUrl: 'file:///etc/passwd' }), [/baseUrl must be an http\(s\) URL/]],
      ['panelone', panelOneSettings({ baseUrl: 'https://user:pw@panelone.example' }), [/baseUrl must be an http\(s\) URL/]],
    ];
    for (const [kind, body, messages] of cases) {
      const res = await api.http.put(`/api/v1/integrations/${kind}`).set(admin).send(body).expect(400);
      expectErrorShape(res.body, 400);
      for (const message of messages) expect(res.body.message).toMatch(message);
      expect(res.body.message).not.toContain(PAX8_SECRET);
      expect(res.body.message).not.toContain(PANELONE_TOKEN);
    }
    const rows = await db.query('SELECT 1 FROM integration WHERE tenant_id = $1', [tenant]);
    expect(rows).toEqual([]);
    await api.http.put('/api/v1/integrations/other').set(admin).send(panelOneSettings()).expect(404);
    const badKind = await api.http.post('/api/v1/integrations/other/test').set(admin).expect(400);
    expect(badKind.body.message).toMatch(/kind must be one of: pax8, panelone/);
  });
});

describe('access', () => {
  it('technicians and viewers get 403 on every integrations settings route', async () => {
    const tenant = uniqueTenant('int-roles');
    for (const role of ['technician', 'viewer'] as const) {
      const auth = bearer(await api.token(tenant, role));
      expect((await api.http.get('/api/v1/integrations').set(auth)).status).toBe(403);
      expect((await api.http.put('/api/v1/integrations/pax8').set(auth).send(pax8Settings())).status).toBe(403);
      expect((await api.http.put('/api/v1/integrations/panelone').set(auth).send(panelOneSettings())).status).toBe(403);
      expect((await api.http.post('/api/v1/integrations/pax8/test').set(auth)).status).toBe(403);
    }
    await api.http.get('/api/v1/integrations').expect(401);
    expect(await db.query('SELECT 1 FROM integration WHERE tenant_id = $1', [tenant])).toEqual([]);
  });

  it('tenant A never sees or tests tenant B settings', async () => {
    const a = bearer(await api.token(uniqueTenant('int-a'), 'admin'));
    const b = bearer(await api.token(uniqueTenant('int-b'), 'admin'));
    await api.http.put('/api/v1/integrations/pax8').set(b).send(pax8Settings()).expect(200);
    await api.http.put('/api/v1/integrations/panelone').set(b).send(panelOneSettings()).expect(200);
    const aList = await api.http.get('/api/v1/integrations').set(a).expect(200);
    expect(aList.body.map((i: { configured: boolean }) => i.configured)).toEqual([false, false]);
    expect(JSON.stringify(aList.body)).not.toContain(pax8.url);
    expect(JSON.stringify(aList.body)).not.toContain(panelone.url);
    const aTest = await api.http.post('/api/v1/integrations/pax8/test').set(a).expect(200);
    expect(aTest.body).toMatchObject({ ok: false, message: expect.stringMatching(/Pax8 is not ready: it has not been configured yet/) });
  });
});

describe('connection test', () => {
  it('ok with the right credentials, ok:false with a readable message for a wrong secret, never leaking it', async () => {
    const tenant = uniqueTenant('int-test');
    const admin = bearer(await api.token(tenant, 'admin'));
    await api.http.put('/api/v1/integrations/pax8').set(admin).send(pax8Settings()).expect(200);
    await api.http.put('/api/v1/integrations/panelone').set(admin).send(panelOneSettings()).expect(200);
    for (const kind of ['pax8', 'panelone']) {
      const ok = await api.http.post(`/api/v1/integrations/${kind}/test`).set(admin).expect(200);
      expect(ok.body).toEqual({ ok: true, message: expect.stringMatching(/^Connected to (Pax8|PanelOne)\.$/), latencyMs: expect.any(Number) });
    }

    const wrongSecret = 'wrong-pax8-secret-123456';
    await api.http.put('/api/v1/integrations/pax8').set(admin).send(pax8Settings({ clientSecret: wrongSecret })).expect(200);
    const bad = await api.http.post('/api/v1/integrations/pax8/test').set(admin).expect(200);
    expect(bad.body).toEqual({ ok: false, message: expect.any(String), latencyMs: expect.any(Number) });
    expect(bad.body.message).toMatch(/^Pax8 rejected the credentials \(POST \/oauth\/token\).*Check the Pax8 credentials/);
    expect(bad.body.message).not.toContain(wrongSecret);

    const wrongToken = 'wrong-panelone-token-987654';
    await api.http.put('/api/v1/integrations/panelone').set(admin).send(panelOneSettings({ apiToken: wrongToken })).expect(200);
    const badP1 = await api.http.post('/api/v1/integrations/panelone/test').set(admin).expect(200);
    expect(badP1.body.ok).toBe(false);
    expect(badP1.body.message).toMatch(/^PanelOne rejected the credentials \(GET \/api\/v2\/organizations page 1\): Invalid API token\./);
    expect(badP1.body.message).not.toContain(wrongToken);

    // An unreachable host is a readable ok:false, not a 500.
    await api.http.put('/api/v1/integrations/panelone').set(admin).send(panelOneSettings({ baseUrl: 'http://127.0.0.1:9' })).expect(200);
    const down = await api.http.post('/api/v1/integrations/panelone/test').set(admin).expect(200);
    expect(down.body).toMatchObject({ ok: false, message: expect.stringMatching(/^PanelOne is unavailable/) });
  });
});

describe('a secret that can no longer be decrypted (ENCRYPTION_KEY changed)', () => {
  it('is still listed as set, and a connection test says what to do', async () => {
    const tenant = uniqueTenant('int-rekey');
    const admin = bearer(await api.token(tenant, 'admin'));
    await api.http.put('/api/v1/integrations/panelone').set(admin).send(panelOneSettings()).expect(200);
    // As if it had been encrypted under another key.
    await db.query(`UPDATE integration SET secret_enc = 'v1:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA==:AAAA' WHERE tenant_id = $1`, [tenant]);
    const list = await api.http.get('/api/v1/integrations').set(admin).expect(200);
    expect(list.body[1]).toMatchObject({ configured: true, config: { apiTokenSet: true } });
    const res = await api.http.post('/api/v1/integrations/panelone/test').set(admin).expect(200);
    expect(res.body).toMatchObject({ ok: false, message: expect.stringMatching(/could not be decrypted \(was ENCRYPTION_KEY changed\?\); enter the secret again/) });
    // Entering it again fixes it.
    await api.http.put('/api/v1/integrations/panelone').set(admin).send(panelOneSettings()).expect(200);
    expect((await api.http.post('/api/v1/integrations/panelone/test').set(admin).expect(200)).body.ok).toBe(true);
  });
});

describe('logs', () => {
  it('no secret ever appears in a log line (the app logs at trace level in this spec)', () => {
    const all = captured.join('');
    expect(all).toMatch(/"request completed"/); // the capture works: pino request logs were written
    for (const secret of [PAX8_SECRET, PANELONE_TOKEN, 'wrong-pax8-secret-123456', 'wrong-panelone-token-987654']) {
      expect(all).not.toContain(secret);
    }
  });
});
