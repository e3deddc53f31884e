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
