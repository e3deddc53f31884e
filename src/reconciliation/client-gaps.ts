// The drill-down's gaps (state, exception, actions) come from the gaps module, a layer above
// this one; it provides this reader (GapsModule is global for it), so the reconciliation does
// not import upward. Without it (a context without the gaps module) the drill-down has none.
export abstract class ClientGaps {
  /** The client's gaps in this reconciliation version, as GET /gaps shows them. */
  abstract forClient(tenantId: string, clientId: string, at: { snapshotId: string; version: number }): Promise<object[]>;

  /**
   * The list state and latest action item (GET /gaps' `state` and `actions[0]`) of these
   * clients' gaps in this version, by gapKey; missed billing shows them beside its lines.
   */
  abstract statesOf(tenantId: string, at: { snapshotId: string; version: number; takenAt: string }, clientIds: string[]): Promise<Map<string, GapStateOf>>;
}

export interface GapStateOf {
  state: 'open' | 'accepted' | 'action-pending' | 'action-applied';
  /** A GapActionDto; null: no action was ever proposed on the gap. */
  action: object | null;
}
