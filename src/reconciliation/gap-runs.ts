// A gap is keyed (client, product) across snapshots. Since when it has been open is stored on
// its line when the reconciliation is written (ReconciliationRepository.refreshOpenSince).
export const gapKey = (line: { organization_id: string; product_id: string }) => `${line.organization_id}\u0000${line.product_id}`;
