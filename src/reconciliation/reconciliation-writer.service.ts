// Computes a snapshot's reconciliation and stores it, replacing its rows, always inside a
// transaction: the snapshot ingest's own (so a snapshot and its reconciliation become visible
// by one COMMIT), or one of its own when a mapping, product or settings change re-reconciles.
// It provides the ports the features below declare (SnapshotReconciler, ReconciliationInputs),
// so the imports run one way: this module knows them, they do not know it.
import { Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { notFound } from '../common/errors.js';
import type { ReconciliationInputs } from '../common/reconciliation-inputs.js';
import type { Queryable } from '../database/queryable.js';
import { inTransaction } from '../database/transaction.js';
import { suggestPerDevice } from '../integrations/per-device.js';
import { SyncedDataRepository } from '../integrations/synced-data.repository.js';
import { MappingRepository } from '../mapping/mapping.repository.js';
import { PsaItemRepository } from '../mapping/psa-item.repository.js';
import type { CountingRules } from '../settings/rules.js';
import { SettingsRepository } from '../settings/settings.repository.js';
import type { SnapshotReconciler } from '../snapshots/snapshot-reconciler.js';
import { SnapshotRepository } from '../snapshots/snapshot.repository.js';
import { GapExceptionRepository } from './gap-exception.repository.js';
import { reconcileClients, type BilledAddition, type Subscription } from './reconcile.js';
import { RECONCILIATION_CHANNEL, ReconciliationCacheService } from './reconciliation-cache.service.js';
import { ReconciliationRepository } from './reconciliation.repository.js';
import { ReconciliationVersionHook } from './reconciliation-version-hook.js';

@Injectable()
export class ReconciliationWriter implements SnapshotReconciler, ReconciliationInputs {
  private readonly logger = new Logger(ReconciliationWriter.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly cache: ReconciliationCacheService,
    private readonly reconciliations: ReconciliationRepository,
    private readonly snapshots: SnapshotRepository,
    private readonly mappings: MappingRepository,
    private readonly synced: SyncedDataRepository,
    private readonly settings: SettingsRepository,
    private readonly exceptions: GapExceptionRepository,
    private readonly audit: AuditService,
    private readonly psaItems: PsaItemRepository,
    @Optional() private readonly versionHook?: ReconciliationVersionHook,
  ) {}

  /**
   * (Re)computes a snapshot's reconciliation (default: the latest complete one) from the current
   * mapping, products and subscriptions, as a new version when the result differs from the
   * version in force. `reason` says why ("subscriptions synced", "counting rules changed by x").
   */
  async reconcile(tenantId: string, snapshotId?: string, reason = 'reconciled again', by: string | null = null): Promise<{ snapshotId: string; clients: number; version: number; newVersion: boolean }> {
    let result: { snapshotId: string; clients: number; version: number; newVersion: boolean };
    try {
      result = await inTransaction(this.db, async (client) => {
        await this.lockTenant(client, tenantId);
        const snapshot = snapshotId
          ? await this.snapshots.findComplete(client, tenantId, snapshotId)
          : await this.snapshots.latest(client, tenantId);
        if (!snapshot) throw notFound('Complete snapshot');
        const rules = await this.settings.countingRules(tenantId, client);
        const written = await this.write(client, tenantId, snapshot.id, rules, { reason, createdBy: by });
        return { snapshotId: snapshot.id, clients: written.clients, version: written.version, newVersion: written.created };
      });
    } finally {
      this.committed(tenantId);
    }
    if (result.newVersion) await this.analyzeAfter(tenantId, result.snapshotId);
    return result;
  }

  /** After a mapping, product or settings change: re-reconcile the latest snapshot, if there is one, as a new version. */
  async changed(tenantId: string, what: string, by: string | null): Promise<void> {
    if (await this.snapshots.latest(this.db, tenantId)) await this.reconcile(tenantId, undefined, `${what} changed${by ? ` by ${by}` : ''}`, by);
  }

  /**
   * A change of what the latest snapshot's reconciliation depends on (an exception), made under
   * the tenant's reconcile lock and in the same transaction as the new version it causes: a
   * change that throws (a 4xx) leaves nothing behind. `change` sees the latest complete snapshot.
   */
  async changeLatest<T>(tenantId: string, reason: string, by: string | null, change: (q: PoolClient, snapshotId: string | null) => Promise<T>): Promise<T> {
    let outcome: { changed: T; written: { snapshotId: string; created: boolean } | null };
    try {
      outcome = await inTransaction(this.db, async (client) => {
        await this.lockTenant(client, tenantId);
        const snapshot = await this.snapshots.latest(client, tenantId);
        const changed = await change(client, snapshot?.id ?? null);
        if (!snapshot) return { changed, written: null };
        const { created } = await this.write(client, tenantId, snapshot.id, await this.settings.countingRules(tenantId, client), { reason, createdBy: by });
        return { changed, written: { snapshotId: snapshot.id, created } };
      });
    } finally {
      this.committed(tenantId);
    }
    if (outcome.written?.created) await this.analyzeAfter(tenantId, outcome.written.snapshotId);
    return outcome.changed;
  }

  /**
   * Exceptions whose last day has passed: dropped, and each tenant's latest snapshot
   * re-reconciled without them, so their gaps reopen in the totals. The worker runs it on its
   * schedule tick; a reconcile in between already leaves them out. Returns the tenants changed.
   */
  async expireExceptions(): Promise<string[]> {
    const tenants = await this.exceptions.tenantsWithExpired(this.db);
    const changed: string[] = [];
    for (const tenantId of tenants) {
      const removed = await this.changeLatest(tenantId, 'exception expired', null, async (q) => {
        const rows = await this.exceptions.removeExpired(q, tenantId);
        for (const { organization_id: clientId, product_id: productId, ...was } of rows) {
          await this.audit.record(q, {
            tenantId, type: 'gap.exception-expired', by: { subject: 'system', role: 'system', correlationId: null },
            subject: `${clientId}/${productId}`, clientId, before: { productId, ...was }, after: null,
          });
        }
        return rows.length;
      });
      if (removed) changed.push(tenantId);
    }
    return changed;
  }

  /** For the snapshot ingest, inside its own transaction. */
  async reconcileInTransaction(client: PoolClient, tenantId: string, snapshotId: string, rules: CountingRules): Promise<number> {
    await this.lockTenant(client, tenantId);
    return (await this.write(client, tenantId, snapshotId, rules, { reason: 'snapshot taken', createdBy: null })).clients;
  }

  /**
   * After a snapshot's reconciliation, or a re-reconciliation's new version (every line of the
   * tenant again), committed: so a failure costs nothing, and is logged rather than thrown.
   */
  async analyzeAfter(tenantId: string, snapshotId: string): Promise<void> {
    await this.reconciliations.analyzeIfGrown(tenantId, snapshotId)
      .catch((err: unknown) => this.logger.warn({ err }, 'ANALYZE after the reconciliation failed'));
  }

  /**
   * After a transaction that wrote a tenant's snapshot or reconciliation rows ended (COMMIT, or
   * a failure that may have followed one): drop this process's cached reads for the tenant
   * before answering, so the writer reads its own write. Other processes learn it by NOTIFY.
   */
  committed(tenantId: string): void {
    this.cache.invalidate(tenantId);
  }

  /**
   * What the PSA bills per client and Pax8 product, when the tenant's PSA billing is on and its
   * agreements have been synced (null: no PSA data, so no billed figure rather than "billed 0").
   */
  private async billing(q: Queryable, tenantId: string): Promise<BilledAddition[] | null> {
    if (!(await this.settings.psaBillingEnabled(tenantId, q)) || !(await this.synced.hasAgreements(q, tenantId))) return null;
    const additions = await this.synced.billedAdditions(q, tenantId);
    const itemProduct = await this.psaItems.inForce(q, tenantId);
    return additions.flatMap((a) => {
      const productId = itemProduct.get(a.catalog_item_id);
      return productId ? [{
        organizationId: a.organization_id, productId, quantity: Number(a.quantity),
        unitPrice: a.unit_price === null ? null : Number(a.unit_price), billingCycle: a.billing_cycle,
      }] : [];
    });
  }

  /**
   * The licensed subscriptions of the mapped companies, as the reconciliation reads them. The
   * rows as read are dropped on return, not held beside these through the whole reconcile (at
   * 20,000 clients there are 120,000 of each).
   */
  private async subscriptions(q: Queryable, tenantId: string, mapping: ReadonlyMap<string, string>, rules: CountingRules): Promise<Subscription[]> {
    const rows = await this.synced.subscriptions(q, tenantId, [...new Set(mapping.values())], rules.licensedStatuses);
    const perDevice = await this.mappings.perDeviceChoices(tenantId, [...new Set(rows.map((s) => s.product_id))], q);
    return rows.map((s) => ({
      companyId: s.company_id, productId: s.product_id, productName: s.product_name, quantity: Number(s.quantity), status: s.status,
      billingTerm: s.billing_term, price: s.price === null ? null : Number(s.price), perDevice: perDevice.get(s.product_id) ?? suggestPerDevice(s.product_name),
    }));
  }

  /**
   * One reconcile per tenant at a time, until the transaction ends: two concurrent replacements
   * of the same rows would collide, and a reconcile queued behind a snapshot sees that snapshot.
   */
  private async lockTenant(client: PoolClient, tenantId: string): Promise<void> {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('b1r:reconcile:' || $1))`, [tenantId]);
  }

  /** Computes one snapshot's reconciliation and stores it as its next version (unless unchanged). Run inside a transaction. */
  private async write(
    q: Queryable, tenantId: string, snapshotId: string, rules: CountingRules, why: { reason: string; createdBy: string | null },
  ): Promise<{ clients: number; version: number; created: boolean }> {
    const devices = await this.snapshots.billableByClient(q, tenantId, snapshotId);
    const billing = await this.billing(q, tenantId);
    const { mapping, names } = await this.mappings.loadMapping(q, tenantId);
    const { clients, lines } = reconcileClients(
      devices.map((d) => ({ organizationId: d.organization_id, name: d.organization_name, billable: d.billable_count })),
      mapping,
      names,
      await this.subscriptions(q, tenantId, mapping, rules),
      rules,
      await this.exceptions.live(q, tenantId),
      billing,
    );
    // PSA billing joins the inputs only when it is in the result, so that versions made without it stay comparable.
    const inputs = billing ? { rules, psaBilling: true } : { rules };
    const { version, created } = await this.reconciliations.insertVersion(q, tenantId, snapshotId, clients, lines, { ...why, inputs });
    await this.reconciliations.refreshOpenSince(q, tenantId, snapshotId);
    // Nothing new to store (say, a suggestion confirmed as it was): no trigger fires, yet what the
    // summary says beside the figures (how many suggestions are unconfirmed) may have changed, so
    // every replica's cached reads of the tenant are dropped.
    if (created) await this.versionHook?.written(q, { tenantId, snapshotId, version, reason: why.reason });
    if (!created) await q.query(`SELECT pg_notify($1, json_build_object('tenant', $2::text)::text)`, [RECONCILIATION_CHANNEL, tenantId]);
    return { clients: clients.length, version, created };
  }
}
