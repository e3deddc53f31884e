// Actions on gaps: a technician proposes (the preview is computed and frozen with the action),
// an admin approves (the items become the worker's jobs) or cancels. Every state an item takes
// is an action_event and an audit entry, written in the transaction that changes the state.
import { Injectable } from '@nestjs/common';
import type { Actor } from '../audit/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { DomainError, ErrorCode, invalid, notFound } from '../common/errors.js';
import { isoTimestamp, type Queryable } from '../database/queryable.js';
import { ReconciliationReader } from '../reconciliation/reconciliation-reader.service.js';
import { PsaItemRepository } from '../mapping/psa-item.repository.js';
import { SettingsRepository } from '../settings/settings.repository.js';
import { type ActionState } from './action-states.js';
import { ActionsRepository, type ActionRecord, type EventRecord, type GapLineRecord, type ItemRecord, type NewItem } from './actions.repository.js';
import { actionStateOf, capWarnings, pickAddition, pickSubscription, preview, psaPreview, type Preview } from './decide.js';
import type { ActionDto, ActionItemDto, ActionPreviewResponseDto, ActionListQuery, ActionListResponseDto, ActionVerificationDto, ApproveActionDto, ProposeActionDto, ProposeGapDto } from './dto/actions.dto.js';

/** NOTIFY channel that wakes the workers when items become due. */
export const ACTION_CHANNEL = 'b1r_action';

@Injectable()
export class ActionsService {
  constructor(
    private readonly actions: ActionsRepository,
    private readonly reader: ReconciliationReader,
    private readonly settings: SettingsRepository,
    private readonly audit: AuditService,
    private readonly psaItems: PsaItemRepository,
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
          after: { state: 'proposed', type: body.type, productId: it.productId, ...targetOf(it.preview, it.targetId), fromQuantity: it.preview.fromQuantity, toQuantity: it.preview.toQuantity },
        });
      }
      return id;
    });
    return this.get(tenantId, id);
  }

  private async itemsFor(tenantId: string, body: ProposeActionDto): Promise<NewItem[]> {
    const psa = body.type === 'psa-quantity';
    if (psa && !(await this.settings.psaBillingEnabled(tenantId))) {
      throw new DomainError(ErrorCode.Conflict, 'PSA billing is off for this tenant: turn it on in the settings (psaBilling) to bill seats through PanelOne');
    }
    const keys = body.gaps.map((g) => `${g.clientId}\u0000${g.productId}`);
    const twice = body.gaps.find((_, i) => keys.indexOf(keys[i]) !== i);
    if (twice) throw invalid(`gaps names client ${twice.clientId} product ${twice.productId} twice; one item per gap`);
    const ref = await this.reader.resolve(tenantId, {});
    if (!ref) throw new DomainError(ErrorCode.Conflict, 'There is no reconciliation yet: take a snapshot first');
    const now = new Date();
    const items: NewItem[] = [];
    const itemProduct = psa ? await this.psaItems.inForce(this.actions.db, tenantId) : new Map<string, string>();
    for (const g of body.gaps) {
      const name = `client ${g.clientId} product ${g.productId}`;
      const line = await this.actions.line(tenantId, ref.id, ref.version, g.clientId, g.productId);
      if (line?.gap_state === 'accepted') throw new DomainError(ErrorCode.Conflict, `The gap of ${name} is accepted (an exception covers it); remove the exception to act on it`);
      items.push(psa ? await this.psaItem(tenantId, ref.id, g, line, name, itemProduct) : await this.pax8Item(tenantId, ref.id, g, line, name, now));
    }
    const caps = await this.settings.load(tenantId);
    for (const it of items) it.preview.warnings.push(...capWarnings(it.preview, caps));
    return items;
  }

  private async refusePending(q: Queryable, tenantId: string, body: ProposeActionDto): Promise<void> {
    const pending = await this.actions.pendingOn(q, tenantId, body.type, body.gaps);
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

  private async pax8Item(tenantId: string, snapshotId: string, g: ProposeGapDto, line: GapLineRecord | null, name: string, now: Date): Promise<NewItem> {
    if (g.additionId !== undefined) throw invalid(`gaps (${name}): additionId is for psa-quantity actions; pax8-quantity takes subscriptionId`);
    if (!line || line.status === 'matched') throw new DomainError(ErrorCode.Conflict, `The gap of ${name} is not open in the latest reconciliation`);
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
    return {
      clientId: g.clientId, clientName: line.client_name, productId: g.productId, productName: line.product_name,
      snapshotId, variance, targetId: chosen.id,
      preview: preview({ subscription: chosen, others: all, productName: line.product_name, toQuantity: to, now }),
    };
  }

  /** "Bill N more seats": the line's billing gap (billedVariance), on one of the client's additions of the product. */
  private async psaItem(tenantId: string, snapshotId: string, g: ProposeGapDto, line: GapLineRecord | null, name: string, itemProduct: Map<string, string>): Promise<NewItem> {
    if (g.subscriptionId !== undefined) throw invalid(`gaps (${name}): subscriptionId is for pax8-quantity actions; psa-quantity takes additionId`);
    if (!line) throw new DomainError(ErrorCode.Conflict, `The gap of ${name} is not open in the latest reconciliation`);
    if (line.billed_variance === null) throw new DomainError(ErrorCode.Conflict, `The latest reconciliation has no PSA billing figures for ${name}: sync the PanelOne agreements first`);
    const billedVariance = Number(line.billed_variance);
    if (billedVariance === 0 && g.toQuantity === undefined) throw new DomainError(ErrorCode.Conflict, `${name} is billed for exactly its devices: there is no billing gap to close`);
    const items = [...itemProduct].filter(([, product]) => product === g.productId).map(([item]) => item);
    const additions = await this.actions.additions(tenantId, g.clientId, items);
    const chosen = pickAddition(additions, g.additionId);
    if (!chosen) {
      if (g.additionId === undefined) throw new DomainError(ErrorCode.Conflict, `${name} has no PanelOne agreement addition billing this product (non-cancelled, on an ACTIVE agreement); add one in PanelOne`);
      throw invalid(await this.actions.additionExists(tenantId, g.additionId)
        ? `gaps (${name}): addition ${g.additionId} does not bill this product for this client (another client's, another product's, cancelled, or on an agreement that is not ACTIVE)`
        : `gaps (${name}): there is no PanelOne addition ${g.additionId}`);
    }
    const to = g.toQuantity ?? Math.max(0, chosen.quantity + billedVariance);
    if (to === chosen.quantity) throw invalid(`gaps (${name}): toQuantity ${to} is the addition's quantity already; nothing to change`);
    return {
      clientId: g.clientId, clientName: line.client_name, productId: g.productId, productName: line.product_name,
      snapshotId, variance: billedVariance, targetId: chosen.id, preview: psaPreview(chosen, to),
    };
  }

  /** An item's change of state in the audit log (the caller's transaction). */
  async recordItem(q: Queryable, tenantId: string, by: Actor, it: ItemRecord, from: ActionState, to: ActionState, outcome: string | null): Promise<void> {
    await this.audit.record(q, {
      tenantId, type: `action.${to}`, by, subject: it.action_id, clientId: it.organization_id,
      before: { state: from, itemId: it.id, productId: it.product_id },
      after: { state: to, itemId: it.id, productId: it.product_id, ...targetOf(it.preview, it.target_id), fromQuantity: it.from_quantity, toQuantity: it.to_quantity, ...(outcome ? { outcome } : {}) },
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
    const billing = new Set(items.filter((i) => i.preview.additionId !== undefined).map((i) => i.id));
    return new Map(rows.map((r) => {
      const takenAt = isoTimestamp(r.taken_at);
      // A psa-quantity item closes the billing gap: the line's billed variance, not its licences.
      const psa = billing.has(r.item_id);
      const closed = psa ? r.billed_variance === null || Number(r.billed_variance) === 0 : r.status === null || r.status === 'matched';
      const variance = psa ? Number(r.billed_variance ?? 0) : r.variance === null ? 0 : Number(r.variance);
      const day = takenAt.slice(0, 10);
      return [r.item_id, {
        snapshotId: r.snapshot_id, takenAt, closed, variance,
        message: closed ? `Closed by snapshot of ${day}` : `Still a gap of ${variance > 0 ? '+' : ''}${variance} in the snapshot of ${day}`,
      }];
    }));
  }
}

/** What an item changes, named as its type names it (audit entries). */
const targetOf = (p: Preview, id: string) => (p.additionId !== undefined ? { additionId: id, agreementId: p.agreementId } : { subscriptionId: id });

export function itemDto(i: ItemRecord, verification: ActionVerificationDto | null): ActionItemDto {
  return {
    id: i.id, clientId: i.organization_id, clientName: i.client_name, productId: i.product_id, productName: i.product_name, state: i.state,
    preview: i.preview, outcome: i.outcome ? { message: i.outcome } : null,
    scheduledFor: i.scheduled_for ? isoTimestamp(i.scheduled_for) : null, verification,
  };
}
