// What a feature above the reconciliation (alerts) does when a new version is written, inside
// the same transaction (the same Queryable): its rows commit or roll back with the version.
// Declared here, provided by the feature above (optional: without it nothing more is written),
// so the reconciliation never imports it.
import type { Queryable } from '../database/queryable.js';

export interface VersionWritten {
  tenantId: string;
  snapshotId: string;
  version: number;
  reason: string;
}

export abstract class ReconciliationVersionHook {
  abstract written(q: Queryable, version: VersionWritten): Promise<void>;
}
