import { createHmac } from 'node:crypto';
import { backoffMs } from './alert-delivery-worker.service.js';
import { emailMessage, gapsChangedPayload, MAX_LISTED, signature, verifySignature } from './alert-payload.js';
import type { GapChangeRecord } from '../reconciliation/gap-changes.repository.js';

describe('the webhook signature', () => {
  it('is t=<seconds>,v1=<hex HMAC-SHA256 of "t.body">', () => {
    const body = '{"event":"test"}';
    const expected = createHmac('sha256', 'secret-0123456789').update(`1700000000.${body}`).digest('hex');
    expect(signature('secret-0123456789', 1700000000, body)).toBe(`t=1700000000,v1=${expected}`);
  });

  it('verifies for the right secret and body only, and not when stale', () => {
    const body = '{"a":1}';
    const header = signature('s3cret-s3cret-s3cret', 1000, body);
    expect(verifySignature('s3cret-s3cret-s3cret', header, body, 1100)).toBe(true);
    expect(verifySignature('another-secret-xxxx', header, body, 1100)).toBe(false);
    expect(verifySignature('s3cret-s3cret-s3cret', header, '{"a":2}', 1100)).toBe(false);
    expect(verifySignature('s3cret-s3cret-s3cret', header, body, 1000 + 301)).toBe(false);
    expect(verifySignature('s3cret-s3cret-s3cret', 'garbage', body, 1000)).toBe(false);
  });
});

describe('the retry back-off', () => {
  it('doubles from the base, at most an hour apart', () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, 30_000))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(backoffMs(20, 30_000)).toBe(3_600_000);
  });
});

const gap = (kind: GapChangeRecord['kind'], i: number): GapChangeRecord => ({
  kind, organization_id: `org-${i}`, client_name: `Client ${i}`, product_id: 'p1', product_name: 'EDR', devices: 5, licensed_quantity: '3',
  variance: kind === 'closed' ? '0' : '2', previous_variance: kind === 'new' ? null : '1', revenue_at_risk: kind === 'closed' ? null : '10.5', overspend: null,
});
const totals = { taken_at: new Date('2026-12-01T08:00:00Z'), under: 3, over: 1, risk: '31.5', overspend: '0' };
const meta = { tenantId: 't', snapshotId: 's', version: 2, reason: 'snapshot taken' };

describe('the gaps.changed payload', () => {
  it('lists at most MAX_LISTED of a kind, with whole counts', () => {
    const many = Array.from({ length: MAX_LISTED + 5 }, (_, i) => gap('new', i));
    const payload = gapsChangedPayload(meta, [...many, gap('closed', 1)], totals);
    expect(payload.counts).toEqual({ new: MAX_LISTED + 5, worsened: 0, closed: 1 });
    expect(payload.new).toHaveLength(MAX_LISTED);
    expect(payload.truncated).toBe(true);
    expect(payload.totals).toEqual({ underLicensedClients: 3, overLicensedClients: 1, revenueAtRisk: { amount: 31.5, currency: 'USD' }, overspend: { amount: 0, currency: 'USD' } });
    expect(payload.new[0]).toEqual({
      clientId: 'org-0', clientName: 'Client 0', productId: 'p1', productName: 'EDR', devices: 5, licenses: 3, variance: 2, previousVariance: null,
      revenueAtRisk: { amount: 10.5, currency: 'USD' }, overspend: null,
    });
  });

  it('becomes an email that names each gap', () => {
    const { subject, text } = emailMessage(gapsChangedPayload(meta, [gap('new', 1), gap('worsened', 2), gap('closed', 3)], totals));
    expect(subject).toBe('BillingOne Reconcile: 1 new, 1 worsened, 1 closed licence gaps');
    expect(text).toContain('Client 1: EDR, 5 devices vs 3 licences (variance 2), $10.50/month at risk');
    expect(text).toContain('Client 2: EDR, 5 devices vs 3 licences (variance 2, was 1)');
    expect(text).toContain('Closed gaps (1):\n  - Client 3: EDR (was 1)');
    expect(text).toContain('Totals now: 3 under-licensed and 1 over-licensed clients, $31.50/month revenue at risk, $0.00/month overspend.');
  });
});
