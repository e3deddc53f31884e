// Page-wide events between widgets that do not know each other: a run that changed the
// reconciliation is announced on `document`, and every widget showing reconciled data reloads.

/** Detail of `b1r-reconciliation-changed`. */
export interface ReconciliationChangedDetail {
  tool: string;
  runId: string;
}

export const RECONCILIATION_CHANGED = 'b1r-reconciliation-changed';

export function announceReconciliationChanged(detail: ReconciliationChangedDetail): void {
  document.dispatchEvent(new CustomEvent(RECONCILIATION_CHANGED, { detail, bubbles: true, composed: true }));
}

declare global {
  interface GlobalEventHandlersEventMap {
    'b1r-reconciliation-changed': CustomEvent<ReconciliationChangedDetail>;
  }
}
