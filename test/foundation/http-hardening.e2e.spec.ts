import { startTestApi, uniqueTenant, type TestApi } from '../support/app.js';

describe('rate limiting', () => {
  let api: TestApi;
  afterEach(() => api?.close());

  it('limits each tenant separately: the 6th request in a minute is a 429, another tenant is unaffected', async () => {
    api = await startTestApi({ env: { RATE_LIMIT_PER_MINUTE: '5' } });
    const a = { Authorization: `Bearer ${await api.token(uniqueTenant('rl-a'), 'admin')}` };
    const b = { Authorization: `Bearer ${await api.token(uniqueTenant('rl-b'), 'admin')}` };
    for (let i = 0; i < 5; i++) await api.http.get('/api/v1/api-keys').set(a).expect(200);
    const limited = await api.http.get('/api/v1/api-keys').set(a).expect(429);
    expect(limited.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests', message: expect.stringMatching(/Too many requests/) });
    expect(limited.body.correlationId).toEqual(expect.any(String));
    await api.http.get('/api/v1/api-keys').set(b).expect(200);
  });

  it('limits each IP address, unauthenticated requests included; health is never limited', async () => {
    api = await startTestApi({ env: { RATE_LIMIT_PER_IP_PER_MINUTE: '3' } });
    for (let i = 0; i < 3; i++) await api.http.get('/api/v1/api-keys').expect(401);
    await api.http.get('/api/v1/api-keys').expect(429);
    await api.http.get('/api/v1/health').expect(200);
  });
});

describe('security headers and CORS', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api.close());

  it('sets helmet headers on API responses', async () => {
    const res = await api.http.get('/api/v1/health');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('allows the configured PanelOne origin and no other', async () => {
    const allowed = await api.http.options('/api/v1/reconciliation/summary')
      .set('Origin', 'https://panelone.example').set('Access-Control-Request-Method', 'GET');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://panelone.example');
    const other = await api.http.options('/api/v1/reconciliation/summary')
      .set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'GET');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('request bodies', () => {
  let api: TestApi;
  let auth: { Authorization: string };
  beforeAll(async () => {
    api = await startTestApi();
    auth = { Authorization: `Bearer ${await api.token(uniqueTenant('bodies'), 'admin')}` };
  });
  afterAll(() => api.close());

  it('a POST with Content-Type: application/json and no body (as fetch() clients send) counts as no body', async () => {
    // POST /api-keys needs a body: the validation names the missing field instead of refusing the empty body.
    const res = await api.http.post('/api/v1/api-keys').set(auth).set('Content-Type', 'application/json').expect(400);
    expect(res.body.message).toMatch(/name/);
  });

  it('malformed JSON, a body over 256 kB, a non-JSON body and a body on a GET each get a plain-worded 4xx with the correlation id', async () => {
    const cases: Array<[() => Promise<{ status: number; body: Record<string, unknown>; headers: Record<string, string> }>, number, RegExp]> = [
      [() => api.http.post('/api/v1/api-keys').set(auth).set('Content-Type', 'application/json').send('{"name":'), 400, /not valid JSON/],
      [() => api.http.post('/api/v1/api-keys').set(auth).set('Content-Type', 'application/json').send(JSON.stringify({ name: 'x'.repeat(300_000) })), 413, /too large/],
      [() => api.http.post('/api/v1/api-keys').set(auth).set('Content-Type', 'text/plain').send('name=x'), 415, /must be JSON/],
      [() => api.http.get('/api/v1/api-keys').set(auth).set('Content-Type', 'application/json').send('{}'), 400, /GET request takes no body/],
    ];
    for (const [send, status, message] of cases) {
      const res = await send();
      expect({ status: res.status, message: res.body.message }).toEqual({ status, message: expect.stringMatching(message) });
      expect(res.body.correlationId).toBe(res.headers['x-correlation-id']);
    }
    const keys = await api.http.get('/api/v1/api-keys').set(auth).expect(200);
    expect(keys.body.items).toEqual([]);
  });
});

describe('query strings', () => {
  let api: TestApi;
  let auth: { Authorization: string };
  beforeAll(async () => {
    api = await startTestApi();
    auth = { Authorization: `Bearer ${await api.token(uniqueTenant('queries'), 'viewer')}` };
  });
  afterAll(() => api.close());

  it('the same query string gets the same treatment every time: a bad one is refused on each try, a good one after it still works', async () => {
    // The validation pipe remembers valid query strings; a refused one must never be remembered as valid.
    for (let i = 0; i < 3; i++) {
      const bad = await api.http.get('/api/v1/reconciliation/clients?limit=0&sort=name').set(auth).expect(400);
      expect(bad.body.message).toMatch(/limit must not be less than 1/);
    }
    for (let i = 0; i < 3; i++) {
      const good = await api.http.get('/api/v1/reconciliation/clients?limit=1&sort=name').set(auth).expect(200);
      expect(good.body).toMatchObject({ snapshot: null, items: [], total: 0 });
    }
    const other = await api.http.get('/api/v1/reconciliation/clients?limit=1&sort=names').set(auth).expect(400);
    expect(other.body.message).toMatch(/sort must be one of/);
  });
});
