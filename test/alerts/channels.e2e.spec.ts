// Alert channels through the API: the set is stored as given, a webhook URL goes through the
// outbound policy when saved, its secret is stored encrypted and never answered, "send a test"
// reaches a real receiver (signed) and a real SMTP server, and every change is audited without
// the secret.
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { startTestApi, uniqueTenant, type TestApi } from '../support/app.js';
import { SmtpReceiver, WebhookReceiver } from './support.js';

const SECRET = 'whsec-channels-0123456789';
let api: TestApi;
const smtp = new SmtpReceiver();
const receiver = new WebhookReceiver(SECRET);
let hookUrl: string;

beforeAll(async () => {
  const smtpUrl = await smtp.start();
  hookUrl = await receiver.start();
  api = await startTestApi({ env: { SMTP_URL: smtpUrl } });
});
afterAll(async () => {
  await api.close();
  await receiver.close();
  smtp.close();
});

async function admin(tenant: string) {
  return { Authorization: `Bearer ${await api.token(tenant, 'admin', { subject: 'ada' })}` };
}

it('stores the set, never answers the secret, keeps it encrypted, and audits each change without it', async () => {
  const tenant = uniqueTenant('channels');
  const headers = await admin(tenant);
  const empty = (await api.http.get('/api/v1/alerts/channels').set(headers).expect(200)).body;
  expect(empty).toEqual({ items: [], emailAvailable: true });

  const saved = (await api.http.put('/api/v1/alerts/channels').set(headers).send({ channels: [
    { kind: 'webhook', name: 'Ops', enabled: true, url: hookUrl, secret: SECRET },
    { kind: 'email', name: 'Billing', enabled: false, recipients: ['Billing@MSP.example', 'billing@msp.example', 'lead@msp.example'] },
  ] }).expect(200)).body;
  expect(saved.items.map((c: Record<string, unknown>) => [c.kind, c.name, c.enabled, c.url, c.secretSet, c.recipients])).toEqual([
    ['webhook', 'Ops', true, hookUrl, true, []],
    ['email', 'Billing', false, null, false, ['billing@msp.example', 'lead@msp.example']],
  ]);
  expect(JSON.stringify(saved)).not.toContain(SECRET);
  const [stored] = await api.app.get<DataSource>(getDataSourceToken()).query(`SELECT secret_enc FROM alert_channel WHERE tenant_id = $1 AND kind = 'webhook'`, [tenant]);
  expect(stored.secret_enc).toMatch(/^v1:/);
  expect(stored.secret_enc).not.toContain(SECRET);

  const [ops, billing] = saved.items;
  // Rename the webhook without its secret (kept), enable the email, then drop the email.
  await api.http.put('/api/v1/alerts/channels').set(headers).send({ channels: [
    { id: ops.id, kind: 'webhook', name: 'Ops room', enabled: true, url: hookUrl },
    { id: billing.id, kind: 'email', name: 'Billing', enabled: true, recipients: ['billing@msp.example'] },
  ] }).expect(200);
  const afterDrop = (await api.http.put('/api/v1/alerts/channels').set(headers).send({ channels: [
    { id: ops.id, kind: 'webhook', name: 'Ops room', enabled: true, url: hookUrl },
  ] }).expect(200)).body;
  expect(afterDrop.items.map((c: { id: string; secretSet: boolean }) => [c.id, c.secretSet])).toEqual([[ops.id, true]]);

  // Another host needs the secret again; a kind cannot change.
  const moved = await api.http.put('/api/v1/alerts/channels').set(headers).send({ channels: [
    { id: ops.id, kind: 'webhook', name: 'Ops room', enabled: true, url: 'https://hooks.elsewhere.example/b1r' },
  ] }).expect(400);
  expect(moved.body.message).toBe("channels[0].secret must be entered again when the URL's host changes");
  await api.http.put('/api/v1/alerts/channels').set(headers).send({ channels: [{ id: ops.id, kind: 'email', name: 'x', enabled: true, recipients: ['a@b.example'] }] }).expect(400);

  const audit = (await api.http.get('/api/v1/audit?type=alert-channel.').set(headers).expect(200)).body;
  expect(audit.items.map((e: { type: string; actor: string }) => [e.type, e.actor]).reverse()).toEqual([
    ['alert-channel.created', 'ada'], ['alert-channel.created', 'ada'],
    ['alert-channel.changed', 'ada'], ['alert-channel.changed', 'ada'], ['alert-channel.deleted', 'ada'],
  ]);
  const rename = audit.items.find((e: { type: string; subject: string }) => e.type === 'alert-channel.changed' && e.subject === ops.id);
  expect(rename.before).toMatchObject({ name: 'Ops', secretSet: true });
  expect(rename.after).toMatchObject({ name: 'Ops room', secretSet: true, secretChanged: false });
  expect(JSON.stringify(audit)).not.toContain(SECRET);
  expect(JSON.stringify(audit)).not.toContain(stored.secret_enc);
});

it('refuses webhook URLs the outbound policy refuses, before storing anything', async () => {
  const tenant = uniqueTenant('channels-policy');
  const headers = await admin(tenant);
  const refused = async (url: string) => (await api.http.put('/api/v1/alerts/channels').set(headers)
    .send({ channels: [{ kind: 'webhook', name: 'x', enabled: true, url, secret: SECRET }] }).expect(400)).body.message;
  expect(await refused('https://10.1.2.3/hook')).toMatch(/^channels\[0\]\.url is not allowed: .*private address/);
  expect(await refused('https://169.254.169.254/latest/meta-data')).toMatch(/link-local/);
  expect(await refused('http://hooks.example.com/b1r')).toMatch(/only https is allowed/);
  expect(await refused('https://user:pw@hooks.example.com/b1r')).toMatch(/credentials/);
  expect((await api.http.get('/api/v1/alerts/channels').set(headers).expect(200)).body.items).toEqual([]);
});

it('"send a test" reaches the webhook (signed) and the mailbox, and logs each; a failure is told readably', async () => {
  const tenant = uniqueTenant('channels-test');
  const headers = await admin(tenant);
  const { items: [hook, mail, down] } = (await api.http.put('/api/v1/alerts/channels').set(headers).send({ channels: [
    { kind: 'webhook', name: 'Ops', enabled: true, url: hookUrl, secret: SECRET },
    { kind: 'email', name: 'Billing', enabled: false, recipients: [`billing@${tenant}.example`] },
    { kind: 'webhook', name: 'Nobody home', enabled: true, url: 'http://127.0.0.1:9/b1r', secret: SECRET },
  ] }).expect(200)).body;

  const webhook = (await api.http.post(`/api/v1/alerts/channels/${hook.id}/test`).set(headers).expect(200)).body;
  expect(webhook).toMatchObject({ ok: true, message: 'Delivered (HTTP 200)', statusCode: 200 });
  const got = receiver.requests.find((r) => r.deliveryId === webhook.deliveryId)!;
  expect(got).toMatchObject({ event: 'test', signatureValid: true, body: { event: 'test', tenantId: tenant } });

  const email = (await api.http.post(`/api/v1/alerts/channels/${mail.id}/test`).set(headers).expect(200)).body;
  expect(email).toMatchObject({ ok: true, message: 'Sent to 1 recipient(s)', statusCode: 250 });
  await smtp.waitFor(() => smtp.messages.some((m) => m.deliveryId === email.deliveryId));
  expect(smtp.messages.find((m) => m.deliveryId === email.deliveryId)).toMatchObject({ to: [`billing@${tenant}.example`], subject: 'BillingOne Reconcile: test alert' });

  const failed = (await api.http.post(`/api/v1/alerts/channels/${down.id}/test`).set(headers).expect(200)).body;
  expect(failed.ok).toBe(false);
  expect(failed.message).toMatch(/ECONNREFUSED|connect/);

  const log = (await api.http.get('/api/v1/alerts/deliveries').set(headers).expect(200)).body;
  expect(log.items.map((d: { id: string; event: string; status: string; attempts: number }) => [d.id, d.event, d.status, d.attempts]).sort()).toEqual(
    [[webhook.deliveryId, 'test', 'delivered', 1], [email.deliveryId, 'test', 'delivered', 1], [failed.deliveryId, 'test', 'failed', 1]].sort(),
  );
  expect((await api.http.get(`/api/v1/alerts/deliveries?channelId=${mail.id}`).set(headers).expect(200)).body.total).toBe(1);
  // The policy is asked again at send time: a URL stored before the policy changed (written
  // straight into the table here) is refused, nothing is sent, and the log says why.
  await api.app.get<DataSource>(getDataSourceToken()).query(`UPDATE alert_channel SET url = 'https://10.9.8.7/hook' WHERE tenant_id = $1 AND id = $2`, [tenant, hook.id]);
  const refused = (await api.http.post(`/api/v1/alerts/channels/${hook.id}/test`).set(headers).expect(200)).body;
  expect(refused).toMatchObject({ ok: false, statusCode: null });
  expect(refused.message).toMatch(/^https:\/\/10\.9\.8\.7 is not allowed: .*private address/);
  // Another tenant's channel: 404, and nothing sent.
  const other = await admin(uniqueTenant('channels-other'));
  await api.http.post(`/api/v1/alerts/channels/${hook.id}/test`).set(other).expect(404);
  // Technicians may not see or change channels.
  const technician = { Authorization: `Bearer ${await api.token(tenant, 'technician')}` };
  await api.http.get('/api/v1/alerts/channels').set(technician).expect(403);
});
