// What the snapshot ingest needs from the reconciliation, inside its one transaction: the
// snapshot and its reconciliation become visible by the same COMMIT. Declared here, provided by
// the reconciliation module (ReconciliationWriter), so snapshots never import reconciliation.
import type { PoolClient } from 'pg';
import type { CountingRules } from '../settings/rules.js';

export abstract class SnapshotReconciler {
  /**
   * Takes the tenant's reconcile lock (held until the transaction ends, so a mapping or product
   * change made meanwhile waits, then re-reconciles this snapshot) and writes the reconciliation.
   */
  abstract reconcileInTransaction(client: PoolClient, tenantId: string, snapshotId: string, rules: CountingRules): Promise<number>;

  /** After the snapshot and its reconciliation committed: refresh the planner's statistics of what it wrote, if they moved much. Never throws (a failure is logged). */
  abstract analyzeAfter(tenantId: string, snapshotId: string): Promise<void>;

  /** After a transaction that wrote the tenant's snapshot rows ended: drop this process's cached reads. */
  abstract committed(tenantId: string): void;
}
