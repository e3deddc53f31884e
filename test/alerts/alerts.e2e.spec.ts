// Alerts end to end, with no mocked transport: the API and its worker modules on the test
// database, a real HTTP receiver that checks each signature and dedupes on X-B1R-Delivery, and
// the smtp-server package in a process of its own. In the hand-made scenario Beta has 6
// billable devices for 4 EDR licences (+2) and 9 Backup (-3); its second snapshot drops b5 and
// b6, which closes the EDR gap (4 for 4) and worsens Backup (-5).
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { inTransaction } from '../../src/database/transaction.js';
import { ReconciliationWriter } from '../../src/reconciliation/reconciliation-writer.service.js';
import { SettingsRepository } from '../../src/settings/settings.repository.js';
import { startTestApi, uniqueTenant, type TestApi } from '../support/app.js';
import type { PanelOneDevice } from '../../src/integrations/panelone.client.js';
import { PRODUCT, pages, seedScenario, snapshots } from '../reconciliation/scenario.js';
import { SmtpReceiver, WebhookReceiver } from './support.js';

const SECRET = 'whsec-0123456789abcdef';
let api: TestApi;
const smtp = new SmtpReceiver();

beforeAll(async () => {
  const smtpUrl = await smtp.start();
  api = await startTestApi({ worker: true, env: { SMTP_URL: smtpUrl, ALERT_RETRY_BASE_MS: '150', ALERT_ATTEMPT_TIMEOUT_MS: '1000' } });
});
afterAll(async () => {
  await api.close();
  smtp.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const db = () => api.app.get<DataSource>(getDataSourceToken());

interface Setup { tenant: string; devices: PanelOneDevice[]; admin: Record<string, string>; receiver: WebhookReceiver; recipients: string[] }

/** A tenant with its first snapshot, a webhook channel and (optionally) an email channel. */
async function setup(label: string, options: { email?: boolean } = {}): Promise<Setup> {
  const tenant = uniqueTenant(label);
  const devices = await seedScenario(api, tenant);
  await snapshots(api).take(tenant, { trigger: 'manual', devices: pages(devices) });
  const admin = { Authorization: `Bearer ${await api.token(tenant, 'admin')}` };
  const receiver = new WebhookReceiver(SECRET);
  const url = await receiver.start();
  const recipients = [`billing@${tenant}.example`, `lead@${tenant}.example`];
  const channels = [
    { kind: 'webhook', name: 'Ops hook', enabled: true, url, secret: SECRET },
    ...(options.email ? [{ kind: 'email', name: 'Billing team', enabled: true, recipients }] : []),
  ];
  await api.http.put('/api/v1/alerts/channels').set(admin).send({ channels }).expect(200);
  return { tenant, devices, admin, receiver, recipients };
}

/** The delivered part of the log, once it holds `count` deliveries. */
async function deliveredLog(admin: Record<string, string>, count: number) {
  for (let i = 0; ; i++) {
    const log = (await api.http.get('/api/v1/alerts/deliveries?status=delivered').set(admin).expect(200)).body;
    if (log.total === count || i > 100) return log;
    await sleep(50);
  }
}

const without = (devices: PanelOneDevice[], ...ids: string[]) => devices.filter((d) => !ids.includes(d.id));

it('after a reconciliation each channel gets one message: the webhook signed, the email to its recipients; nothing when nothing changed', async () => {
  const s = await setup('alerts-flow', { email: true });
  try {
    await snapshots(api).take(s.tenant, { trigger: 'manual', devices: pages(without(s.devices, 'b5', 'b6')) });
    await s.receiver.waitFor(() => s.receiver.alerts.size === 1);
    await smtp.waitFor(() => smtp.messages.some((m) => m.to.includes(s.recipients[0])));

    const [alert] = s.receiver.alerts.values();
    expect(alert.signatureValid).toBe(true);
    expect(alert.event).toBe('gaps.changed');
    expect(alert.body).toMatchObject({
      event: 'gaps.changed', tenantId: s.tenant, reason: 'snapshot taken', counts: { new: 0, worsened: 1, closed: 1 }, new: [], truncated: false,
      worsened: [{ clientId: 'org-beta', clientName: 'Beta Dental', productId: PRODUCT.backup, devices: 4, licenses: 9, variance: -5, previousVariance: -3 }],
      closed: [{ clientId: 'org-beta', productId: PRODUCT.edr, variance: 0, previousVariance: 2 }],
    });
    const summary = (await api.http.get('/api/v1/reconciliation/summary').set(s.admin).expect(200)).body;
    expect(alert.body.totals).toEqual({ underLicensedClients: summary.underLicensed, overLicensedClients: summary.overLicensed, revenueAtRisk: summary.revenueAtRisk, overspend: summary.overspend });

    const mail = smtp.messages.find((m) => m.to.includes(s.recipients[0]))!;
    expect(mail.to).toEqual(s.recipients);
    expect(mail.subject).toBe('BillingOne Reconcile: 0 new, 1 worsened, 1 closed licence gaps');
    expect(mail.text).toContain('Beta Dental: Datto Endpoint Backup, 4 devices vs 9 licences (variance -5, was -3)');

    const log = await deliveredLog(s.admin, 2);
    expect(log.total).toBe(2);
    expect(log.items.map((d: { kind: string; status: string; summary: unknown; log: Array<{ statusCode: number }> }) => [d.kind, d.status, d.summary, d.log.map((a) => a.statusCode)]).sort())
      .toEqual([['email', 'delivered', { new: 0, worsened: 1, closed: 1 }, [250]], ['webhook', 'delivered', { new: 0, worsened: 1, closed: 1 }, [200]]]);
    expect(log.items.find((d: { kind: string }) => d.kind === 'email').id).toBe(mail.deliveryId);
    expect(log.items.find((d: { kind: string }) => d.kind === 'webhook').id).toBe(alert.deliveryId);

    // The same devices again: a new snapshot, the same gaps, no message.
    const mails = smtp.messages.length;
    await snapshots(api).take(s.tenant, { trigger: 'manual', devices: pages(without(s.devices, 'b5', 'b6')) });
    await sleep(1500);
    expect(s.receiver.requests).toHaveLength(1);
    expect(smtp.messages).toHaveLength(mails);
    expect((await api.http.get('/api/v1/alerts/deliveries').set(s.admin).expect(200)).body.total).toBe(2);
  } finally {
    await s.receiver.close();
  }
});

it('leaves accepted gaps aside: accepting one sends nothing, and its closing is no news', async () => {
  const s = await setup('alerts-accepted');
  try {
    await api.http.post(`/api/v1/gaps/org-beta/${PRODUCT.edr}/exception`).set(s.admin).send({ reason: 'spare-on-purpose' }).expect(201);
    await snapshots(api).take(s.tenant, { trigger: 'manual', devices: pages(without(s.devices, 'b5', 'b6')) });
    await s.receiver.waitFor(() => s.receiver.alerts.size === 1);
    await sleep(500);
    expect(s.receiver.requests).toHaveLength(1);
    const [alert] = s.receiver.alerts.values();
    expect(alert.body.counts).toEqual({ new: 0, worsened: 1, closed: 0 });
    expect(alert.body.worsened[0].productId).toBe(PRODUCT.backup);
  } finally {
    await s.receiver.close();
  }
});

it('a receiver that is down for a while gets every alert once it is back, each with the same delivery id on every retry', async () => {
  const s = await setup('alerts-down');
  try {
    s.receiver.mode = 503;
    await snapshots(api).take(s.tenant, { trigger: 'manual', devices: pages(without(s.devices, 'b5', 'b6')) });
    await snapshots(api).take(s.tenant, { trigger: 'manual', devices: pages(without(s.devices, 'b4', 'b5', 'b6')) });
    await s.receiver.waitFor(() => new Set(s.receiver.requests.map((r) => r.deliveryId)).size === 2 && s.receiver.requests.length >= 6);
    s.receiver.mode = 200;
    await s.receiver.waitFor(() => s.receiver.alerts.size === 2);

    const ids = [...s.receiver.alerts.keys()];
    expect(new Set(s.receiver.requests.map((r) => r.deliveryId))).toEqual(new Set(ids));
    for (const id of ids) expect(s.receiver.requests.filter((r) => r.deliveryId === id).length).toBeGreaterThan(1);
    expect([...s.receiver.alerts.values()].map((a) => a.body.worsened[0].variance).sort((a, b) => a - b)).toEqual([-6, -5]);

    // The receiver has answered; the worker records that a moment later.
    const log = await deliveredLog(s.admin, 2);
    expect(log.total).toBe(2);
    for (const d of log.items) {
      const codes = d.log.map((a: { statusCode: number }) => a.statusCode);
      expect(codes.slice(0, -1).every((c: number) => c === 503)).toBe(true);
      expect(codes.at(-1)).toBe(200);
      expect(d.attempts).toBe(codes.length);
      expect(d.log[0].error).toBe('HTTP 503');
    }
  } finally {
    await s.receiver.close();
  }
});

it('a reconciliation that rolls back sends nothing', async () => {
  const s = await setup('alerts-rollback');
  try {
    // Beta's EDR licences go up: a re-reconcile would close its gap, but its transaction fails.
    await db().query(`UPDATE pax8_subscription SET quantity = 6 WHERE tenant_id = $1 AND product_id = $2 AND company_id = '00000000-0000-4000-8000-00000000000b'`, [s.tenant, PRODUCT.edr]);
    const [{ id: snapshotId }] = await db().query(`SELECT id FROM snapshot WHERE tenant_id = $1`, [s.tenant]);
    const rules = await api.app.get(SettingsRepository).countingRules(s.tenant);
    let outboxInside = 0;
    await expect(inTransaction(db(), async (client) => {
      await api.app.get(ReconciliationWriter).reconcileInTransaction(client, s.tenant, snapshotId, rules);
      outboxInside = (await client.query(`SELECT count(*)::int AS n FROM alert_delivery WHERE tenant_id = $1`, [s.tenant])).rows[0].n;
      throw new Error('the ingest failed after the reconcile');
    })).rejects.toThrow('the ingest failed');
    expect(outboxInside).toBe(1);
    await sleep(1500);
    expect(s.receiver.requests).toHaveLength(0);
    expect((await db().query(`SELECT count(*)::int AS n FROM alert_delivery WHERE tenant_id = $1`, [s.tenant]))[0].n).toBe(0);

    // Committed, the same reconcile is told.
    await api.app.get(ReconciliationWriter).reconcile(s.tenant);
    await s.receiver.waitFor(() => s.receiver.alerts.size === 1);
    expect([...s.receiver.alerts.values()][0].body.closed.map((g: { productId: string }) => g.productId)).toEqual([PRODUCT.edr]);
  } finally {
    await s.receiver.close();
  }
});
