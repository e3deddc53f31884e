// Actions on gaps: a technician proposes (the preview is computed and frozen with the action),
// an admin approves (the items become the worker's jobs) or cancels. Every state an item takes
// is an action_event and an audit entry, written in the transaction that changes the state.
import { Injectable } from '@nestjs/common';
import type { Actor } from '../audit/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { DomainError, ErrorCode, invalid, notFound } from '../common/errors.js';
import { isoTimestamp, type Queryable } from '../database/queryable.js';
import { ReconciliationReader } from '../reconciliation/reconciliation-reader.service.js';
import { SettingsRepository } from '../settings/settings.repository.js';
import { type ActionState } from './action-states.js';
import { ActionsRepository, type ActionRecord, type EventRecord, type ItemRecord, type NewItem } from './actions.repository.js';
import { actionStateOf, capWarnings, pickSubscription, preview } from './decide.js';
import type { ActionDto, ActionItemDto, ActionPreviewResponseDto, ActionListQuery, ActionListResponseDto, ActionVerificationDto, ApproveActionDto, ProposeActionDto } from './dto/actions.dto.js';

/** NOTIFY channel that wakes the workers when items become due. */
export const ACTION_CHANNEL = 'b1r_action';

@Injectable()
export class ActionsService {
  constructor(
    private readonly actions: ActionsRepository,
    private readonly reader: ReconciliationReader,
    private readonly settings: SettingsRepository,
    private readonly audit: AuditService,
  ) {}

  /** What POST /actions would propose, with its checks and 4xx, storing nothing. */
  async preview(tenantId: string, body: ProposeActionDto): Promise<ActionPreviewResponseDto> {
    const items = await this.itemsFor(tenantId, body);
    await this.refusePending(this.actions.db, tenantId, body);
    return {
      type: body.type,
      items: items.map((it) => ({ clientId: it.clientId, clientName: it.clientName, productId: it.productId, productName: it.productName, preview: it.preview })),
    };
  }

  async propose(tenantId: string, by: Actor, body: ProposeActionDto): Promise<ActionDto> {
    const items = await this.itemsFor(tenantId, body);
    const id = await this.actions.transaction(async (q) => {
      // Proposals of one tenant take turns here, so two at once cannot both pass the check below.
      await q.query(`SELECT pg_advisory_xact_lock(hashtext('b1r-action-propose'), hashtext($1))`, [tenantId]);
      await this.refusePending(q, tenantId, body);
      const id = await this.actions.insert(q, tenantId, body.type, by.subject, items);
      await this.actions.event(q, tenantId, id, { by: by.subject, state: 'proposed', message: `Proposed ${items.length} change${items.length === 1 ? '' : 's'}` });
      for (const it of items) {
        await this.audit.record(q, {
          tenantId, type: 'action.proposed', by, subject: id, clientId: it.clientId, before: null,
          after: { state: 'proposed', type: body.type, productId: it.productId, subscriptionId: it.targetId, fromQuantity: it.preview.fromQuantity, toQuantity: it.preview.toQuantity },
        });
      }
      return id;
    });
    return this.get(tenantId, id);
  }

  private async itemsFor(tenantId: string, body: ProposeActionDto): Promise<NewItem[]> {
    if (body.type === 'psa-quantity') throw new DomainError(ErrorCode.Conflict, 'PSA billing is not enabled: psa-quantity actions are not available yet');
    const keys = body.gaps.map((g) => `${g.clientId}\u0000${g.productId}`);
    const twice = body.gaps.find((_, i) => keys.indexOf(keys[i]) !== i);
    if (twice) throw invalid(`gaps names client ${twice.clientId} product ${twice.productId} twice; one item per gap`);
    const ref = await this.reader.resolve(tenantId, {});
    if (!ref) throw new DomainError(ErrorCode.Conflict, 'There is no reconciliation yet: take a snapshot first');
    const now = new Date();
    const items: NewItem[] = [];
    for (const g of body.gaps) {
      const name = `client ${g.clientId} product ${g.productId}`;
      if (g.additionId !== undefined) throw invalid(`gaps (${name}): additionId is for psa-quantity actions; pax8-quantity takes subscriptionId`);
      const line = await this.actions.line(tenantId, ref.id, ref.version, g.clientId, g.productId);
      if (!line || line.status === 'matched') throw new DomainError(ErrorCode.Conflict, `The gap of ${name} is not open in the latest reconciliation`);
      if (line.gap_state === 'accepted') throw new DomainError(ErrorCode.Conflict, `The gap of ${name} is accepted (an exception covers it); remove the exception to act on it`);
      const all = await this.actions.subscriptions(tenantId, line.pax8_company_id, g.productId);
      const licensed = new Set((await this.settings.countingRules(tenantId)).licensedStatuses);
      const counted = all.filter((s) => s.status !== null && licensed.has(s.status));
      const chosen = pickSubscription(counted, g.subscriptionId);
      if (!chosen) {
        throw g.subscriptionId !== undefined
          ? invalid(`gaps (${name}): subscription ${g.subscriptionId} is not one of the counted Pax8 subscriptions of this client and product`)
          : new DomainError(ErrorCode.Conflict, `The gap of ${name} has no counted Pax8 subscription to change; order one in Pax8`);
      }
      const variance = Number(line.variance);
      const to = g.toQuantity ?? Math.max(1, chosen.quantity + variance);
      if (to < 1) throw invalid(`gaps (${name}): toQuantity must be at least 1 (a Pax8 subscription ends by cancelling it in Pax8)`);
      if (to === chosen.quantity) throw invalid(`gaps (${name}): toQuantity ${to} is the subscription's quantity already; nothing to change`);
      items.push({
        clientId: g.clientId, clientName: line.client_name, productId: g.productId, productName: line.product_name,
        snapshotId: ref.id, variance, targetId: chosen.id,
        preview: preview({ subscription: chosen, others: all, productName: line.product_name, toQuantity: to, now }),
      });
    }
    const caps = await this.settings.load(tenantId);
    for (const it of items) it.preview.warnings.push(...capWarnings(it.preview, caps));
    return items;
  }

  private async refusePending(q: Queryable, tenantId: string, body: ProposeActionDto): Promise<void> {
    const pending = await this.actions.pendingOn(q, tenantId, body.gaps);
    if (pending.length) {
      const p = pending[0];
      throw new DomainError(ErrorCode.Conflict, `The gap of client ${p.organization_id} product ${p.product_id} already has an action waiting or running (${p.action_id}); cancel it first`);
    }
  }

  async approve(tenantId: string, by: Actor, id: string, body: ApproveActionDto): Promise<ActionDto> {
    await this.actions.transaction(async (q) => {
      const action = await this.actions.action(tenantId, id, q);
      if (!action) throw notFound('Action');
      if (action.state !== 'proposed') throw new DomainError(ErrorCode.Conflict, `This action is ${action.state === 'approved' ? `already approved${action.approved_by ? ` by ${action.approved_by}` : ''}` : 'cancelled'}`);
      const settings = await this.settings.load(tenantId, q);
      if (settings.requireSecondApprover && action.proposed_by === by.subject) {
        throw new DomainError(ErrorCode.Forbidden, 'This tenant requires a second person to approve: you proposed this action, so another admin must approve it');
      }
      const items = await this.actions.items(tenantId, [id], q);
      if (!body.confirmLarge) {
        for (const it of items) {
          const [over] = capWarnings(it.preview, settings);
          if (over) throw new DomainError(ErrorCode.Conflict, `${it.client_name} ${it.product_name}: ${over.message.replace(': approving needs confirmLarge.', '')}; approve with confirmLarge: true to go ahead`);
        }
      }
      // The conditional update is the approval: of two admins at once, one changes the row.
      if (!(await this.actions.approve(q, tenantId, id, by.subject))) throw new DomainError(ErrorCode.Conflict, 'This action is already approved');
      await this.actions.event(q, tenantId, id, { by: by.subject, state: 'approved', message: `Approved${body.confirmLarge ? ' (large change confirmed)' : ''}; queued for the worker` });
      for (const it of items) await this.recordItem(q, tenantId, by, it, 'proposed', 'approved', null);
      await q.query(`SELECT pg_notify($1, $2)`, [ACTION_CHANNEL, tenantId]);
    });
    return this.get(tenantId, id);
  }

  /** Admins cancel any action; its proposer (a technician) withdraws it while it awaits approval, not once an admin approved it. */
  async cancel(tenantId: string, by: Actor, id: string, admin: boolean): Promise<ActionDto> {
    await this.actions.transaction(async (q) => {
      const action = await this.actions.action(tenantId, id, q, true);
      if (!action) throw notFound('Action');
      if (!admin && action.proposed_by !== by.subject) throw new DomainError(ErrorCode.Forbidden, `Only an admin or its proposer (${action.proposed_by}) can cancel this action`);
      if (!admin && action.state !== 'proposed') throw new DomainError(ErrorCode.Forbidden, `This action is ${action.state}: only an admin can cancel it now`);
      const before = new Map((await this.actions.items(tenantId, [id], q)).map((i) => [i.id, i.state]));
      const cancelled = await this.actions.cancel(q, tenantId, id);
      if (!cancelled.length) throw new DomainError(ErrorCode.Conflict, 'Nothing left to cancel: every item of this action is applying or finished');
      await this.actions.event(q, tenantId, id, { by: by.subject, state: 'cancelled', message: `Cancelled ${cancelled.length} item${cancelled.length === 1 ? '' : 's'}` });
      for (const it of cancelled) await this.recordItem(q, tenantId, by, it, before.get(it.id) ?? 'proposed', 'cancelled', it.outcome);
    });
    return this.get(tenantId, id);
  }

  /** An item's change of state in the audit log (the caller's transaction). */
  async recordItem(q: Queryable, tenantId: string, by: Actor, it: ItemRecord, from: ActionState, to: ActionState, outcome: string | null): Promise<void> {
    await this.audit.record(q, {
      tenantId, type: `action.${to}`, by, subject: it.action_id, clientId: it.organization_id,
      before: { state: from, itemId: it.id, productId: it.product_id },
      after: { state: to, itemId: it.id, productId: it.product_id, subscriptionId: it.target_id, fromQuantity: it.from_quantity, toQuantity: it.to_quantity, ...(outcome ? { outcome } : {}) },
    });
  }

  async get(tenantId: string, id: string): Promise<ActionDto> {
    const action = await this.actions.action(tenantId, id);
    if (!action) throw notFound('Action');
    const [dto] = await this.toDtos(tenantId, [action]);
    return dto;
  }

  async list(tenantId: string, query: ActionListQuery): Promise<ActionListResponseDto> {
    const { rows, total } = await this.actions.page(tenantId, query.state, query.limit, query.offset);
    return { items: await this.toDtos(tenantId, rows), total };
  }

  private async toDtos(tenantId: string, actions: ActionRecord[]): Promise<ActionDto[]> {
    const ids = actions.map((a) => a.id);
    const [items, events] = await Promise.all([this.actions.items(tenantId, ids), this.actions.events(tenantId, ids)]);
    const verifications = await this.verify(tenantId, items);
    return actions.map((a) => {
      const own = items.filter((i) => i.action_id === a.id);
      return {
        id: a.id, type: a.type, state: actionStateOf(a.state, own.map((i) => i.state)), proposedBy: a.proposed_by, approvedBy: a.approved_by,
        createdAt: isoTimestamp(a.created_at),
        items: own.map((i) => itemDto(i, verifications.get(i.id) ?? null)),
        history: events.filter((e: EventRecord) => e.action_id === a.id).map((e) => ({ at: isoTimestamp(e.at), by: e.by, state: e.state, itemId: e.item_id, message: e.message })),
      };
    });
  }

  /** What the first complete snapshot after each applied item shows (derived at read time; versions are never rewritten). */
  async verify(tenantId: string, items: ItemRecord[]): Promise<Map<string, ActionVerificationDto>> {
    const rows = await this.actions.verifications(tenantId, items.filter((i) => i.state === 'applied').map((i) => i.id));
    return new Map(rows.map((r) => {
      const takenAt = isoTimestamp(r.taken_at);
      const closed = r.status === null || r.status === 'matched';
      const variance = r.variance === null ? 0 : Number(r.variance);
      const day = takenAt.slice(0, 10);
      return [r.item_id, {
        snapshotId: r.snapshot_id, takenAt, closed, variance,
        message: closed ? `Closed by snapshot of ${day}` : `Still a gap of ${variance > 0 ? '+' : ''}${variance} in the snapshot of ${day}`,
      }];
    }));
  }
}

export function itemDto(i: ItemRecord, verification: ActionVerificationDto | null): ActionItemDto {
  return {
    id: i.id, clientId: i.organization_id, clientName: i.client_name, productId: i.product_id, productName: i.product_name, state: i.state,
    preview: i.preview, outcome: i.outcome ? { message: i.outcome } : null,
    scheduledFor: i.scheduled_for ? isoTimestamp(i.scheduled_for) : null, verification,
  };
}
