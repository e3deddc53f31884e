// Malformed input to EVERY documented route (list from /api/docs-json): each route needs its own
// row in CASES (a new route without one fails), and on top of those every route gets generated
// cases from its OpenAPI description (bad path ids and enums, bad paging and query values, non-JSON,
// oversized and wrongly-typed bodies). Every answer must be a 4xx in the standard error shape,
// and the tenant's tables (synced data, snapshot, settings, keys, integrations) are unchanged.
import { jest } from '@jest/globals';
import type pg from 'pg';
import { startTestApi, uniqueTenant, type TestApi } from '../support/app.js';
import { bearer, configureTenant, dumpTenant, ownQueue, expectErrorShape, fillPath, openApiRoutes, pool, runTool, startUpstreams, startWorker, summary, type Route, type Upstreams, type Worker } from './support.js';

jest.setTimeout(600_000);

interface Case {
  label: string;
  path?: Record<string, string>;
  query?: Record<string, string>;
  /** A JSON body (object/array/scalar), or { raw } sent as is with the given content type. */
  body?: unknown;
  raw?: string | Buffer;
  contentType?: string;
}

const QUEUE = ownQueue('bad-input');
const HUGE = 'x'.repeat(20_000);
const UUID = '00000000-0000-4000-8000-000000000000';

const pax8Valid = { baseUrl: 'https://api.pax8.example/v1', tokenUrl: 'https://token.pax8.example/oauth/token', audience: 'https://api.pax8.com', clientId: 'cid', clientSecret: 's', enabled: true };
const panelOneValid = { baseUrl: 'https://panelone.example.com', apiToken: 't', enabled: true };

/** Route-specific malformed input; every documented route must have a row. */
const CASES: Record<string, Case[]> = {
  'GET /api/v1/health': [{ label: 'unknown method body', raw: '{', contentType: 'application/json' }],
  'POST /api/v1/api-keys': [
    { label: 'missing fields', body: {} },
    { label: 'missing scopes', body: { name: 'k' } },
    { label: 'name not a string', body: { name: 42, scopes: ['read'] } },
    { label: 'name too long', body: { name: HUGE, scopes: ['read'] } },
    { label: 'unknown scope', body: { name: 'k', scopes: ['admin'] } },
    { label: 'scopes a string', body: { name: 'k', scopes: 'read' } },
    { label: 'unknown field', body: { name: 'k', scopes: ['read'], tenantId: 'someone-else' } },
    { label: 'array body', body: [{ name: 'k', scopes: ['read'] }] },
    { label: 'null body', raw: 'null', contentType: 'application/json' },
    { label: 'name with a NUL character', body: { name: 'a\u0000b', scopes: ['read'] } },
  ],
  'GET /api/v1/api-keys': [{ label: 'non-JSON body on GET', raw: 'not json', contentType: 'application/json' }],
  'DELETE /api/v1/api-keys/{id}': [
    { label: 'SQL in the id', path: { id: "' OR 1=1 --" } },
    { label: 'huge id', path: { id: HUGE } },
  ],
  'GET /api/v1/integrations': [{ label: 'oversized body on GET', raw: JSON.stringify({ a: 'x'.repeat(300_000) }), contentType: 'application/json' }],
  'PUT /api/v1/integrations/pax8': [
    { label: 'missing fields', body: {} },
    { label: 'baseUrl not a URL', body: { ...pax8Valid, baseUrl: 'not a url' } },
    { label: 'javascript: baseUrl', body: { ...pax8Valid, baseUrl: 'javascript:alert(1)' } },
    { label: 'ftp tokenUrl', body: { ...pax8Valid, tokenUrl: 'ftp://token.example/' } },
    { label: 'enabled a string', body: { ...pax8Valid, enabled: 'yes' } },
    { label: 'clientSecret a number', body: { ...pax8Valid, clientSecret: 12345 } },
    { label: 'huge clientId', body: { ...pax8Valid, clientId: HUGE } },
    { label: 'unknown field', body: { ...pax8Valid, apiToken: 'x' } },
  ],
  'PUT /api/v1/integrations/panelone': [
    { label: 'missing enabled', body: { baseUrl: panelOneValid.baseUrl, apiToken: 't' } },
    { label: 'baseUrl a number', body: { ...panelOneValid, baseUrl: 7 } },
    { label: 'huge baseUrl', body: { ...panelOneValid, baseUrl: `https://${'a'.repeat(5000)}.example` } },
    { label: 'apiToken an object', body: { ...panelOneValid, apiToken: { t: 1 } } },
    { label: 'unknown field', body: { ...panelOneValid, clientSecret: 'x' } },
  ],
  'POST /api/v1/integrations/{kind}/test': [
    { label: 'unknown kind', path: { kind: 'quickbooks' } },
    { label: 'huge kind', path: { kind: HUGE } },
  ],
  'GET /api/v1/settings': [{ label: 'non-JSON body', raw: '<xml/>', contentType: 'application/json' }],
  'PUT /api/v1/settings': [
    { label: 'psaBilling.enabled a string', body: { psaBilling: { enabled: 'yes' } } },
    { label: 'psaBilling not an object', body: { psaBilling: true } },
    { label: 'psaBilling with an unknown field', body: { psaBilling: { enabled: true, sync: 'now' } } },
    { label: 'maxSeatChange negative', body: { maxSeatChange: -1 } },
    { label: 'maxMonthlyIncrease a string', body: { maxMonthlyIncrease: 'lots' } },
    { label: 'maxMonthlyIncrease with fractions of a cent', body: { maxMonthlyIncrease: 10.005 } },
    { label: 'requireSecondApprover not a boolean', body: { requireSecondApprover: 'yes' } },
    { label: 'staleDays negative', body: { staleDays: -1 } },
    { label: 'displayName blank', body: { displayName: '  ' } },
    { label: 'displayName a number', body: { displayName: 42 } },
    { label: 'staleDays zero', body: { staleDays: 0 } },
    { label: 'staleDays huge', body: { staleDays: 1e12 } },
    { label: 'staleDays a string', body: { staleDays: '30' } },
    { label: 'staleDays fractional', body: { staleDays: 1.5 } },
    { label: 'unknown device class', body: { countedClasses: ['TOASTER'] } },
    { label: 'empty countedClasses', body: { countedClasses: [] } },
    { label: 'licensedStatuses a string', body: { licensedStatuses: 'Active' } },
    { label: 'huge licensed status', body: { licensedStatuses: [HUGE] } },
    { label: 'licensed status with a NUL character', body: { licensedStatuses: ['Act\u0000ive'] } },
    { label: 'matchedTolerance negative', body: { matchedTolerance: -5 } },
    { label: 'invalid cron', body: { schedule: { cron: 'every day at noon' } } },
    { label: 'cron out of range', body: { schedule: { cron: '61 25 * * *' } } },
    { label: 'huge cron', body: { schedule: { cron: HUGE } } },
    { label: 'invalid time zone', body: { schedule: { timeZone: 'Mars/Olympus_Mons' } } },
    { label: 'time zone a number', body: { schedule: { timeZone: 5 } } },
    { label: 'schedule enabled a string', body: { schedule: { enabled: 'on' } } },
    { label: 'schedule a string', body: { schedule: '0 2 * * *' } },
    { label: 'unknown field', body: { staleDays: 30, tenantId: 'x' } },
    { label: 'unknown nested field', body: { schedule: { cron: '0 2 * * *', command: 'rm -rf /' } } },
  ],
  'GET /api/v1/clients': [{ label: 'non-JSON body', raw: '}', contentType: 'application/json' }],
  'PUT /api/v1/clients/{organizationId}/mapping': [
    { label: 'missing pax8CompanyId', body: {} },
    { label: 'pax8CompanyId not a UUID', body: { pax8CompanyId: 'not-a-uuid' } },
    { label: 'pax8CompanyId a number', body: { pax8CompanyId: 42 } },
    { label: 'unknown field', body: { pax8CompanyId: null, state: 'confirmed' } },
    { label: 'huge organization id', path: { organizationId: HUGE }, body: { pax8CompanyId: null } },
  ],
  'GET /api/v1/catalog/products': [{ label: 'non-JSON body', raw: 'nope', contentType: 'application/json' }],
  'PUT /api/v1/catalog/products/{productId}': [
    { label: 'missing perDevice', body: {} },
    { label: 'perDevice a string', body: { perDevice: 'yes' } },
    { label: 'perDevice a number', body: { perDevice: 1 } },
    { label: 'unknown field', body: { perDevice: true, price: 0 } },
    { label: 'huge product id', path: { productId: HUGE }, body: { perDevice: true } },
  ],
  'GET /api/v1/catalog/psa-items': [{ label: 'non-JSON body', raw: 'nope', contentType: 'application/json' }],
  'PUT /api/v1/catalog/psa-items/{itemId}/mapping': [
    { label: 'missing pax8ProductId', body: {} },
    { label: 'pax8ProductId not a UUID', body: { pax8ProductId: 'not-a-uuid' } },
    { label: 'pax8ProductId a number', body: { pax8ProductId: 42 } },
    { label: 'pax8ProductId a list (two products)', body: { pax8ProductId: ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'] } },
    { label: 'unknown field', body: { pax8ProductId: null, state: 'confirmed' } },
    { label: 'huge item id', path: { itemId: HUGE }, body: { pax8ProductId: null } },
  ],
  'GET /api/v1/snapshots': [
    { label: 'limit a word', query: { limit: 'ten' } },
    { label: 'limit 1e9', query: { limit: '1000000000' } },
    { label: 'offset fractional', query: { offset: '1.5' } },
  ],
  'POST /api/v1/snapshots': [
    { label: 'non-JSON body', raw: '{"trigger":', contentType: 'application/json' },
    { label: 'oversized body', raw: JSON.stringify({ pad: 'x'.repeat(300_000) }), contentType: 'application/json' },
  ],
  'GET /api/v1/snapshots/{id}': [
    { label: 'id not a UUID', path: { id: 'latest' } },
    { label: 'id with traversal', path: { id: '../../etc/passwd' } },
  ],
  'GET /api/v1/snapshots/{id}/devices.csv': [
    { label: 'id not a UUID', path: { id: 'latest' } },
    { label: 'huge id', path: { id: HUGE } },
  ],
  'GET /api/v1/snapshots/{id}/devices': [
    { label: 'counted not a boolean', path: { id: '$snapshot' }, query: { counted: 'maybe' } },
    { label: 'huge clientId', path: { id: '$snapshot' }, query: { clientId: HUGE } },
    { label: 'limit over the maximum', path: { id: '$snapshot' }, query: { limit: '501' } },
  ],
  'GET /api/v1/reconciliation/summary': [
    { label: 'snapshotId not a UUID', query: { snapshotId: '1 OR 1=1' } },
  ],
  'GET /api/v1/reconciliation/clients': [
    { label: 'unknown status', query: { status: 'bankrupt' } },
    { label: 'unknown sort', query: { sort: 'password' } },
    { label: 'unknown order', query: { order: 'sideways' } },
    { label: 'huge search', query: { search: HUGE } },
    { label: 'limit negative', query: { limit: '-1' } },
  ],
  'GET /api/v1/reconciliation/export.csv': [
    { label: 'unknown status', query: { status: '=cmd|calc' } },
    { label: 'huge search', query: { search: HUGE } },
  ],
  'GET /api/v1/reconciliation/clients/{clientId}': [
    { label: 'huge client id', path: { clientId: HUGE } },
    { label: 'snapshotId not a UUID', path: { clientId: '$org' }, query: { snapshotId: 'yesterday' } },
  ],
  'GET /api/v1/reconciliation/clients/{clientId}/export.csv': [
    { label: 'huge client id', path: { clientId: HUGE } },
    { label: 'snapshotId not a UUID', path: { clientId: '$org' }, query: { snapshotId: 'x' } },
  ],
  'GET /api/v1/reconciliation/clients/{clientId}/report.html': [
    { label: 'huge client id', path: { clientId: HUGE } },
    { label: 'from after to', path: { clientId: '$org' }, query: { from: '2026-05-01', to: '2026-04-01' } },
    { label: 'period over a year', path: { clientId: '$org' }, query: { from: '2024-01-01', to: '2026-01-01' } },
    { label: 'not a real date', path: { clientId: '$org' }, query: { from: '2026-02-30' } },
    { label: 'a date-time', path: { clientId: '$org' }, query: { to: '2026-04-01T00:00:00Z' } },
    { label: 'NUL in a date', path: { clientId: '$org' }, query: { from: '2026-01-01\u0000' } },
  ],
  'GET /api/v1/reconciliation/clients/{clientId}/report.pdf': [
    { label: 'huge client id', path: { clientId: HUGE } },
    { label: 'unknown paper', path: { clientId: '$org' }, query: { paper: 'a5' } },
    { label: 'from after to', path: { clientId: '$org' }, query: { from: '2026-05-01', to: '2026-04-01' } },
    { label: 'words for a date', path: { clientId: '$org' }, query: { to: 'yesterday' } },
  ],
  'GET /api/v1/missed-billing': [
    { label: 'limit zero', query: { limit: '0' } },
    { label: 'offset negative', query: { offset: '-10' } },
    { label: 'version zero', query: { version: '0' } },
  ],
  'GET /api/v1/reconciliation/versions': [
    { label: 'snapshotId not a UUID', query: { snapshotId: 'v1' } },
    { label: 'a version is not a filter here', query: { version: '1' } },
  ],
  'GET /api/v1/products/reconciliation': [
    { label: 'snapshotId not a UUID', query: { snapshotId: '1; DROP TABLE snapshot' } },
    { label: 'version fractional', query: { version: '1.5' } },
    { label: 'version huge', query: { version: '99999999999' } },
    { label: 'version words', query: { version: 'latest' } },
  ],
  'GET /api/v1/sync/runs': [
    { label: 'unknown tool', query: { tool: 'rm-rf' } },
    { label: 'limit huge', query: { limit: '99999999999999999999' } },
  ],
  'GET /api/v1/sync/runs/{id}': [
    { label: 'id not a UUID', path: { id: '12345' } },
  ],
  'POST /api/v1/sync/{tool}': [
    { label: 'unknown tool', path: { tool: 'format-disk' } },
    { label: 'tool with a slash', path: { tool: 'sync-all/../sync-all' } },
    { label: 'non-JSON body', path: { tool: 'sync-all' }, raw: 'go!', contentType: 'application/json' },
  ],
  'GET /api/v1/gaps': [
    { label: 'unknown state', query: { state: 'resolved' } },
    { label: 'huge clientId', query: { clientId: HUGE } },
    { label: 'snapshotId not a UUID', query: { snapshotId: 'latest' } },
    { label: 'limit over the maximum', query: { limit: '501' } },
  ],
  'POST /api/v1/gaps/{clientId}/{productId}/exception': [
    { label: 'missing reason', path: { clientId: '$org' }, body: {} },
    { label: 'unknown reason', path: { clientId: '$org' }, body: { reason: 'because' } },
    { label: 'other without a note', path: { clientId: '$org' }, body: { reason: 'other' } },
    { label: 'note over 500 characters', path: { clientId: '$org' }, body: { reason: 'other', note: 'n'.repeat(501) } },
    { label: 'until in the past', path: { clientId: '$org' }, body: { reason: 'not-billable', until: '2020-01-01' } },
    { label: 'until not a date', path: { clientId: '$org' }, body: { reason: 'not-billable', until: '31/12/2099' } },
    { label: 'until an impossible date', path: { clientId: '$org' }, body: { reason: 'not-billable', until: '2099-02-30' } },
    { label: 'an accepted variance of its own', path: { clientId: '$org' }, body: { reason: 'not-billable', acceptedVariance: 1000 } },
    { label: 'unknown client', path: { clientId: 'org-nobody' }, body: { reason: 'not-billable' } },
    { label: 'huge product id', path: { clientId: '$org', productId: HUGE }, body: { reason: 'not-billable' } },
  ],
  'DELETE /api/v1/gaps/{clientId}/{productId}/exception': [
    { label: 'no exception there', path: { clientId: '$org' } },
    { label: 'huge client id', path: { clientId: HUGE } },
  ],
  'POST /api/v1/actions': [
    { label: 'missing gaps', body: { type: 'pax8-quantity' } },
    { label: 'unknown type', body: { type: 'magic', gaps: [{ clientId: 'org-x', productId: 'p' }] } },
    { label: 'no gap', body: { type: 'pax8-quantity', gaps: [] } },
    { label: 'negative toQuantity', body: { type: 'pax8-quantity', gaps: [{ clientId: 'org-x', productId: 'p', toQuantity: -1 }] } },
    { label: 'fractional toQuantity', body: { type: 'pax8-quantity', gaps: [{ clientId: 'org-x', productId: 'p', toQuantity: 2.5 }] } },
    { label: 'huge toQuantity', body: { type: 'pax8-quantity', gaps: [{ clientId: 'org-x', productId: 'p', toQuantity: 1e12 }] } },
    { label: 'toQuantity a string', body: { type: 'pax8-quantity', gaps: [{ clientId: 'org-x', productId: 'p', toQuantity: '10' }] } },
    { label: 'a gap that is not open', body: { type: 'pax8-quantity', gaps: [{ clientId: 'org-nobody', productId: 'p' }] } },
    { label: 'the same gap twice', body: { type: 'pax8-quantity', gaps: [{ clientId: 'org-x', productId: 'p' }, { clientId: 'org-x', productId: 'p' }] } },
    { label: 'psa-quantity without PSA billing', body: { type: 'psa-quantity', gaps: [{ clientId: 'org-x', productId: 'p', additionId: 'a' }] } },
    // With PSA billing on, the same bodies are 400s naming the field (test/actions/psa-quantity.e2e.spec.ts).
    { label: 'psa-quantity unknown additionId', body: { type: 'psa-quantity', gaps: [{ clientId: 'org-x', productId: 'p', additionId: 'add-nobody' }] } },
    { label: 'psa-quantity additionId of another client', body: { type: 'psa-quantity', gaps: [{ clientId: 'org-nobody', productId: 'p', additionId: 'add-000001' }] } },
    { label: 'psa-quantity negative toQuantity', body: { type: 'psa-quantity', gaps: [{ clientId: 'org-x', productId: 'p', toQuantity: -1 }] } },
    { label: 'psa-quantity fractional toQuantity', body: { type: 'psa-quantity', gaps: [{ clientId: 'org-x', productId: 'p', toQuantity: 2.5 }] } },
    { label: 'psa-quantity huge toQuantity', body: { type: 'psa-quantity', gaps: [{ clientId: 'org-x', productId: 'p', toQuantity: 1e12 }] } },
    { label: 'psa-quantity with a subscriptionId', body: { type: 'psa-quantity', gaps: [{ clientId: 'org-x', productId: 'p', subscriptionId: 's' }] } },
    { label: 'gaps not an array', body: { type: 'pax8-quantity', gaps: { clientId: 'org-x' } } },
  ],
  'POST /api/v1/actions/preview': [
    { label: 'missing gaps', body: { type: 'pax8-quantity' } },
    { label: 'fractional toQuantity', body: { type: 'pax8-quantity', gaps: [{ clientId: 'org-x', productId: 'p', toQuantity: 2.5 }] } },
    { label: 'a gap that is not open', body: { type: 'pax8-quantity', gaps: [{ clientId: 'org-nobody', productId: 'p' }] } },
    { label: 'the same gap twice', body: { type: 'pax8-quantity', gaps: [{ clientId: 'org-x', productId: 'p' }, { clientId: 'org-x', productId: 'p' }] } },
    { label: 'psa-quantity without PSA billing', body: { type: 'psa-quantity', gaps: [{ clientId: 'org-x', productId: 'p', additionId: 'a' }] } },
  ],
  'GET /api/v1/actions': [{ label: 'unknown state', query: { state: 'done' } }],
  'GET /api/v1/actions/{id}': [{ label: 'unknown action', path: { id: UUID } }],
  'POST /api/v1/actions/{id}/approve': [
    { label: 'unknown action', path: { id: UUID }, body: {} },
    { label: 'confirmLarge not a boolean', path: { id: UUID }, body: { confirmLarge: 'yes' } },
  ],
  'POST /api/v1/actions/{id}/cancel': [{ label: 'unknown action', path: { id: UUID } }],
  'GET /api/v1/snapshots/{id}/changes': [
    { label: 'against not a UUID', path: { id: '$snapshot' }, query: { against: "1' OR '1'='1" } },
    { label: 'against not a snapshot of the tenant', path: { id: '$snapshot' }, query: { against: UUID } },
    { label: 'huge clientId', path: { id: '$snapshot' }, query: { clientId: HUGE } },
    { label: 'limit over the maximum', path: { id: '$snapshot' }, query: { limit: '501' } },
    { label: 'unknown snapshot', path: { id: UUID } },
  ],
  'GET /api/v1/alerts/channels': [{ label: 'non-JSON body on GET', raw: 'not json', contentType: 'application/json' }],
  'PUT /api/v1/alerts/channels': [
    { label: 'missing channels', body: {} },
    { label: 'channels not an array', body: { channels: { kind: 'webhook' } } },
    { label: 'unknown kind', body: { channels: [{ kind: 'slack', name: 'x', enabled: true }] } },
    { label: 'webhook without url', body: { channels: [{ kind: 'webhook', name: 'x', enabled: true, secret: 'a'.repeat(20) }] } },
    { label: 'webhook without secret', body: { channels: [{ kind: 'webhook', name: 'x', enabled: true, url: 'https://hooks.example.com/x' }] } },
    { label: 'webhook secret too short', body: { channels: [{ kind: 'webhook', name: 'x', enabled: true, url: 'https://hooks.example.com/x', secret: 'short' }] } },
    { label: 'webhook to a private address', body: { channels: [{ kind: 'webhook', name: 'x', enabled: true, url: 'https://10.0.0.7/hook', secret: 'a'.repeat(20) }] } },
    { label: 'webhook to cloud metadata', body: { channels: [{ kind: 'webhook', name: 'x', enabled: true, url: 'https://169.254.169.254/latest', secret: 'a'.repeat(20) }] } },
    { label: 'webhook over plain http', body: { channels: [{ kind: 'webhook', name: 'x', enabled: true, url: 'http://hooks.example.com/x', secret: 'a'.repeat(20) }] } },
    { label: 'webhook URL with credentials', body: { channels: [{ kind: 'webhook', name: 'x', enabled: true, url: 'https://u:p@hooks.example.com/x', secret: 'a'.repeat(20) }] } },
    { label: 'javascript: URL', body: { channels: [{ kind: 'webhook', name: 'x', enabled: true, url: 'javascript:alert(1)', secret: 'a'.repeat(20) }] } },
    { label: 'email without recipients', body: { channels: [{ kind: 'email', name: 'x', enabled: true }] } },
    { label: 'email with a bad recipient', body: { channels: [{ kind: 'email', name: 'x', enabled: true, recipients: ['not-an-address'] }] } },
    { label: 'email with a url', body: { channels: [{ kind: 'email', name: 'x', enabled: true, recipients: ['a@b.example'], url: 'https://x.example' }] } },
    { label: 'blank name', body: { channels: [{ kind: 'email', name: '   ', enabled: true, recipients: ['a@b.example'] }] } },
    { label: 'enabled a string', body: { channels: [{ kind: 'email', name: 'x', enabled: 'yes', recipients: ['a@b.example'] }] } },
    { label: 'id of no channel', body: { channels: [{ id: UUID, kind: 'email', name: 'x', enabled: true, recipients: ['a@b.example'] }] } },
    { label: 'too many channels', body: { channels: Array.from({ length: 21 }, (_, i) => ({ kind: 'email', name: `c${i}`, enabled: true, recipients: ['a@b.example'] })) } },
    { label: 'unknown field', body: { channels: [{ kind: 'email', name: 'x', enabled: true, recipients: ['a@b.example'], tenantId: 'other' }] } },
  ],
  'POST /api/v1/alerts/channels/{id}/test': [
    { label: 'SQL in the id', path: { id: "' OR 1=1 --" } },
    { label: 'no such channel', path: { id: UUID } },
  ],
  'GET /api/v1/alerts/deliveries': [
    { label: 'channelId not a UUID', query: { channelId: 'nope' } },
    { label: 'unknown status', query: { status: 'lost' } },
  ],
  'POST /api/v1/integrations/{kind}/sync': [
    { label: 'unknown kind', path: { kind: 'connectwise' } },
    { label: 'oversized body', path: { kind: 'pax8' }, raw: JSON.stringify({ pad: 'x'.repeat(300_000) }), contentType: 'application/json' },
  ],
  'GET /api/v1/audit': [
    { label: 'from after to', query: { from: '2025-02-01', to: '2025-01-01' } },
    { label: 'from not a date', query: { from: 'yesterday' } },
    { label: 'to without a zone', query: { to: '2025-01-31T12:00:00' } },
    { label: 'from an impossible date', query: { from: '2025-02-30' } },
    { label: 'type with SQL', query: { type: "settings.' OR 1=1 --" } },
    { label: 'type with a LIKE wildcard', query: { type: 'settings.%' } },
    { label: 'limit zero', query: { limit: '0' } },
    { label: 'unknown filter', query: { actor: 'admin' } },
  ],
};

/** Cases every route gets from its OpenAPI description. */
function generated(route: Route): Case[] {
  const cases: Case[] = [];
  const params = route.operation.parameters ?? [];
  for (const p of params) {
    const schema = p.schema ?? {};
    if (p.in === 'path') {
      if (schema.enum) cases.push({ label: `path ${p.name} not one of the enum`, path: { [p.name]: 'definitely-not-valid' } });
      else if (p.name === 'id') cases.push({ label: `path ${p.name} not a UUID`, path: { [p.name]: 'not-a-uuid' } });
      cases.push({ label: `path ${p.name} with control characters`, path: { [p.name]: 'a\u0000b\u001bc' } });
    } else if (p.in === 'query') {
      if (schema.type === 'number' || schema.type === 'integer') {
        cases.push({ label: `${p.name} negative`, query: { [p.name]: '-1' } });
        cases.push({ label: `${p.name} huge`, query: { [p.name]: '1e30' } });
        cases.push({ label: `${p.name} not a number`, query: { [p.name]: 'abc' } });
      } else if (schema.format === 'uuid') {
        cases.push({ label: `${p.name} not a UUID`, query: { [p.name]: 'not-a-uuid' } });
      } else if (schema.enum) {
        cases.push({ label: `${p.name} not one of the enum`, query: { [p.name]: 'nope' } });
      } else if (schema.type === 'boolean') {
        cases.push({ label: `${p.name} not a boolean`, query: { [p.name]: 'perhaps' } });
      } else if (schema.type === 'string') {
        cases.push({ label: `${p.name} huge`, query: { [p.name]: HUGE } });
        cases.push({ label: `${p.name} long (2000 characters)`, query: { [p.name]: 'z'.repeat(2000) } });
        cases.push({ label: `${p.name} with NUL`, query: { [p.name]: 'a\u0000b' } });
      }
    }
  }
  if (route.method !== 'get') {
    cases.push({ label: 'non-JSON body', raw: 'this is { not json', contentType: 'application/json' });
    cases.push({ label: 'oversized body (> 256 kB)', raw: JSON.stringify({ pad: 'y'.repeat(400_000) }), contentType: 'application/json' });
    cases.push({ label: 'JSON with a trailing comma', raw: '{"a":1,}', contentType: 'application/json' });
  }
  const schema = route.operation.requestBody?.content?.['application/json']?.schema;
  if (schema) {
    cases.push({ label: 'body a JSON string', raw: '"hello"', contentType: 'application/json' });
    cases.push({ label: 'body a JSON number', raw: '42', contentType: 'application/json' });
    cases.push({ label: 'form-encoded body', raw: 'a=1&b=2', contentType: 'application/x-www-form-urlencoded' });
    cases.push({ label: 'text body', raw: 'enabled=true', contentType: 'text/plain' });
    cases.push({ label: 'body with only an unknown field', body: { __proto__x: 1, constructor: { prototype: { admin: true } } } });
  }
  return cases;
}

let api: TestApi;
let db: pg.Pool;
let up: Upstreams;
let worker: Worker;
let routes: Route[];
const tenant = uniqueTenant('badin');
const ids: Record<string, string> = {};

beforeAll(async () => {
  api = await startTestApi({ env: QUEUE });
  db = pool();
  routes = await openApiRoutes(api);
  up = await startUpstreams({ seed: 11, clients: 4, devices: 80 });
  await configureTenant(api, tenant, up);
  worker = await startWorker(QUEUE);
  const run = await runTool(api, tenant, 'sync-all');
  expect(run.status).toBe('succeeded');
  await worker.close();
  const snap = await db.query(`SELECT id FROM snapshot WHERE tenant_id = $1 AND status = 'complete'`, [tenant]);
  ids.snapshot = snap.rows[0].id;
  const org = await db.query(`SELECT id FROM panelone_organization WHERE tenant_id = $1 ORDER BY id LIMIT 1`, [tenant]);
  ids.org = org.rows[0].id;
  // An API key, so key changes would show in the dump.
  await api.http.post('/api/v1/api-keys').set(bearer(await api.token(tenant, 'admin'))).send({ name: 'existing', scopes: ['read'] }).expect(201);
});
afterAll(async () => {
  await api?.close();
  await db?.end();
  await up?.close();
});

const resolve = (values: Record<string, string>) =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v === '$snapshot' ? ids.snapshot : v === '$org' ? ids.org : v]));

it('every documented route has its own malformed-input cases', () => {
  expect(routes.map((r) => r.key).filter((k) => !CASES[k]?.length)).toEqual([]);
  expect(Object.keys(CASES).filter((k) => !routes.some((r) => r.key === k))).toEqual([]);
});

it('every malformed request is a 4xx in the standard error shape, never a 500, and changes nothing', async () => {
  const before = await dumpTenant(db, tenant);
  const admin = bearer(await api.token(tenant, 'admin'));
  const defaults: Record<string, string> = { id: UUID, kind: 'pax8', tool: 'sync-all', organizationId: ids.org, productId: 'product-x', clientId: ids.org, itemId: 'item-x' };
  const failures: string[] = [];
  let tried = 0;
  for (const route of routes) {
    for (const c of [...CASES[route.key], ...generated(route)]) {
      const url = fillPath(route.path, { ...defaults, ...resolve(c.path ?? {}) });
      let req = api.http[route.method](url).set(admin).query(c.query ?? {});
      if (c.raw !== undefined) req = req.set('Content-Type', c.contentType ?? 'application/json').send(c.raw as string);
      else if (c.body !== undefined) req = req.send(c.body as object);
      let res;
      try {
        res = await req;
      } catch (err) {
        failures.push(`${route.key} [${c.label}]: no answer (${String(err)})`);
        continue;
      } finally {
        tried++;
      }
      const name = `${route.key} [${c.label}] → ${res.status}`;
      if (route.key === 'GET /api/v1/health' && res.status === 200) continue; // health ignores any body; the point is it never 500s
      if (res.status < 400 || res.status >= 500) failures.push(`${name}: ${JSON.stringify(res.body).slice(0, 200)}`);
      else {
        try { expectErrorShape(res.body, res.status, name); } catch (err) { failures.push(String(err)); }
      }
    }
  }
  expect(failures).toEqual([]);
  expect(await dumpTenant(db, tenant)).toEqual(before);
  summary('bad-input', { routes: routes.length, badInputsTried: tried, specific: Object.values(CASES).reduce((n, c) => n + c.length, 0) });
});
