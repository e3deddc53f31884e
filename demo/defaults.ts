// Development-only values used by `npm start` (the demo) when the environment sets none.
// Never used when the variables are set; production deployments must set their own.
export const DEMO_JWT_SECRET = 'demo-only-panelone-shared-secret-change-me-0001';
export const DEMO_ENCRYPTION_KEY = 'ZGVtby1vbmx5LWVuY3J5cHRpb24ta2V5LTMyYnl0ZXM='; // 32 bytes, demo only
export const DEMO_TENANT_ID = 'demo-msp';
