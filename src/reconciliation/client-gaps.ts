// The drill-down's gaps (state, exception, actions) come from the gaps module, a layer above
// this one; it provides this reader (GapsModule is global for it), so the reconciliation does
// not import upward. Without it (a context without the gaps module) the drill-down has none.
export abstract class ClientGaps {
  /** The client's gaps in this reconciliation version, as GET /gaps shows them. */
  abstract forClient(tenantId: string, clientId: string, at: { snapshotId: string; version: number }): Promise<object[]>;
}
