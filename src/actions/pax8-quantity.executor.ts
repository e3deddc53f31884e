// pax8-quantity: sets a Pax8 subscription's quantity. Pax8 takes no idempotency key, so the
// write is made safe here: every round reads the subscription first and decides (decide.ts);
// a PUT is sent once per round, and after a 429, 5xx, time-out or dropped answer the next round
// (after a back-off, Retry-After honoured) reads again before anything else is sent. A write
// whose answer was lost is then found applied, never sent twice.
import { Inject, Injectable } from '@nestjs/common';
import { handleWhen, retry } from 'cockatiel';
import { IntegrationConnections } from '../integrations/integration-connections.js';
import { IntegrationError } from '../integrations/integration-error.js';
import type { Pax8Client, Pax8Record } from '../integrations/pax8.client.js';
import { DEFAULT_RETRY, UpstreamBackoff } from '../integrations/resilient-http.js';
import { redactText } from '../common/redact.js';
import type { ActionType } from './action-states.js';
import { ACTION_OPTIONS, type ActionOptions } from './actions.options.js';
import type { ClaimedItem } from './actions.repository.js';
import { decide } from './decide.js';

export type ExecutorOutcome =
  /** applied: `quantity` is what the upstream answered or read back, stored into our synced copy (subscription or addition). */
  | { state: 'applied'; message: string; quantity: number }
  | { state: 'failed' | 'conflict'; message: string }
  | { state: 'scheduled'; message: string; at: Date };

/** One action type's way of applying an item; the worker picks it by the action's type. */
export interface ActionExecutor {
  readonly type: ActionType;
  execute(item: ClaimedItem, attempts: number, signal: AbortSignal): Promise<ExecutorOutcome>;
}

const TRANSIENT = new Set(['rate-limited', 'upstream-down', 'timeout']);
const isTransient = (e: unknown) => e instanceof IntegrationError && TRANSIENT.has(e.kind);

/** The renewal a decrease waits for: the commitment term's end, else the subscription's endDate. */
function renewalOf(s: Pax8Record): string | null {
  const commitment = (s.commitmentTerm as { endDate?: unknown } | undefined)?.endDate;
  if (typeof commitment === 'string') return commitment;
  return typeof s.endDate === 'string' ? s.endDate : null;
}

@Injectable()
export class Pax8QuantityExecutor implements ActionExecutor {
  readonly type = 'pax8-quantity' as const;

  constructor(private readonly connections: IntegrationConnections, @Inject(ACTION_OPTIONS) private readonly options: ActionOptions) {}

  async execute(item: ClaimedItem, attempts: number, signal: AbortSignal): Promise<ExecutorOutcome> {
    let client: Pax8Client;
    try {
      client = await this.connections.pax8(item.tenant_id);
    } catch (err) {
      if (err instanceof IntegrationError) return { state: 'failed', message: err.message };
      throw err;
    }
    const { target_id: id, from_quantity: from, to_quantity: to } = item;
    let sent = false;
    const rounds = retry(handleWhen(isTransient), { maxAttempts: attempts - 1, backoff: new UpstreamBackoff({ ...DEFAULT_RETRY, ...this.connections.retryOptions }) });
    try {
      return await rounds.execute(async () => {
        const current = await client.getSubscription(id, signal);
        const quantity = Number(current.quantity);
        switch (decide(quantity, from, to)) {
          case 'applied':
            return { state: 'applied', quantity, message: sent || item.was === 'applying' ? `Pax8 quantity is now ${to} (read back after the write)` : `Pax8 quantity is ${to}: it was already at the target, nothing was written` };
          case 'conflict':
            return { state: 'conflict', message: `The Pax8 quantity is ${quantity}, neither ${from} (when proposed) nor ${to}: someone else changed it. Nothing was written; propose again from the new quantity.` };
          case 'write':
            break;
        }
        sent = true;
        const result = await client.putSubscriptionQuantity(id, to, signal);
        if (result.ok) {
          const now = Number(result.subscription.quantity);
          return now === to || Number.isNaN(now)
            ? { state: 'applied', quantity: to, message: `Pax8 quantity changed from ${from} to ${to}` }
            : { state: 'conflict', message: `Pax8 answered the change with quantity ${now}, not ${to}; nothing more was written` };
        }
        return this.refused(result.status, result.message, current, from, to, item);
      }, signal);
    } catch (err) {
      if (!(err instanceof IntegrationError)) throw err;
      if (err.kind === 'not-found') return { state: 'failed', message: `Pax8 does not know subscription ${id} any more (HTTP 404): nothing was written` };
      if (!isTransient(err)) return { state: 'failed', message: err.message };
      // Out of rounds: what Pax8 has now says whether the last write landed.
      try {
        if (Number((await client.getSubscription(id, signal)).quantity) === to) return { state: 'applied', quantity: to, message: `Pax8 quantity is now ${to} (read back after the write)` };
      } catch { /* the failure below says enough */ }
      return { state: 'failed', message: `Pax8 kept failing (${redactText(err.upstreamMessage ?? err.kind)}) through ${attempts} rounds; the quantity was not changed. Approve a new action to try again.` };
    }
  }

  private refused(status: number, words: string, current: Pax8Record, from: number, to: number, item: ClaimedItem): ExecutorOutcome {
    const pax8Said = `Pax8 said: "${words}"`;
    if (status === 422 && to < from) {
      const renewal = renewalOf(current);
      if (renewal && Date.parse(renewal) > Date.now()) {
        return { state: 'scheduled', at: new Date(Date.parse(renewal) + this.options.ACTIONS_RENEWAL_MARGIN_SECONDS * 1000), message: `Pax8 takes this decrease only at renewal: scheduled for ${renewal.slice(0, 10)} (${pax8Said})` };
      }
      return { state: 'failed', message: `Pax8 does not take this decrease through its API${item.was === 'scheduled' ? ', even at the scheduled date' : ''}; make it in the Pax8 portal (${pax8Said})` };
    }
    if (status === 403) return { state: 'failed', message: `Pax8 refused the change (HTTP 403: no permission for this subscription). ${pax8Said}` };
    if (status === 404) return { state: 'failed', message: `Pax8 does not know subscription ${item.target_id} any more (HTTP 404). ${pax8Said}` };
    return { state: 'failed', message: `Pax8 refused the change from ${from} to ${to} (HTTP ${status}). ${pax8Said}` };
  }
}
