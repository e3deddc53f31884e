// The worker side of actions. Why action_item is its own queue rather than a sync_run tool:
// a sync run is one per tenant and tool at a time, while a tenant's items must run side by side
// and each needs its own lease and its own due time (a scheduled decrease waits months), so the
// item row is the job. A worker claims a due item with FOR UPDATE SKIP LOCKED (approved, or
// scheduled and due, or applying with a lapsed lease: its worker died), holds a lease it
// extends while it works, and records the outcome only while it still holds it. A taken-over
// item starts again from a read, so whatever the dead worker sent is found, never repeated.
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../audit/actor.js';
import { ListenConnection } from '../database/listen-connection.js';
import { SyncedDataRepository } from '../integrations/synced-data.repository.js';
import type { ActionState } from './action-states.js';
import { ACTION_OPTIONS, type ActionOptions } from './actions.options.js';
import { ActionsRepository, type ClaimedItem } from './actions.repository.js';
import { ACTION_CHANNEL, ActionsService } from './actions.service.js';
import { Pax8QuantityExecutor, type ActionExecutor, type ExecutorOutcome } from './pax8-quantity.executor.js';
import { PsaQuantityExecutor } from './psa-quantity.executor.js';

const WORKER: Actor = { subject: 'worker', role: 'system', correlationId: null };

@Injectable()
export class ActionsWorkerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ActionsWorkerService.name);
  private readonly owner = `worker-${process.pid}-${randomUUID().slice(0, 8)}`;
  private readonly executors: Map<string, ActionExecutor>;
  private readonly active = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private listener?: ListenConnection;
  private poll?: NodeJS.Timeout;
  private draining = false;
  private again = false;
  private stopping = false;

  constructor(
    private readonly repo: ActionsRepository,
    private readonly actions: ActionsService,
    private readonly synced: SyncedDataRepository,
    pax8: Pax8QuantityExecutor,
    psa: PsaQuantityExecutor,
    @Inject(ACTION_OPTIONS) private readonly options: ActionOptions,
  ) {
    this.executors = new Map<string, ActionExecutor>([[pax8.type, pax8], [psa.type, psa]]);
  }

  async onApplicationBootstrap(): Promise<void> {
    const url = (this.repo.db.options as { url?: string }).url;
    if (url) {
      this.listener = new ListenConnection(
        { connectionString: url, channel: ACTION_CHANNEL, applicationName: 'b1r-action-listener' },
        { established: () => this.wake(), lost: (reason) => this.logger.warn(`action wake-ups off until LISTEN is back (the poll goes on): ${reason}`), notification: () => this.wake() },
      );
      await this.listener.start();
    }
    this.poll = setInterval(() => this.wake(), this.options.ACTIONS_POLL_MS);
    this.wake();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    clearInterval(this.poll);
    await this.listener?.stop();
    // An item still going keeps its lease until it lapses; another worker then reads and resumes it.
    for (const { controller } of this.active.values()) controller.abort(new Error('shutdown'));
    await Promise.all([...this.active.values()].map((a) => a.done));
  }

  wake(): void {
    if (this.stopping) return;
    if (this.draining) { this.again = true; return; }
    this.draining = true;
    void this.drain().finally(() => { this.draining = false; });
  }

  private async drain(): Promise<void> {
    try {
      do {
        this.again = false;
        while (!this.stopping && this.active.size < this.options.ACTIONS_CONCURRENCY) {
          const item = await this.claim();
          if (!item) break;
          this.start(item);
        }
      } while (this.again && !this.stopping);
    } catch (err) {
      this.logger.warn({ err }, 'could not claim an action item');
    }
  }

  /** The claim and its 'applying' event and audit entry commit together. */
  private claim(): Promise<ClaimedItem | null> {
    return this.repo.transaction(async (q) => {
      const item = await this.repo.claim(q, this.owner, this.options.ACTIONS_LEASE_SECONDS);
      if (!item) return null;
      const message = item.was === 'applying' ? 'Resumed by another worker after the lease lapsed; reading Pax8 before any write'
        : item.was === 'scheduled' ? 'Scheduled date reached; applying' : 'Applying';
      await this.repo.event(q, item.tenant_id, item.action_id, { itemId: item.id, by: 'worker', state: 'applying', message });
      await this.actions.recordItem(q, item.tenant_id, WORKER, item, item.was, 'applying', null);
      return item;
    });
  }

  private start(item: ClaimedItem): void {
    const controller = new AbortController();
    const done = this.run(item, controller)
      .catch((err) => this.logger.error({ err, itemId: item.id }, 'could not record the outcome of an action item'))
      .finally(() => { this.active.delete(item.id); this.wake(); });
    this.active.set(item.id, { controller, done });
  }

  private async run(item: ClaimedItem, controller: AbortController): Promise<void> {
    const heartbeat = setInterval(() => {
      this.repo.heartbeat(item.tenant_id, item.id, this.owner, this.options.ACTIONS_LEASE_SECONDS).then(
        (ours) => { if (!ours) controller.abort(new Error('lost')); },
        (err) => this.logger.warn({ err, itemId: item.id }, 'action heartbeat failed'),
      );
    }, this.options.heartbeatMs);
    let outcome: ExecutorOutcome;
    try {
      const executor = this.executors.get(item.type);
      outcome = executor
        ? await executor.execute(item, this.options.ACTIONS_WRITE_ATTEMPTS, controller.signal)
        : { state: 'failed', message: `Actions of type ${item.type} cannot be applied by this version` };
    } catch (err) {
      if (controller.signal.aborted) {
        this.logger.warn({ itemId: item.id }, 'action item stopped (shutdown or taken over); its lease lapses and it resumes from a read');
        return;
      }
      this.logger.error({ err, itemId: item.id }, 'action item failed unexpectedly');
      outcome = { state: 'failed', message: 'The worker hit an unexpected error; nothing more was sent. See the worker log.' };
    } finally {
      clearInterval(heartbeat);
    }
    await this.finish(item, outcome);
  }

  private async finish(item: ClaimedItem, outcome: ExecutorOutcome): Promise<void> {
    const state: ActionState = outcome.state;
    const recorded = await this.repo.transaction(async (q) => {
      const at = outcome.state === 'scheduled' ? outcome.at : null;
      if (!(await this.repo.finish(q, item.tenant_id, item.id, this.owner, { state, outcome: outcome.message, scheduledFor: at }))) return false;
      await this.repo.event(q, item.tenant_id, item.action_id, { itemId: item.id, by: 'worker', state, message: outcome.message });
      await this.actions.recordItem(q, item.tenant_id, WORKER, item, 'applying', state, outcome.message);
      // What we know of Pax8 (or PanelOne billing) follows the write, so "Take snapshot" alone verifies it. No
      // re-reconciliation of the snapshot the gap was seen in: action-applied is confirmed only
      // by a later snapshot (DESIGN "Gaps, actions and exceptions"), never by our own write.
      if (outcome.state === 'applied') {
        if (item.type === 'psa-quantity') await this.synced.setAdditionQuantity(q, item.tenant_id, item.target_id, outcome.quantity);
        else await this.synced.setSubscriptionQuantity(q, item.tenant_id, item.target_id, outcome.quantity);
      }
      return true;
    });
    if (recorded) this.logger.log({ itemId: item.id, tenantId: item.tenant_id, state }, 'action item done');
    else this.logger.warn({ itemId: item.id }, 'action item finished after another worker took it over; its outcome is not recorded');
  }
}
