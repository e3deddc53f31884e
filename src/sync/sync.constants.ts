// The sync tools a technician (or a sync-scoped API key) can start, and the queue they run on.

/** Tools of `POST /api/v1/sync/{tool}`. */
export const SYNC_TOOLS = ['device-snapshot', 'catalog-sync', 'contacts-sync', 'full-reconcile', 'sync-all'] as const;
/** Tools of `POST /api/v1/integrations/{kind}/sync`. */
export const INTEGRATION_SYNC_TOOLS = { pax8: 'pax8-sync', panelone: 'panelone-sync' } as const;
export const INTEGRATION_KINDS = Object.keys(INTEGRATION_SYNC_TOOLS) as Array<keyof typeof INTEGRATION_SYNC_TOOLS>;

export type SyncTool = (typeof SYNC_TOOLS)[number] | (typeof INTEGRATION_SYNC_TOOLS)[keyof typeof INTEGRATION_SYNC_TOOLS];
export const ALL_TOOLS: readonly SyncTool[] = [...SYNC_TOOLS, ...Object.values(INTEGRATION_SYNC_TOOLS)];

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Who asked: a person or key ('manual'), or the tenant's schedule. */
export type RunTrigger = 'manual' | 'schedule';

/** sync_run is the queue; one queue name (SYNC_QUEUE_NAME, default below) carries every tool. */
export const DEFAULT_SYNC_QUEUE = 'sync-run';

/** NOTIFY channel of a run becoming queued; the payload is its queue name. */
export const SYNC_QUEUE_CHANNEL = 'b1r_sync_run';
