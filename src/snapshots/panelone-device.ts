// A device as PanelOne's RMM API sends it (GET /api/v2/devices): the integrations client's type.
export type { PanelOneDevice } from '../integrations/panelone.client.js';
