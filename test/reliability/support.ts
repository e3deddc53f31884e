// Shared by the reliability specs: the route list from the OpenAPI document, a dump of every
// tenant-scoped table, two tenants seeded through the real sync (simulators upstream, a worker
// in-process), and a summary line each spec prints so the figures in docs/testing.md are reproducible.
import type { INestApplicationContext } from '@nestjs/common';
import pg from 'pg';
import type { TestApi } from '../support/app.js';
import { bearer, configureTenant, startWorker, until } from '../sync/support.js';
import { generateDataset, startPanelOneSimulator, startPax8Simulator, type Dataset, type DatasetOptions, type PanelOneSimulator, type Pax8Simulator } from '../../simulators/index.js';

export { bearer, configureTenant, until };

export type Method = 'get' | 'post' | 'put' | 'delete' | 'patch';

export interface Route {
  method: Method;
  /** OpenAPI path, e.g. /api/v1/snapshots/{id} */
  path: string;
  key: string;
  operation: {
    parameters?: Array<{ in: string; name: string; required?: boolean; schema?: Record<string, any> }>;
    requestBody?: { content?: Record<string, { schema?: Record<string, any> }> };
  };
}

/** Every operation the API documents (so a new route is automatically covered by the tables). */
export async function openApiRoutes(api: TestApi): Promise<Route[]> {
  const res = await api.http.get('/api/docs-json').expect(200);
  const routes: Route[] = [];
  for (const [path, ops] of Object.entries<Record<string, Route['operation']>>(res.body.paths)) {
    for (const [method, operation] of Object.entries(ops)) {
      if (!['get', 'post', 'put', 'delete', 'patch'].includes(method)) continue;
      routes.push({ method: method as Method, path, key: `${method.toUpperCase()} ${path}`, operation });
    }
  }
  return routes;
}

/** Fills `{name}` placeholders. */
export function fillPath(path: string, values: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`no value for path parameter ${name} in ${path}`);
    return encodeURIComponent(values[name]);
  });
}

export function send(api: TestApi, method: Method, url: string) {
  return api.http[method](url);
}

export const ERROR_SHAPE = {
  statusCode: expect.any(Number),
  error: expect.any(String),
  message: expect.any(String),
  correlationId: expect.any(String),
};

/** The standard error body, with exactly these four keys. */
export function expectErrorShape(body: unknown, status: number, context: string): void {
  const b = body as Record<string, unknown>;
  if (!b || typeof b !== 'object' || b.statusCode !== status || Object.keys(b).sort().join() !== 'correlationId,error,message,statusCode'
    || typeof b.message !== 'string' || typeof b.error !== 'string' || typeof b.correlationId !== 'string' || !b.correlationId) {
    throw new Error(`${context}: expected the standard error shape with statusCode ${status}, got ${JSON.stringify(body)?.slice(0, 500)}`);
  }
}

export function pool(): pg.Pool {
  return new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 3 });
}

/** Every public table with a tenant_id column (migrations' own table excluded). */
export async function tenantTables(db: pg.Pool): Promise<string[]> {
  const { rows } = await db.query(
    `SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'tenant_id' ORDER BY table_name`);
  return rows.map((r: { table_name: string }) => r.table_name);
}

export interface DumpOptions {
  /** Leave out timestamp columns and generated ids (to compare two runs of the same sync). */
  stable?: boolean;
}

const VOLATILE_COLUMNS = new Set(['id', 'snapshot_id', 'run_id', 'tenant_id', 'requested_by', 'updated_by', 'created_by']);

/** A canonical dump of one tenant's rows in every table: { table: sorted JSON rows }. */
export async function dumpTenant(db: pg.Pool, tenant: string, options: DumpOptions = {}): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of await tenantTables(db)) {
    const { rows: cols } = await db.query(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`, [table]);
    const keep = cols.filter((c: { column_name: string; data_type: string }) =>
      !options.stable || (!c.data_type.startsWith('timestamp') && !(VOLATILE_COLUMNS.has(c.column_name) && (c.data_type === 'uuid' || c.column_name === 'tenant_id' || c.column_name.endsWith('_by')))));
    const list = keep.map((c: { column_name: string }) => `"${c.column_name}"`).join(', ');
    const { rows } = await db.query(`SELECT ${list} FROM "${table}" WHERE tenant_id = $1`, [tenant]);
    out[table] = rows.map((r: unknown) => JSON.stringify(r)).sort();
  }
  return out;
}

export interface Upstreams {
  dataset: Dataset;
  pax8: Pax8Simulator;
  panelone: PanelOneSimulator;
  close(): Promise<void>;
}

export async function startUpstreams(world: DatasetOptions, credentials: { clientSecret?: string; apiToken?: string } = {}, edit?: (d: Dataset) => void): Promise<Upstreams> {
  const dataset = generateDataset(world);
  edit?.(dataset);
  const pax8 = await startPax8Simulator({ dataset, clientSecret: credentials.clientSecret });
  const panelone = await startPanelOneSimulator({ dataset, apiToken: credentials.apiToken });
  return { dataset, pax8, panelone, close: async () => { await pax8.close(); await panelone.close(); } };
}

export interface Run { id: string; status: string; error: string | null; result: Record<string, any> | null; tool: string }

export async function runTool(api: TestApi, tenant: string, tool: string, timeoutMs = 240_000): Promise<Run> {
  const tech = bearer(await api.token(tenant, 'technician'));
  const started = await api.http.post(`/api/v1/sync/${tool}`).set(tech).expect(202);
  const viewer = bearer(await api.token(tenant, 'viewer'));
  return until(`${tool} run ${started.body.id} to finish`, async () => {
    const res = await api.http.get(`/api/v1/sync/runs/${started.body.id}`).set(viewer).expect(200);
    return res.body.status === 'succeeded' || res.body.status === 'failed' ? (res.body as Run) : undefined;
  }, timeoutMs, 250);
}

export { startWorker };

/**
 * A queue (sync_run.queue) of the spec's own, so workers of other specs (other retry settings)
 * never run its runs; and its workers leave schedules alone (schedule ticks hourly), since they
 * would fire other specs' tenants onto this spec's queue; lease checks are hourly as before.
 */
export function ownQueue(spec: string): Record<string, string> {
  return { SYNC_QUEUE_NAME: `rel-${spec}-${Math.random().toString(36).slice(2, 8)}`, SYNC_LEASE_CHECK_SECONDS: '3600', SYNC_SCHEDULE_TICK_SECONDS: '3600' };
}
export type Worker = INestApplicationContext;

/** One line per spec, grep-able: `RELIABILITY <area>: k=v ...` (quoted in docs/testing.md). */
export function summary(area: string, figures: Record<string, number | string>): void {
  process.stdout.write(`RELIABILITY ${area}: ${Object.entries(figures).map(([k, v]) => `${k}=${v}`).join(' ')}\n`);
}
