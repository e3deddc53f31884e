import { SignJWT, UnsecuredJWT } from 'jose';
import { startTestApi, TEST_JWT_SECRET, uniqueTenant, type TestApi } from '../support/app.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });

function expectErrorShape(body: Record<string, unknown>, status: number) {
  expect(body).toEqual({ statusCode: status, error: expect.any(String), message: expect.any(String), correlationId: expect.any(String) });
  expect(body.correlationId).not.toBe('');
}

async function craft(claims: Record<string, unknown>, opts: { secret?: string; exp?: number; iss?: string; aud?: string } = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(opts.iss ?? 'panelone')
    .setAudience(opts.aud ?? 'billingone-reconcile')
    .setSubject('u1')
    .setExpirationTime(opts.exp ?? Math.floor(Date.now() / 1000) + 300)
    .sign(new TextEncoder().encode(opts.secret ?? TEST_JWT_SECRET));
}

describe('health and docs', () => {
  it('health reports the database up without a credential', async () => {
    const res = await api.http.get('/api/v1/health').expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.info.database.status).toBe('up');
  });

  it('serves the OpenAPI document', async () => {
    const res = await api.http.get('/api/docs-json').expect(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(Object.keys(res.body.paths)).toContain('/api/v1/api-keys');
  });
});

describe('authentication', () => {
  const tenant = uniqueTenant('auth');

  it('401 without a credential, in the standard error shape with the correlation id echoed', async () => {
    const res = await api.http.get('/api/v1/api-keys').set('X-Correlation-Id', 'abc-123').expect(401);
    expectErrorShape(res.body, 401);
    expect(res.body.correlationId).toBe('abc-123');
    expect(res.headers['x-correlation-id']).toBe('abc-123');
  });

  it.each([
    ['expired', () => craft({ tid: tenant, roles: ['admin'] }, { exp: Math.floor(Date.now() / 1000) - 120 }), /expired/i],
    ['wrong audience', () => craft({ tid: tenant, roles: ['admin'] }, { aud: 'someone-else' }), /invalid/i],
    ['wrong issuer', () => craft({ tid: tenant, roles: ['admin'] }, { iss: 'evil' }), /invalid/i],
    ['wrong signature', () => craft({ tid: tenant, roles: ['admin'] }, { secret: 'another-secret-of-enough-length-000000' }), /invalid/i],
    ['alg none', async () => new UnsecuredJWT({ tid: tenant, roles: ['admin'] }).setIssuer('panelone').setAudience('billingone-reconcile').setSubject('u').setExpirationTime('5m').encode(), /invalid/i],
    ['no tenant', () => craft({ roles: ['admin'] }), /invalid/i],
    ['unknown role', () => craft({ tid: tenant, roles: ['owner'] }), /roles/i],
    ['lives longer than 15 minutes', () => craft({ tid: tenant, roles: ['admin'] }, { exp: Math.floor(Date.now() / 1000) + 3600 }), /15 minutes/],
    ['garbage', async () => 'not-a-jwt', /invalid/i],
  ])('401 for a token that is %s', async (_label, make, message) => {
    const res = await api.http.get('/api/v1/api-keys').set(bearer(await make())).expect(401);
    expectErrorShape(res.body, 401);
    expect(res.body.message).toMatch(message);
  });

  it('403 for a viewer or technician on an admin route; 200 for an admin', async () => {
    for (const role of ['viewer', 'technician'] as const) {
      const res = await api.http.get('/api/v1/api-keys').set(bearer(await api.token(tenant, role))).expect(403);
      expectErrorShape(res.body, 403);
      expect(res.body.message).toMatch(/admin role/);
    }
    await api.http.get('/api/v1/api-keys').set(bearer(await api.token(tenant, 'admin'))).expect(200);
  });
});

describe('API keys', () => {
  it('create (shown once), list without the key, use, revoke; revoked key is refused', async () => {
    const tenant = uniqueTenant('keys');
    const admin = bearer(await api.token(tenant, 'admin'));
    const created = await api.http.post('/api/v1/api-keys').set(admin).send({ name: 'QBR deck', scopes: ['read'] }).expect(201);
    expect(created.body.key).toMatch(/^b1r_[A-Za-z0-9_-]+_[A-Za-z0-9_-]{43}$/);
    expect(created.body.scopes).toEqual(['read']);

    const listed = await api.http.get('/api/v1/api-keys').set(admin).expect(200);
    expect(listed.body.items).toHaveLength(1);
    expect(listed.body.items[0]).toMatchObject({ id: created.body.id, name: 'QBR deck', revokedAt: null });
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);

    // A read key is not an admin: it may not manage keys.
    const asKey = await api.http.get('/api/v1/api-keys').set(bearer(created.body.key)).expect(403);
    expect(asKey.body.message).toMatch(/scope/);

    await api.http.delete(`/api/v1/api-keys/${created.body.id}`).set(admin).expect(200);
    const revoked = await api.http.get('/api/v1/api-keys').set(bearer(created.body.key)).expect(401);
    expect(revoked.body.message).toMatch(/revoked/i);
    const after = await api.http.get('/api/v1/api-keys').set(admin).expect(200);
    expect(after.body.items[0].revokedAt).not.toBeNull();
  });

  it('a forged key for another tenant with a valid shape is refused', async () => {
    const forged = `b1r_${Buffer.from('someone').toString('base64url')}_${'A'.repeat(43)}`;
    await api.http.get('/api/v1/api-keys').set(bearer(forged)).expect(401);
  });

  it('tenant A cannot see or revoke tenant B keys', async () => {
    const a = bearer(await api.token(uniqueTenant('a'), 'admin'));
    const b = bearer(await api.token(uniqueTenant('b'), 'admin'));
    const bKey = await api.http.post('/api/v1/api-keys').set(b).send({ name: 'b key', scopes: ['read', 'sync'] }).expect(201);
    const aList = await api.http.get('/api/v1/api-keys').set(a).expect(200);
    expect(aList.body.items).toEqual([]);
    const res = await api.http.delete(`/api/v1/api-keys/${bKey.body.id}`).set(a).expect(404);
    expectErrorShape(res.body, 404);
    const bList = await api.http.get('/api/v1/api-keys').set(b).expect(200);
    expect(bList.body.items[0].revokedAt).toBeNull();
  });

  it('validation: a 400 names the bad field, unknown fields are refused, nothing is created', async () => {
    const tenant = uniqueTenant('val');
    const admin = bearer(await api.token(tenant, 'admin'));
    const cases: Array<[unknown, RegExp]> = [
      [{ scopes: ['read'] }, /name/],
      [{ name: 'x', scopes: ['write'] }, /scopes must each be one of: read, sync/],
      [{ name: 'x', scopes: ['read'], extra: true }, /property extra should not exist/],
      [{ name: 'x'.repeat(101), scopes: ['read'] }, /name must be shorter than or equal to 100 characters/],
      [{ name: 42, scopes: 'read' }, /name must be a string.*scopes must be an array|scopes must be an array.*name/],
    ];
    for (const [body, message] of cases) {
      const res = await api.http.post('/api/v1/api-keys').set(admin).send(body as object).expect(400);
      expectErrorShape(res.body, 400);
      expect(res.body.message).toMatch(message);
    }
    const notJson = await api.http.post('/api/v1/api-keys').set(admin).set('Content-Type', 'application/json').send('{"name":').expect(400);
    expect(notJson.body.message).toBe('Request body is not valid JSON');
    expectErrorShape(notJson.body, 400);
    const huge = await api.http.post('/api/v1/api-keys').set(admin).send({ name: 'x'.repeat(300_000), scopes: ['read'] }).expect(413);
    expectErrorShape(huge.body, 413);
    await api.http.delete('/api/v1/api-keys/not-a-uuid').set(admin).expect(400);
    const listed = await api.http.get('/api/v1/api-keys').set(admin).expect(200);
    expect(listed.body.items).toEqual([]);
  });
});
