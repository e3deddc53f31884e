// The per-device suggestion lives with the catalog sync (it decides which products get pricing);
// the mapping and reconciliation use the very same rule, from here.
export { suggestPerDevice } from '../integrations/per-device.js';
