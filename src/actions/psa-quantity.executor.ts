// psa-quantity ("bill N more seats"): sets a PanelOne agreement addition's quantity. PanelOne
// takes If-Match and an Idempotency-Key, and the write is made safe both ways: every round reads
// the addition first (its quantity and version) and decides (decide.ts); the PATCH carries the
// version read as If-Match and the item's own key, stored before the first send, so a replay
// after a lost answer is answered, not applied again. A 412 (someone changed the addition since
// the read) starts a new round from a read: a moved quantity is a conflict, an unchanged one is
// written again with the new version. After a 429, 5xx, time-out or dropped answer the next
// round (after a back-off) reads again before anything else is sent.
import { Injectable } from '@nestjs/common';
import { handleWhen, retry } from 'cockatiel';
import { redactText } from '../common/redact.js';
import { IntegrationConnections } from '../integrations/integration-connections.js';
import { IntegrationError } from '../integrations/integration-error.js';
import type { PanelOneAddition, PanelOneClient } from '../integrations/panelone.client.js';
import { DEFAULT_RETRY, UpstreamBackoff } from '../integrations/resilient-http.js';
import { ActionsRepository, type ClaimedItem } from './actions.repository.js';
import { decide } from './decide.js';
import type { ActionExecutor, ExecutorOutcome } from './pax8-quantity.executor.js';

const TRANSIENT = new Set(['rate-limited', 'upstream-down', 'timeout']);
const isTransient = (e: unknown) => e instanceof IntegrationError && TRANSIENT.has(e.kind);

/** A 412: the version sent is stale; the next round reads the new one. Counted as a round. */
class StaleVersion extends Error {}

@Injectable()
export class PsaQuantityExecutor implements ActionExecutor {
  readonly type = 'psa-quantity' as const;

  constructor(private readonly connections: IntegrationConnections, private readonly repo: ActionsRepository) {}

  async execute(item: ClaimedItem, attempts: number, signal: AbortSignal): Promise<ExecutorOutcome> {
    let client: PanelOneClient;
    try {
      client = await this.connections.panelOne(item.tenant_id);
    } catch (err) {
      if (err instanceof IntegrationError) return { state: 'failed', message: err.message };
      throw err;
    }
    const { target_id: id, from_quantity: from, to_quantity: to } = item;
    const agreementId = item.preview.agreementId!;
    const what = `PanelOne addition ${id}`;
    const read = async (): Promise<PanelOneAddition> => {
      const current = await client.getAddition(agreementId, id, signal);
      if (!current) throw new IntegrationError({ kind: 'not-found', integration: 'panelone', call: `GET additions of agreement ${agreementId}`, upstreamMessage: 'the addition is not there' });
      return current;
    };
    let sent = false;
    const rounds = retry(handleWhen((e) => isTransient(e) || e instanceof StaleVersion), {
      maxAttempts: attempts - 1, backoff: new UpstreamBackoff({ ...DEFAULT_RETRY, ...this.connections.retryOptions }),
    });
    try {
      return await rounds.execute(async () => {
        const current = await read();
        const quantity = Number(current.quantity);
        switch (decide(quantity, from, to)) {
          case 'applied':
            return { state: 'applied', quantity: to, message: sent || item.was === 'applying' ? `${what} now bills ${to} seats (read back after the write)` : `${what} bills ${to} seats already: nothing was written` };
          case 'conflict':
            return { state: 'conflict', message: `${what} bills ${quantity} seats, neither ${from} (when proposed) nor ${to}: someone changed it in PanelOne. Nothing was written; propose again from the new quantity.` };
          case 'write':
            break;
        }
        const key = item.idempotency_key ?? await this.repo.idempotencyKey(item.tenant_id, item.id, item.lease_owner ?? '');
        if (!key) throw new Error('lost');
        item.idempotency_key = key;
        sent = true;
        const result = await client.patchAddition(agreementId, id, { version: current.version, idempotencyKey: key, quantity: to }, signal);
        if (result.ok) {
          const now = Number(result.addition.quantity);
          return now === to
            ? { state: 'applied', quantity: to, message: `${what} changed from ${from} to ${to} billed seats` }
            : { state: 'conflict', message: `PanelOne answered the change with ${now} seats, not ${to}; nothing more was written` };
        }
        if (result.status === 412) throw new StaleVersion(result.message);
        return refused(result.status, result.message, what, from, to);
      }, signal);
    } catch (err) {
      if (err instanceof StaleVersion) return { state: 'failed', message: `${what} kept changing under the write (HTTP 412 through ${attempts} rounds); nothing was changed. Approve a new action to try again.` };
      if (!(err instanceof IntegrationError)) throw err;
      if (err.kind === 'not-found') return { state: 'failed', message: `PanelOne does not know ${what.replace('PanelOne ', '')} (or its agreement) any more: nothing was written` };
      if (!isTransient(err)) return { state: 'failed', message: err.message };
      // Out of rounds: what PanelOne has now says whether the last write landed.
      try {
        if (Number((await read()).quantity) === to) return { state: 'applied', quantity: to, message: `${what} now bills ${to} seats (read back after the write)` };
      } catch { /* the failure below says enough */ }
      return { state: 'failed', message: `PanelOne kept failing (${redactText(err.upstreamMessage ?? err.kind)}) through ${attempts} rounds; the billed quantity was not changed. Approve a new action to try again.` };
    }
  }
}

function refused(status: number, words: string, what: string, from: number, to: number): ExecutorOutcome {
  const said = `PanelOne said: "${words}"`;
  if (status === 422) return { state: 'failed', message: `PanelOne refused to change ${what} from ${from} to ${to} seats (HTTP 422: the change is not valid there). ${said}` };
  if (status === 403) return { state: 'failed', message: `PanelOne refused the change (HTTP 403: the API token may not change this agreement). ${said}` };
  if (status === 404) return { state: 'failed', message: `PanelOne does not know ${what.replace('PanelOne ', '')} any more (HTTP 404). ${said}` };
  if (status === 409) return { state: 'failed', message: `PanelOne refused the repeated request (HTTP 409: its Idempotency-Key was used with another change); nothing more was sent. ${said}` };
  return { state: 'failed', message: `PanelOne refused to change ${what} from ${from} to ${to} seats (HTTP ${status}). ${said}` };
}
