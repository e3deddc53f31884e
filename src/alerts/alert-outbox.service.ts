// The reconciliation's hook (ReconciliationVersionHook): when a new version is written, on the
// same transaction, the gaps it opened, worsened or closed (accepted ones aside) become one
// outbox row per enabled channel. Nothing changed, or no channel: nothing written. A version of
// an older snapshot (history re-reconciled) alerts nobody: alerts are about what is current.
import { Injectable } from '@nestjs/common';
import type { Queryable } from '../database/queryable.js';
import { GapChangesRepository } from '../reconciliation/gap-changes.repository.js';
import { ReconciliationVersionHook, type VersionWritten } from '../reconciliation/reconciliation-version-hook.js';
import { gapsChangedPayload } from './alert-payload.js';
import { AlertSender } from './alert-sender.service.js';
import { AlertsRepository } from './alerts.repository.js';

@Injectable()
export class AlertOutbox extends ReconciliationVersionHook {
  constructor(
    private readonly alerts: AlertsRepository,
    private readonly gapChanges: GapChangesRepository,
    private readonly sender: AlertSender,
  ) {
    super();
  }

  async written(q: Queryable, v: VersionWritten): Promise<void> {
    // The common case first, one indexed read: a tenant without channels costs nothing more.
    const channels = (await this.alerts.enabledChannels(q, v.tenantId)).filter((c) => c.kind === 'webhook' || this.sender.emailAvailable);
    if (!channels.length || !(await this.gapChanges.isCurrent(q, v.tenantId, v.snapshotId))) return;
    const changes = await this.gapChanges.changes(q, v.tenantId, v.snapshotId, v.version);
    if (!changes.length) return;
    const payload = gapsChangedPayload(v, changes, await this.gapChanges.totals(q, v.tenantId, v.snapshotId, v.version));
    for (const channel of channels) {
      await this.alerts.enqueue(q, v.tenantId, { channelId: channel.id, event: payload.event, snapshotId: v.snapshotId, version: v.version, payload });
    }
  }
}
