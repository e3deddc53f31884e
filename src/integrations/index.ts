// What other modules use from integrations.
export { IntegrationsModule } from './integrations.module.js';
export { IntegrationSyncService, PAX8_SYNC_PARTS, describeSyncError, type Pax8SyncPart, type SyncProgress, type ProgressCallback } from './integration-sync.service.js';
export { IntegrationConnections } from './integration-connections.js';
export { IntegrationError, type IntegrationErrorKind, type IntegrationKind } from './integration-error.js';
export type { PanelOneDevice, PanelOneOrganization } from './panelone.client.js';
export { suggestPerDevice } from './per-device.js';
