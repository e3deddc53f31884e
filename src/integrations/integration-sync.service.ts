// Syncs for the job worker: Pax8 (companies, contacts, catalog, pricing, subscriptions) and
// PanelOne organizations into the synced tables, and PanelOne devices as a stream of pages.
// Every sync stages what it fetched and applies it in one transaction at the end, so a sync
// that fails leaves the previous data intact; each records the integration's status.
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { invalid } from '../common/errors.js';
import { IntegrationRepository } from './integration.repository.js';
import { IntegrationConnections } from './integration-connections.js';
import { IntegrationError, INTEGRATION_NAMES, type IntegrationKind } from './integration-error.js';
import type { PanelOneDevice } from './panelone.client.js';
import type { Pax8Client, Pax8Page } from './pax8.client.js';
import { suggestPerDevice } from './per-device.js';
import { SyncStaging, type StagedRow, type TableSpec } from './sync-staging.js';
import {
  additionRow, agreementRow, catalogItemRow, PANELONE_ADDITION, PANELONE_AGREEMENT, PANELONE_CATALOG_ITEM,
  companyRow, contactRow, organizationRow, PANELONE_ORGANIZATION, PAX8_COMPANY, PAX8_CONTACT, PAX8_PRODUCT,
  PAX8_PRODUCT_PRICING, PAX8_SUBSCRIPTION, pricingRow, productRow, subscriptionRow,
} from './sync-tables.js';

export type { PanelOneDevice } from './panelone.client.js';

export const PAX8_SYNC_PARTS = ['companies', 'contacts', 'catalog', 'pricing', 'subscriptions'] as const;
export type Pax8SyncPart = (typeof PAX8_SYNC_PARTS)[number];
export interface SyncProgress { phase: string; done: number; total?: number }
export type ProgressCallback = (update: SyncProgress) => void | Promise<void>;

/** Concurrent per-company / per-product calls; small, to stay clear of Pax8's rate limits. */
const FAN_OUT = 4;

const SPEC_BY_PART: Record<Pax8SyncPart, TableSpec> = {
  companies: PAX8_COMPANY, contacts: PAX8_CONTACT, catalog: PAX8_PRODUCT, pricing: PAX8_PRODUCT_PRICING, subscriptions: PAX8_SUBSCRIPTION,
};

/** A readable, secret-free sentence for integration.last_error and a run's error. */
export function describeSyncError(kind: IntegrationKind, error: unknown): string {
  if (error instanceof IntegrationError) return error.message;
  return `The ${INTEGRATION_NAMES[kind]} sync failed unexpectedly; try again, and check the server log if it persists.`;
}

@Injectable()
export class IntegrationSyncService {
  private readonly logger = new Logger(IntegrationSyncService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly connections: IntegrationConnections,
    private readonly integrations: IntegrationRepository,
  ) {}

  /** Syncs the given Pax8 parts (all when empty); returns the number of records per part. */
  async syncPax8(tenantId: string, parts: Pax8SyncPart[], progress?: ProgressCallback, signal?: AbortSignal): Promise<Record<string, number>> {
    const unknown = parts.filter((p) => !(PAX8_SYNC_PARTS as readonly string[]).includes(p));
    if (unknown.length) throw invalid(`Unknown Pax8 sync part: ${unknown.join(', ')} (one of: ${PAX8_SYNC_PARTS.join(', ')})`);
    const wanted = PAX8_SYNC_PARTS.filter((p) => parts.length === 0 || parts.includes(p));
    return this.recorded(tenantId, 'pax8', async () => {
      const client = await this.connections.pax8(tenantId);
      const staging = await SyncStaging.open(this.db, tenantId);
      try {
        const counts: Record<string, number> = {};
        const report = progress ?? (() => undefined);
        for (const part of wanted) {
          signal?.throwIfAborted();
          counts[part] = await this.fetchPax8Part(part, client, staging, wanted, report, signal);
        }
        await report({ phase: 'saving', done: 0 });
        await staging.apply(wanted.map((p) => SPEC_BY_PART[p]));
        return counts;
      } finally {
        await staging.close();
      }
    });
  }

  /**
   * PanelOne organizations and, with `billing` (the tenant's PSA billing is on), the billing
   * API's catalog items, agreements and the ACTIVE agreements' additions (only those are billed),
   * all saved in one transaction.
   */
  async syncPanelOneOrganizations(tenantId: string, progress?: ProgressCallback, signal?: AbortSignal, options: { billing?: boolean } = {}): Promise<Record<string, number>> {
    return this.recorded(tenantId, 'panelone', async () => {
      const client = await this.connections.panelOne(tenantId);
      const staging = await SyncStaging.open(this.db, tenantId);
      try {
        const walk = async <T>(phase: string, spec: TableSpec, pages: AsyncIterable<T[]>, toRow: (r: T) => StagedRow) => {
          let done = 0;
          for await (const page of pages) {
            await staging.stage(spec, page.map(toRow));
            done += page.length;
            await progress?.({ phase, done });
          }
        };
        await walk('organizations', PANELONE_ORGANIZATION, client.organizationPages(signal), organizationRow);
        const counts: Record<string, number> = { organizations: await staging.count(PANELONE_ORGANIZATION) };
        if (!options.billing) {
          await staging.apply([PANELONE_ORGANIZATION]);
          return counts;
        }
        await walk('psa-catalog', PANELONE_CATALOG_ITEM, client.catalogItemPages(signal), catalogItemRow);
        await walk('agreements', PANELONE_AGREEMENT, client.agreementPages(signal), agreementRow);
        const active = await staging.query<{ id: string }>(`SELECT id FROM ${staging.stageName(PANELONE_AGREEMENT)} WHERE status = 'ACTIVE' ORDER BY id`);
        const skipIfGone = skippingGone(active.length);
        await fanOut(active, async ({ id }) => {
          await skipIfGone(async () => {
            for await (const page of client.additionPages(id, signal)) await staging.stage(PANELONE_ADDITION, page.map(additionRow));
          });
        }, (done) => progress?.({ phase: 'additions', done, total: active.length }));
        await progress?.({ phase: 'saving', done: 0 });
        await staging.apply([PANELONE_ORGANIZATION, PANELONE_CATALOG_ITEM, PANELONE_AGREEMENT, PANELONE_ADDITION]);
        return {
          ...counts, psaCatalogItems: await staging.count(PANELONE_CATALOG_ITEM), agreements: await staging.count(PANELONE_AGREEMENT),
          additions: await staging.count(PANELONE_ADDITION),
        };
      } finally {
        await staging.close();
      }
    });
  }

  /**
   * The tenant's PanelOne devices, one page (array) at a time, each device once. Records the
   * integration's status when the walk ends (ok) or fails (error); a caller that stops early
   * records nothing.
   */
  async *panelOneDevicePages(tenantId: string, signal?: AbortSignal): AsyncGenerator<PanelOneDevice[]> {
    try {
      const client = await this.connections.panelOne(tenantId);
      yield* client.devicePages(signal);
    } catch (err) {
      if (!signal?.aborted) await this.recordStatus(tenantId, 'panelone', err);
      throw err;
    }
    await this.recordStatus(tenantId, 'panelone');
  }

  /** ok (and lastSyncAt = now) without an error; error with a readable, secret-free message otherwise. */
  async recordStatus(tenantId: string, kind: IntegrationKind, error?: unknown): Promise<void> {
    const failed = error !== undefined && error !== null;
    await this.integrations.recordStatus(tenantId, kind, failed ? describeSyncError(kind, error) : null);
  }

  private async recorded<T>(tenantId: string, kind: IntegrationKind, sync: () => Promise<T>): Promise<T> {
    try {
      const result = await sync();
      await this.recordStatus(tenantId, kind);
      return result;
    } catch (err) {
      if (!(err instanceof IntegrationError)) this.logger.error({ err, tenantId, kind }, 'sync failed unexpectedly');
      await this.recordStatus(tenantId, kind, err).catch((e: unknown) => this.logger.error({ err: e, tenantId, kind }, 'could not record the sync status'));
      throw err;
    }
  }

  private async fetchPax8Part(
    part: Pax8SyncPart, client: Pax8Client, staging: SyncStaging, wanted: Pax8SyncPart[], report: ProgressCallback, signal?: AbortSignal,
  ): Promise<number> {
    const spec = SPEC_BY_PART[part];
    const walk = async (pages: AsyncIterable<Pax8Page<{ id: string } & Record<string, unknown>>>, toRow: (r: never) => StagedRow) => {
      let done = 0;
      for await (const page of pages) {
        await staging.stage(spec, page.items.map(toRow as (r: unknown) => StagedRow));
        done += page.items.length;
        await report({ phase: part, done, total: page.totalElements });
      }
    };
    switch (part) {
      case 'companies':
        await walk(client.companies(signal), companyRow);
        break;
      case 'catalog':
        await walk(client.products(signal), productRow);
        break;
      case 'subscriptions':
        await walk(client.subscriptions(signal), subscriptionRow);
        break;
      case 'contacts': {
        const companyIds = (await this.currentIds(staging, PAX8_COMPANY, wanted.includes('companies'))).map((r) => r.id);
        const skipIfGone = skippingGone(companyIds.length);
        await fanOut(companyIds, async (companyId) => {
          await skipIfGone(async () => {
            for await (const page of client.contacts(companyId, signal)) {
              await staging.stage(spec, page.items.map(contactRow(companyId)));
            }
          });
        }, (done) => report({ phase: part, done, total: companyIds.length }));
        break;
      }
      case 'pricing': {
        const products = await this.currentIds(staging, PAX8_PRODUCT, wanted.includes('catalog'));
        const perDevice = products.filter((p) => p.per_device ?? suggestPerDevice(p.name));
        const skipIfGone = skippingGone(perDevice.length);
        await fanOut(perDevice, async (product) => {
          await skipIfGone(async () => {
            await staging.stage(spec, [pricingRow(product.id, await client.productPricing(product.id, signal))]);
          });
        }, (done) => report({ phase: part, done, total: perDevice.length }));
        break;
      }
    }
    return staging.count(spec);
  }

  /** Ids (and for products, name and the admin's per-device choice) from this sync's stage, or from the stored rows. */
  private currentIds(staging: SyncStaging, spec: TableSpec, fromStage: boolean): Promise<Array<{ id: string; name: string; per_device: boolean | null }>> {
    const source = fromStage ? staging.stageName(spec) : `${spec.table} WHERE tenant_id = $1 AND removed_at IS NULL`;
    return staging.query(
      `SELECT s.id, s.name, ps.per_device
         FROM (SELECT * FROM ${source}) s
         LEFT JOIN product_setting ps ON ps.tenant_id = $1 AND ps.product_id = s.id
        ORDER BY s.id`,
      [staging.tenantIdValue],
    );
  }
}

/**
 * A company or product deleted upstream between the list and its detail call is skipped, not a
 * failed sync; but when every detail call answers "not found", the settings are wrong: fail.
 */
function skippingGone(total: number) {
  let gone = 0;
  return async (work: () => Promise<void>): Promise<void> => {
    try {
      await work();
    } catch (err) {
      if (!(err instanceof IntegrationError && err.kind === 'not-found') || ++gone === total) throw err;
    }
  };
}

/** Runs `work` over items with at most FAN_OUT at a time; stops at the first failure. */
async function fanOut<T>(items: T[], work: (item: T) => Promise<void>, onDone: (done: number) => void | Promise<void>): Promise<void> {
  let next = 0;
  let done = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++];
      try {
        await work(item);
      } catch (err) {
        failed = true;
        throw err;
      }
      await onDone(++done);
    }
  };
  // Wait for every worker to settle, so nothing still writes to the stage after a failure.
  const results = await Promise.allSettled(Array.from({ length: Math.min(FAN_OUT, items.length) }, worker));
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected) throw rejected.reason;
}
