// Entry of the widget bundle: importing it registers every BillingOne Reconcile element.
export { ReconciliationElement } from './reconciliation/reconciliation.js';
export type { ClientSelectDetail } from './reconciliation/reconciliation.js';
export { HomeCardElement } from './home-card/home-card.js';
export { ClientPanelElement } from './client-panel/client-panel.js';
export { SyncToolsElement } from './sync-tools/sync-tools.js';
export { SettingsElement } from './settings/settings.js';
export { MissedBillingElement } from './missed-billing/missed-billing.js';
export { ProductsElement } from './products/products.js';
export { ActionQueueElement } from './action-queue/action-queue.js';
export { ApiClient, ApiError, SessionExpiredError } from './api-client.js';
