// The gaps, exceptions, actions and audit routes of the fixture API (DESIGN.md "Gaps, actions
// and exceptions"), typed by the generated API types so a changed DTO fails the widget tests'
// type check. Actions move one step per read of GET /actions (approved → applying → applied),
// as the worker would between the widget's polls.
import type { components } from '../../plugin-ui/src/shared/api-types.generated.js';
import { SNAPSHOTS, type FixtureClient, type FixtureLine, money } from './fixture-data.js';

type S = components['schemas'];
type Reply = { status: number; body: unknown } | null;
type Line = FixtureLine;

export const FIXTURE_CAPS = { maxSeatChange: 20, maxMonthlyIncrease: 500 };
const REASONS = ['client-owned-licence', 'spare-on-purpose', 'device-retiring', 'not-billable', 'other'];
const PENDING = ['proposed', 'approved', 'applying', 'scheduled'];

export class FixtureActions {
  actions: S['ActionDto'][] = [];
  audit: S['AuditEntryDto'][] = [];
  /** Clients whose approvals the API refuses (409), as when another admin cancelled first. */
  refuseApprove = new Set<string>();
  /** Clients whose Pax8 write fails (Pax8's 422), seen once the worker runs the item. */
  pax8Refuses = new Set<string>();
  /** How many previews were asked for (the dialog previews before it proposes). */
  previews = 0;
  private seq = 0;

  /** clients: the world's rows (changed in place); billed: the same with the PSA billing figures the API shows (null without PSA data). */
  constructor(private readonly clients: () => FixtureClient[], private readonly billed: () => FixtureClient[] = clients) {}

  /** The line's billing figures as the API shows them (billed is null without PSA data). */
  private billing(client: FixtureClient, line: FixtureLine): FixtureLine | undefined {
    return this.billed().find((candidate) => candidate.clientId === client.clientId)?.lines.find((candidate) => candidate.productId === line.productId);
  }

  route(method: string, path: string, query: URLSearchParams, body: any, role: string, user: string): Reply {
    let match: RegExpMatchArray | null;
    const admin = role === 'admin';
    const technician = role !== 'viewer';
    if (method === 'GET' && path === '/gaps') {
      // Closed gaps come from comparing with the previous snapshot, which this fixture does not model.
      const items = query.get('state') === 'closed' ? [] : this.clients().filter((client) => !query.get('clientId') || client.clientId === query.get('clientId'))
        .flatMap((client) => client.lines.filter((line) => this.stateOf(client, line as Line)).map((line) => this.gap(client, line as Line)));
      return ok({ snapshot: { id: SNAPSHOTS[8].id, takenAt: SNAPSHOTS[8].takenAt }, version: 2, latest: true, items, total: items.length } satisfies S['GapListResponseDto']);
    }
    if ((match = path.match(/^\/gaps\/([^/]+)\/([^/]+)\/exception$/)) && (method === 'POST' || method === 'DELETE')) {
      if (!admin) return forbidden('admin');
      const [client, line] = this.find(decodeURIComponent(match[1]), decodeURIComponent(match[2]));
      if (!client || !line) return fail(404, 'Not Found', 'No such gap');
      if (method === 'DELETE') {
        if (line.gapState !== 'accepted') return fail(404, 'Not Found', 'This gap has no exception');
        this.record(user, role, 'gap.exception-removed', client, line, { reason: line.exception!.reason, note: line.exception!.note, until: line.exception!.until }, null);
        Object.assign(line, { gapState: 'open', exception: null });
        return ok({ clientId: client.clientId, productId: line.productId, gap: this.gap(client, line) } satisfies S['GapExceptionRemovedDto']);
      }
      if (line.gapState !== 'open') return fail(409, 'Conflict', 'This gap is already accepted');
      if (!REASONS.includes(body?.reason)) return fail(400, 'Bad Request', `reason must be one of: ${REASONS.join(', ')}`);
      if (body.reason === 'other' && !body.note?.trim()) return fail(400, 'Bad Request', 'note is required when reason is other');
      const exception = { reason: body.reason, note: body.note ?? null, until: body.until ?? null };
      Object.assign(line, { gapState: 'accepted', exception });
      this.record(user, role, 'gap.exception-accepted', client, line, null, { ...exception, acceptedVariance: line.variance });
      return { status: 201, body: this.gap(client, line) };
    }
    if (method === 'POST' && (path === '/actions' || path === '/actions/preview')) {
      if (!technician) return forbidden('technician');
      const items: S['ActionItemDto'][] = [];
      for (const wanted of body?.gaps ?? []) {
        const [client, line] = this.find(wanted.clientId, wanted.productId);
        if (!client || !line || this.stateOf(client, line) !== 'open') return fail(409, 'Conflict', 'The gap is not open in the latest reconciliation');
        if (wanted.toQuantity !== undefined && !(Number.isInteger(wanted.toQuantity) && wanted.toQuantity >= 0)) return fail(400, 'Bad Request', 'toQuantity must be a whole number');
        if (body.type === 'psa-quantity') {
          const billed = this.billing(client, line);
          if (!billed?.billedVariance) return fail(409, 'Conflict', 'There is no billing gap to close');
          items.push(this.psaItem(client, billed, wanted.toQuantity));
        } else items.push(this.item(client, line, wanted.toQuantity));
      }
      if (!items.length) return fail(400, 'Bad Request', 'gaps must contain at least 1 elements');
      if (path === '/actions/preview') {
        this.previews++;
        return ok({ type: body.type === 'psa-quantity' ? 'psa-quantity' : 'pax8-quantity', items: items.map(({ clientId, clientName, productId, productName, preview }) => ({ clientId, clientName, productId, productName, preview })) } satisfies S['ActionPreviewResponseDto']);
      }
      const action: S['ActionDto'] = { id: `act-${++this.seq}`, type: body.type === 'psa-quantity' ? 'psa-quantity' : 'pax8-quantity', state: 'proposed', proposedBy: user, approvedBy: null, createdAt: new Date().toISOString(), items, history: [] };
      this.event(action, user, role, 'proposed', 'Proposed');
      this.actions.unshift(action);
      return { status: 201, body: action };
    }
    if (method === 'GET' && path === '/actions') {
      for (const action of this.actions) this.advance(action);
      const items = this.actions.filter((action) => !query.get('state') || action.state === query.get('state'));
      return ok({ items, total: items.length } satisfies S['ActionListResponseDto']);
    }
    if ((match = path.match(/^\/actions\/([^/]+)(?:\/(approve|cancel))?$/))) {
      const action = this.actions.find((candidate) => candidate.id === decodeURIComponent(match![1]));
      if (!action) return fail(404, 'Not Found', 'Action not found');
      if (method === 'GET' && !match[2]) return ok(action);
      if (method !== 'POST' || !match[2]) return null;
      if (match[2] === 'cancel' && !admin && !(technician && action.proposedBy === user && action.state === 'proposed')) return forbidden('admin');
      if (match[2] === 'approve' && !admin) return forbidden('admin');
      if (match[2] === 'cancel') {
        if (action.state !== 'proposed' && action.state !== 'scheduled') return fail(409, 'Conflict', `The action is ${action.state}; only a proposed or scheduled one can be cancelled`);
        this.event(action, user, role, 'cancelled', 'Cancelled');
        return ok(action);
      }
      if (action.state !== 'proposed') return fail(409, 'Conflict', `The action is already ${action.state}`);
      if (action.items.some((item) => this.refuseApprove.has(item.clientId))) return fail(409, 'Conflict', 'Another admin cancelled this change a moment ago');
      if (action.items.some((item) => item.preview.warnings.some((warning) => warning.code.startsWith('above-'))) && body?.confirmLarge !== true) {
        return fail(400, 'Bad Request', 'This change is above the caps in the settings: approve it with confirmLarge');
      }
      action.approvedBy = user;
      this.event(action, user, role, 'approved', 'Approved');
      return ok(action);
    }
    if (method === 'GET' && path === '/audit') {
      if (!admin) return forbidden('admin');
      const items = this.audit.filter((entry) => !query.get('clientId') || entry.clientId === query.get('clientId'));
      return ok({ items: items.slice(0, Number(query.get('limit') ?? 50)), total: items.length } satisfies S['AuditListDto']);
    }
    return null;
  }

  private find(clientId: string, productId: string): [FixtureClient | undefined, Line | undefined] {
    const client = this.clients().find((candidate) => candidate.clientId === clientId);
    return [client, client?.lines.find((line) => line.productId === productId) as Line | undefined];
  }

  private latestItem(client: FixtureClient, line: FixtureLine) {
    for (const action of this.actions) {
      const item = action.items.find((candidate) => candidate.clientId === client.clientId && candidate.productId === line.productId);
      if (item) return { action, item };
    }
    return null;
  }

  private stateOf(client: FixtureClient, line: Line): S['GapDto']['state'] | null {
    const latest = this.latestItem(client, line);
    if (latest && PENDING.includes(latest.item.state)) return 'action-pending';
    if (latest?.item.state === 'applied') return 'action-applied';
    return line.gapState ?? (this.billing(client, line)?.billedVariance ? 'open' : null);
  }

  gap(client: FixtureClient, line: Line): S['GapDto'] {
    const latest = this.latestItem(client, line);
    const billed = this.billing(client, line);
    const exception = line.exception ? { ...line.exception, acceptedVariance: line.variance, by: 'user-admin', at: '2026-11-24T16:00:00.000Z' } : null;
    return {
      clientId: client.clientId, clientName: client.name, productId: line.productId, productName: line.productName,
      variance: line.variance, devices: line.devices, licenses: line.licenses, status: line.variance > 0 ? 'under-licensed' : line.variance < 0 ? 'over-licensed' : 'matched',
      kinds: [...(line.variance !== 0 ? ['licence' as const] : []), ...(billed?.billedVariance ? ['billing' as const] : [])],
      billing: billed?.billed === undefined || billed.billed === null ? null : { billed: billed.billed, billedVariance: billed.billedVariance!, billingStatus: billed.billingStatus!, underBilled: billed.underBilled ?? null },
      state: this.stateOf(client, line)!, since: SNAPSHOTS[5].takenAt,
      money: { revenueAtRisk: line.revenueAtRisk, overspend: line.overspend, unpricedSeats: line.unpricedSeats }, exception,
      actions: latest ? [{ actionId: latest.action.id, itemId: latest.item.id, type: latest.action.type, state: latest.item.state, preview: latest.item.preview,
        outcome: latest.item.outcome, scheduledFor: latest.item.scheduledFor, verification: latest.item.verification, updatedAt: latest.action.createdAt }] : [],
      closedBy: null,
    };
  }

  private item(client: FixtureClient, line: FixtureLine, toQuantity?: number): S['ActionItemDto'] {
    const from = line.licenses;
    const to = toQuantity ?? from + line.variance;
    const unit = line.unitPriceMonthly?.amount ?? null;
    const cost = unit === null ? null : Math.round((to - from) * unit * 80);
    const warnings: S['ActionWarningDto'][] = [];
    if (line.productId === 'prod-edr') warnings.push({ code: 'pending-order', message: `${client.name} already has a SentinelOne Control subscription pending in Pax8 (Pending (manual)); raising the quantity too could double it.` });
    if (Math.abs(to - from) > FIXTURE_CAPS.maxSeatChange) warnings.push({ code: 'above-seat-cap', message: `Changes ${Math.abs(to - from)} seats, more than the ${FIXTURE_CAPS.maxSeatChange} allowed without confirmation.` });
    if (cost !== null && cost / 100 > FIXTURE_CAPS.maxMonthlyIncrease) warnings.push({ code: 'above-money-cap', message: `Adds more than $${FIXTURE_CAPS.maxMonthlyIncrease} a month.` });
    if (unit === null) warnings.push({ code: 'unpriced', message: 'Pax8 has no price for this subscription: the cost change is unknown.' });
    return {
      id: `item-${++this.seq}`, clientId: client.clientId, clientName: client.name, productId: line.productId, productName: line.productName, state: 'proposed',
      preview: { subscriptionId: 'sub-1', fromQuantity: from, toQuantity: to, monthlyCostChange: cost === null ? null : money(cost),
        monthlyPriceChange: unit === null ? null : money(Math.round((to - from) * unit * 100)), warnings },
      outcome: null, scheduledFor: null, verification: null,
    };
  }

  /** "Bill N more seats": the line's PanelOne addition, from billed to billed + billedVariance, at its monthly unit price. */
  private psaItem(client: FixtureClient, line: FixtureLine, toQuantity?: number): S['ActionItemDto'] {
    const from = line.billed!;
    const to = toQuantity ?? from + line.billedVariance!;
    const unit = line.billedUnitPriceMonthly?.amount ?? null;
    return {
      id: `item-${++this.seq}`, clientId: client.clientId, clientName: client.name, productId: line.productId, productName: line.productName, state: 'proposed',
      preview: { additionId: `add-${client.clientId}`, agreementId: `agr-${client.clientId}`, agreementName: `${client.name} managed services`, additionDescription: `${line.productName} per device`,
        fromQuantity: from, toQuantity: to, monthlyCostChange: money(0), monthlyPriceChange: unit === null ? null : money(Math.round((to - from) * unit * 100)),
        warnings: unit === null ? [{ code: 'unpriced', message: 'PanelOne gave no unit price for this addition: the billing change is unknown.' }] : [] },
      outcome: null, scheduledFor: null, verification: null,
    };
  }

  /** One worker step per read: approved → applying → applied, or failed with Pax8's words. */
  private advance(action: S['ActionDto']): void {
    if (action.state === 'approved') this.event(action, 'worker', 'system', 'applying', 'Applying');
    else if (action.state === 'applying') {
      const refused = action.items.some((item) => this.pax8Refuses.has(item.clientId));
      for (const item of action.items) item.outcome = refused ? { message: 'Pax8 refused the change: the quantity cannot be lowered during a commitment term.' } : null;
      this.event(action, 'worker', 'system', refused ? 'failed' : 'applied', refused ? 'Failed' : 'Applied');
    }
  }

  private event(action: S['ActionDto'], by: string, role: string, state: S['ActionDto']['state'], message: string): void {
    action.state = state;
    for (const item of action.items) {
      item.state = state;
      action.history.push({ at: new Date().toISOString(), by, state, itemId: item.id, message });
      const client = this.clients().find((candidate) => candidate.clientId === item.clientId)!;
      this.record(by, role, `action.${state}`, client, { productId: item.productId, productName: item.productName } as FixtureLine, null,
        { state, fromQuantity: item.preview.fromQuantity, toQuantity: item.preview.toQuantity, ...(item.outcome ? { outcome: item.outcome.message } : {}) });
    }
  }

  private record(by: string, role: string, type: string, client: FixtureClient, line: Pick<FixtureLine, 'productId' | 'productName'>, before: Record<string, unknown> | null, after: Record<string, unknown> | null): void {
    this.audit.unshift({
      id: `00000000-0000-4000-8000-${String(this.audit.length + 1).padStart(12, '0')}`, at: new Date().toISOString(), actor: by,
      actorRole: role as S['AuditEntryDto']['actorRole'], type, clientId: client.clientId, subject: `${client.clientId}/${line.productId}`,
      before: before && { productId: line.productId, ...before }, after: after && { productId: line.productId, ...after },
    });
  }
}

const ok = (body: unknown): Reply => ({ status: 200, body });
const fail = (status: number, error: string, message: string): Reply => ({ status, body: { statusCode: status, error, message, correlationId: `corr-${status}` } });
const forbidden = (role: string): Reply => fail(403, 'Forbidden', `Requires the ${role} role`);
