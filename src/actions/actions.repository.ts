// action, action_item and action_event. Every change of state is a conditional UPDATE (the
// state it leaves is in its WHERE), so two admins approving at once, or two workers claiming
// the same item, make one change: the other finds nothing to update.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { rowsOf, type Queryable } from '../database/queryable.js';
import type { ActionState, ActionType } from './action-states.js';
import type { Preview, SyncedAddition, SyncedSubscription } from './decide.js';

export interface ActionRecord {
  tenant_id: string;
  id: string;
  type: ActionType;
  state: 'proposed' | 'approved' | 'cancelled';
  proposed_by: string;
  approved_by: string | null;
  created_at: Date;
}

export interface ItemRecord {
  tenant_id: string;
  action_id: string;
  id: string;
  position: number;
  organization_id: string;
  client_name: string;
  product_id: string;
  product_name: string;
  snapshot_id: string;
  variance: string;
  target_id: string;
  from_quantity: number;
  to_quantity: number;
  preview: Preview;
  state: ActionState;
  outcome: string | null;
  scheduled_for: Date | null;
  lease_owner: string | null;
  lease_until: Date | null;
  attempts: number;
  applied_at: Date | null;
  updated_at: Date;
  /** psa-quantity: the Idempotency-Key of its PATCH, stored before the first send. */
  idempotency_key: string | null;
}

export interface EventRecord { action_id: string; item_id: string | null; at: Date; by: string; state: ActionState; message: string }

export interface GapLineRecord {
  organization_id: string;
  client_name: string;
  product_id: string;
  product_name: string;
  pax8_company_id: string;
  devices: number;
  licensed_quantity: string;
  variance: string;
  status: string;
  gap_state: string | null;
  /** null: no PSA data in this version. */
  billed: string | null;
  billed_variance: string | null;
}

export interface NewItem {
  clientId: string; clientName: string; productId: string; productName: string;
  snapshotId: string; variance: number; targetId: string; preview: Preview;
}

/** A claimed item, with the state it was claimed from (approved, scheduled, or applying whose lease lapsed). */
export type ClaimedItem = ItemRecord & { was: ActionState; type: ActionType };

@Injectable()
export class ActionsRepository {
  constructor(@InjectDataSource() readonly db: DataSource) {}

  transaction<T>(work: (q: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => work(tx));
  }

  /** The line of (client, product) in a reconciliation version, with its client's name. */
  async line(tenantId: string, snapshotId: string, version: number, clientId: string, productId: string, q: Queryable = this.db): Promise<GapLineRecord | null> {
    const [row] = rowsOf<GapLineRecord>(await q.query(
      `SELECT l.organization_id, c.name AS client_name, l.product_id, l.product_name, l.pax8_company_id, l.devices, l.licensed_quantity, l.variance, l.status, l.gap_state, l.billed, l.billed_variance
         FROM reconciliation_line l
         JOIN reconciliation_client c ON c.tenant_id = l.tenant_id AND c.snapshot_id = l.snapshot_id AND c.version = l.version AND c.organization_id = l.organization_id
        WHERE l.tenant_id = $1 AND l.snapshot_id = $2 AND l.version = $3 AND l.organization_id = $4 AND l.product_id = $5`,
      [tenantId, snapshotId, version, clientId, productId],
    ));
    return row ?? null;
  }

  /** The company's live synced subscriptions of one product, every status. */
  async subscriptions(tenantId: string, companyId: string, productId: string, q: Queryable = this.db): Promise<SyncedSubscription[]> {
    const rows = rowsOf<{ id: string; quantity: string; status: string | null; billing_term: string | null; price: string | null; partner_cost: string | null; end_date: Date | null; raw: Record<string, any> }>(await q.query(
      `SELECT id, quantity, status, billing_term, price, partner_cost, end_date, raw FROM pax8_subscription
        WHERE tenant_id = $1 AND company_id = $2 AND product_id = $3 AND removed_at IS NULL ORDER BY id`,
      [tenantId, companyId, productId],
    ));
    return rows.map((r) => ({
      id: r.id, quantity: Number(r.quantity), status: r.status, billingTerm: r.billing_term,
      price: r.price === null ? null : Number(r.price), partnerCost: r.partner_cost === null ? null : Number(r.partner_cost),
      renewsAt: typeof r.raw?.commitmentTerm?.endDate === 'string' ? r.raw.commitmentTerm.endDate : r.end_date ? new Date(r.end_date).toISOString() : null,
    }));
  }

  /** The client's non-cancelled additions of ACTIVE agreements whose catalog item is one of these (the product's). */
  async additions(tenantId: string, organizationId: string, catalogItemIds: string[], q: Queryable = this.db): Promise<SyncedAddition[]> {
    if (!catalogItemIds.length) return [];
    const rows = rowsOf<{ id: string; agreement_id: string; agreement_name: string; description: string | null; quantity: string; unit_price: string | null; billing_cycle: string | null }>(await q.query(
      `SELECT ad.id, ad.agreement_id, ag.name AS agreement_name, ad.description, ad.quantity, ad.unit_price, ad.billing_cycle
         FROM panelone_addition ad
         JOIN panelone_agreement ag ON ag.tenant_id = ad.tenant_id AND ag.id = ad.agreement_id AND ag.removed_at IS NULL AND ag.status = 'ACTIVE'
        WHERE ad.tenant_id = $1 AND ag.organization_id = $2 AND ad.catalog_item_id = ANY($3::text[]) AND ad.removed_at IS NULL AND ad.cancelled_date IS NULL
        ORDER BY ad.id`,
      [tenantId, organizationId, catalogItemIds],
    ));
    return rows.map((r) => ({
      id: r.id, agreementId: r.agreement_id, agreementName: r.agreement_name, description: r.description, quantity: Number(r.quantity),
      unitPrice: r.unit_price === null ? null : Number(r.unit_price), billingCycle: r.billing_cycle,
    }));
  }

  /** Whether an addition of this id exists at all for the tenant (to tell "unknown" from "not this client's"). */
  async additionExists(tenantId: string, additionId: string): Promise<boolean> {
    return rowsOf(await this.db.query(`SELECT 1 FROM panelone_addition WHERE tenant_id = $1 AND id = $2 AND removed_at IS NULL`, [tenantId, additionId])).length > 0;
  }

  /**
   * The item's Idempotency-Key, made and stored the first time (its own statement, committed
   * before the PATCH is sent): every later send of the item, by any worker, uses the same key.
   */
  async idempotencyKey(tenantId: string, itemId: string, owner: string): Promise<string | null> {
    const [row] = rowsOf<{ idempotency_key: string }>(await this.db.query(
      `WITH u AS (UPDATE action_item SET idempotency_key = COALESCE(idempotency_key, gen_random_uuid())
        WHERE tenant_id = $1 AND id = $2 AND state = 'applying' AND lease_owner = $3 RETURNING idempotency_key) SELECT idempotency_key FROM u`,
      [tenantId, itemId, owner],
    ));
    return row?.idempotency_key ?? null;
  }

  /** The gaps among these that already have an item waiting or running. */
  async pendingOn(q: Queryable, tenantId: string, type: ActionType, keys: Array<{ clientId: string; productId: string }>): Promise<Array<{ organization_id: string; product_id: string; action_id: string }>> {
    return rowsOf(await q.query(
      `SELECT i.organization_id, i.product_id, i.action_id FROM action_item i
         JOIN jsonb_to_recordset($2::jsonb) AS k("clientId" text, "productId" text) ON k."clientId" = i.organization_id AND k."productId" = i.product_id
         JOIN action a ON a.tenant_id = i.tenant_id AND a.id = i.action_id AND a.type = $3
        WHERE i.tenant_id = $1 AND i.state IN ('proposed','approved','applying','scheduled')`,
      [tenantId, JSON.stringify(keys), type],
    ));
  }

  async insert(q: Queryable, tenantId: string, type: ActionType, by: string, items: NewItem[]): Promise<string> {
    const [{ id }] = rowsOf<{ id: string }>(await q.query(`INSERT INTO action (tenant_id, type, proposed_by) VALUES ($1, $2, $3) RETURNING id`, [tenantId, type, by]));
    await q.query(
      `INSERT INTO action_item (tenant_id, action_id, position, organization_id, client_name, product_id, product_name, snapshot_id, variance, target_id, from_quantity, to_quantity, preview)
       SELECT $1, $2, t.position, t."clientId", t."clientName", t."productId", t."productName", t."snapshotId"::uuid, t.variance, t."targetId", t."from", t."to", t.preview
         FROM jsonb_to_recordset($3::jsonb) AS t(position int, "clientId" text, "clientName" text, "productId" text, "productName" text, "snapshotId" text, variance numeric, "targetId" text, "from" int, "to" int, preview jsonb)`,
      [tenantId, id, JSON.stringify(items.map((it, position) => ({ ...it, position, from: it.preview.fromQuantity, to: it.preview.toQuantity })))],
    );
    return id;
  }

  async event(q: Queryable, tenantId: string, actionId: string, e: { itemId?: string | null; by: string; state: ActionState; message: string }): Promise<void> {
    await q.query(`INSERT INTO action_event (tenant_id, action_id, item_id, by, state, message) VALUES ($1, $2, $3, $4, $5, $6)`, [tenantId, actionId, e.itemId ?? null, e.by, e.state, e.message]);
  }

  async action(tenantId: string, id: string, q: Queryable = this.db, lock = false): Promise<ActionRecord | null> {
    const [row] = rowsOf<ActionRecord>(await q.query(`SELECT * FROM action WHERE tenant_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`, [tenantId, id]));
    return row ?? null;
  }

  /** Newest first; with a state, the actions with an item in that state (an admin's queue: state=proposed). */
  async page(tenantId: string, state: ActionState | undefined, limit: number, offset: number): Promise<{ rows: ActionRecord[]; total: number }> {
    const rows = rowsOf<ActionRecord & { total: string }>(await this.db.query(
      `SELECT a.*, count(*) OVER () AS total FROM action a
        WHERE a.tenant_id = $1 AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM action_item i WHERE i.tenant_id = a.tenant_id AND i.action_id = a.id AND i.state = $2))
        ORDER BY a.created_at DESC, a.id LIMIT $3 OFFSET $4`,
      [tenantId, state ?? null, limit, offset],
    ));
    return { rows, total: rows.length ? Number(rows[0].total) : 0 };
  }

  async items(tenantId: string, actionIds: string[], q: Queryable = this.db): Promise<ItemRecord[]> {
    if (!actionIds.length) return [];
    return rowsOf<ItemRecord>(await q.query(`SELECT * FROM action_item WHERE tenant_id = $1 AND action_id = ANY($2::uuid[]) ORDER BY action_id, position`, [tenantId, actionIds]));
  }

  async events(tenantId: string, actionIds: string[]): Promise<EventRecord[]> {
    if (!actionIds.length) return [];
    return this.db.query(`SELECT action_id, item_id, at, by, state, message FROM action_event WHERE tenant_id = $1 AND action_id = ANY($2::uuid[]) ORDER BY seq`, [tenantId, actionIds]);
  }

  /** proposed -> approved, once: the second of two concurrent approvals updates nothing. */
  async approve(q: Queryable, tenantId: string, id: string, by: string): Promise<boolean> {
    const rows = rowsOf<{ id: string }>(await q.query(
      `WITH a AS (UPDATE action SET state = 'approved', approved_by = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2 AND state = 'proposed' RETURNING id),
            i AS (UPDATE action_item SET state = 'approved', updated_at = now() WHERE tenant_id = $1 AND action_id IN (SELECT id FROM a) AND state = 'proposed' RETURNING id)
       SELECT id FROM a`,
      [tenantId, id, by],
    ));
    return rows.length === 1;
  }

  /** Cancels what has not started: proposed, approved-but-unclaimed and scheduled items. */
  async cancel(q: Queryable, tenantId: string, id: string): Promise<ItemRecord[]> {
    const cancelled = rowsOf<ItemRecord>(await q.query(
      `WITH u AS (UPDATE action_item SET state = 'cancelled', outcome = 'Cancelled before it was applied', scheduled_for = NULL, updated_at = now()
        WHERE tenant_id = $1 AND action_id = $2 AND state IN ('proposed','approved','scheduled') RETURNING *) SELECT * FROM u`,
      [tenantId, id],
    ));
    if (cancelled.length) await q.query(`UPDATE action SET state = 'cancelled', updated_at = now() WHERE tenant_id = $1 AND id = $2 AND state = 'proposed'`, [tenantId, id]);
    return cancelled;
  }

  /**
   * Claims the next due item of any tenant: approved, scheduled and due, or applying with a
   * lapsed lease (its worker died). SKIP LOCKED: workers never take the same item.
   */
  async claim(q: Queryable, owner: string, leaseSeconds: number): Promise<ClaimedItem | null> {
    const [row] = rowsOf<ClaimedItem>(await q.query(
      `WITH next AS (
         SELECT i.tenant_id, i.id, i.state AS was FROM action_item i
          WHERE i.state = 'approved' OR (i.state = 'scheduled' AND i.scheduled_for <= now()) OR (i.state = 'applying' AND i.lease_until < now())
          ORDER BY i.updated_at LIMIT 1 FOR UPDATE SKIP LOCKED),
       claimed AS (
         UPDATE action_item i SET state = 'applying', lease_owner = $1, lease_until = now() + make_interval(secs => $2), attempts = i.attempts + 1, updated_at = now()
           FROM next WHERE i.tenant_id = next.tenant_id AND i.id = next.id RETURNING i.*, next.was)
       SELECT c.*, a.type FROM claimed c JOIN action a ON a.tenant_id = c.tenant_id AND a.id = c.action_id`,
      [owner, leaseSeconds],
    ));
    return row ?? null;
  }

  /** Extends the lease; false when another worker has taken the item over. */
  async heartbeat(tenantId: string, itemId: string, owner: string, leaseSeconds: number): Promise<boolean> {
    const rows = rowsOf<{ id: string }>(await this.db.query(
      `WITH u AS (UPDATE action_item SET lease_until = now() + make_interval(secs => $4) WHERE tenant_id = $1 AND id = $2 AND state = 'applying' AND lease_owner = $3 RETURNING id) SELECT id FROM u`,
      [tenantId, itemId, owner, leaseSeconds],
    ));
    return rows.length === 1;
  }

  /** applying -> its outcome, only while this worker holds the item. */
  async finish(q: Queryable, tenantId: string, itemId: string, owner: string, next: { state: ActionState; outcome: string; scheduledFor?: Date | null }): Promise<boolean> {
    const rows = rowsOf<{ id: string }>(await q.query(
      `WITH u AS (UPDATE action_item SET state = $4, outcome = $5, scheduled_for = $6, lease_owner = NULL, lease_until = NULL,
                    applied_at = CASE WHEN $4 = 'applied' THEN now() ELSE applied_at END, updated_at = now()
                   WHERE tenant_id = $1 AND id = $2 AND state = 'applying' AND lease_owner = $3 RETURNING id) SELECT id FROM u`,
      [tenantId, itemId, owner, next.state, next.outcome, next.scheduledFor ?? null],
    ));
    return rows.length === 1;
  }

  /** The latest item of each gap among these clients (all when clientIds is null). */
  async latestOnGaps(tenantId: string, clientIds: string[] | null): Promise<Array<ItemRecord & { type: ActionType }>> {
    return this.db.query(
      `SELECT DISTINCT ON (i.organization_id, i.product_id) i.*, a.type FROM action_item i JOIN action a ON a.tenant_id = i.tenant_id AND a.id = i.action_id
        WHERE i.tenant_id = $1 AND ($2::text[] IS NULL OR i.organization_id = ANY($2::text[]))
        ORDER BY i.organization_id, i.product_id, a.created_at DESC, i.position`,
      [tenantId, clientIds],
    );
  }

  /**
   * For applied items: the first complete snapshot taken after each was applied, with the
   * line's variance in its version in force (null: the line is gone, so the gap is).
   */
  async verifications(tenantId: string, itemIds: string[]): Promise<Array<{ item_id: string; snapshot_id: string; taken_at: Date; status: string | null; variance: string | null; billed_variance: string | null }>> {
    if (!itemIds.length) return [];
    return this.db.query(
      `SELECT i.id AS item_id, s.id AS snapshot_id, s.taken_at, l.status, l.variance, l.billed_variance
         FROM action_item i
         CROSS JOIN LATERAL (SELECT s.id, s.taken_at, s.reconciliation_version FROM snapshot s
                              WHERE s.tenant_id = i.tenant_id AND s.status = 'complete' AND s.reconciliation_version IS NOT NULL AND s.taken_at > i.applied_at
                              ORDER BY s.taken_at LIMIT 1) s
         LEFT JOIN reconciliation_line l ON l.tenant_id = i.tenant_id AND l.snapshot_id = s.id AND l.version = s.reconciliation_version
                                        AND l.organization_id = i.organization_id AND l.product_id = i.product_id
        WHERE i.tenant_id = $1 AND i.id = ANY($2::uuid[]) AND i.state = 'applied'`,
      [tenantId, itemIds],
    );
  }
}
