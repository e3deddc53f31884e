// The features below the reconciliation (mapping, catalog, settings) change what it is computed
// from; after such a change the latest snapshot is reconciled again before the change is
// answered. They call this port; the reconciliation module provides it. So the imports run one
// way (the reconciliation knows them, they do not know it).
export abstract class ReconciliationInputs {
  /**
   * Re-reconciles the tenant's latest snapshot, if there is one, as a new version (when the
   * result differs): `what` changed, `by` whom ("counting rules", "user-7").
   */
  abstract changed(tenantId: string, what: string, by: string | null): Promise<void>;
}
