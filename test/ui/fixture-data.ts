// Deterministic in-memory data for the widget fixture API: 412 clients (one with a hostile
// name), their detail, integrations, mappings, products and counting settings.

export const HOSTILE_NAME = '<img src=x onerror=alert(1)>';
export const CLIENT_COUNT = 412;

export interface FixtureClient {
  clientId: string;
  name: string;
  devices: number;
  licenses: number;
  variance: number;
  status: 'under-licensed' | 'over-licensed' | 'matched';
  monthlyImpact: { amount: number; currency: string } | null;
  lineCount?: number;
}

const WORDS = ['Acme', 'Northwind', 'Contoso', 'Fabrikam', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Tyrell', 'Cyberdyne', 'Soylent', 'Hooli', 'Vandelay', 'Wonka', 'Oceanic', 'Massive', 'Pied Piper', 'Aperture', 'Gringotts'];
const SUFFIXES = ['Dental', 'Legal', 'Logistics', 'Clinic', 'Builders', 'Accounting', 'Foods', 'Realty', 'Studios', 'Partners', 'Motors', 'Labs'];

function statusOf(variance: number): FixtureClient['status'] {
  return variance > 0 ? 'under-licensed' : variance < 0 ? 'over-licensed' : 'matched';
}

export function makeClients(): FixtureClient[] {
  const clients: FixtureClient[] = [];
  for (let index = 0; index < CLIENT_COUNT; index++) {
    const devices = 5 + ((index * 37) % 90);
    // Roughly 30% under, 25% over, the rest matched; deterministic.
    const bucket = (index * 7) % 20;
    const variance = bucket < 6 ? 1 + ((index * 3) % 9) : bucket < 11 ? -(1 + ((index * 5) % 6)) : 0;
    const unitPrice = 4 + (index % 5) * 2;
    const name = index === 3 ? HOSTILE_NAME : `${WORDS[index % WORDS.length]} ${SUFFIXES[(index * 5) % SUFFIXES.length]} ${String(index + 1).padStart(3, '0')}`;
    clients.push({
      clientId: `org-${String(index + 1).padStart(4, '0')}`,
      name,
      devices,
      licenses: devices - variance,
      variance,
      status: statusOf(variance),
      monthlyImpact: index % 29 === 5 ? null : { amount: variance * unitPrice, currency: 'USD' },
      lineCount: index % 10 === 0 ? 2 : 1,
    });
  }
  return clients;
}

export function clientDetail(client: FixtureClient) {
  const unitPrice = client.monthlyImpact && client.variance ? client.monthlyImpact.amount / client.variance : 6;
  const money = (amount: number) => ({ amount, currency: 'USD' });
  const trend = Array.from({ length: 6 }, (_, month) => ({
    snapshotId: `snap-${month + 1}`,
    takenAt: new Date(Date.UTC(2026, 5 + month, 1, 2)).toISOString(),
    devices: Math.max(0, client.devices - (5 - month) * 2 + (month % 2)),
    licenses: Math.max(0, client.licenses - (month < 3 ? 2 : 0)),
  }));
  return {
    ...client,
    lines: [
      { productId: 'prod-edr', productName: 'SentinelOne Control', devices: client.devices, licensedQuantity: client.licenses, variance: client.variance, unitPriceMonthly: money(unitPrice), monthlyImpact: money(client.variance * unitPrice) },
      ...(client.lineCount && client.lineCount > 1
        ? [{ productId: 'prod-backup', productName: 'Acronis Cyber Protect', devices: client.devices, licensedQuantity: client.devices, variance: 0, unitPriceMonthly: money(3), monthlyImpact: money(0) }]
        : []),
    ],
    subscriptions: [
      { id: 'sub-1', productId: 'prod-edr', productName: 'SentinelOne Control', quantity: client.licenses, status: 'Active', billingTerm: 'Monthly', price: unitPrice, countsAsLicence: true },
      { id: 'sub-2', productId: 'prod-m365', productName: 'Microsoft 365 Business Premium', quantity: 12, status: 'Active', billingTerm: 'Annual', price: 22, countsAsLicence: false },
      { id: 'sub-3', productId: 'prod-edr', productName: 'SentinelOne Control (trial)', quantity: 2, status: 'Cancelled', billingTerm: 'Monthly', price: unitPrice, countsAsLicence: false },
    ],
    deviceBreakdown: {
      byClass: { WINDOWS_WORKSTATION: Math.ceil(client.devices * 0.7), WINDOWS_SERVER: 2, MAC: Math.max(0, Math.floor(client.devices * 0.3) - 2) },
      excludedByReason: { stale: 3, 'excluded-class': 4, 'duplicate-serial': 1 },
    },
    trend,
    contacts: [{ name: 'Dana Whitfield', email: 'dana@example.com', phone: '+1 555 0100', types: ['Billing', 'Primary'] }],
    links: { pax8Subscriptions: `https://app.pax8.com/companies/${client.clientId}/subscriptions`, billingSnapshot: null },
    recommendedAction: client.variance > 0
      ? `Raise SentinelOne Control by ${client.variance} in Pax8, or bill the ${client.variance} new devices.`
      : client.variance < 0 ? `Lower SentinelOne Control by ${-client.variance} to stop the overspend.` : 'Nothing to do: devices match licences.',
  };
}

export function makeAdminData() {
  return {
    integrations: [
      { kind: 'pax8', enabled: true, configured: true, status: 'ok', lastSyncAt: '2026-11-24T02:00:00.000Z', lastError: null,
        config: { baseUrl: 'https://api.pax8.com/v1', tokenUrl: 'https://login.pax8.com/oauth/token', audience: 'api://p8p.client', clientId: 'demo-client', clientSecretSet: true } },
      { kind: 'panelone', enabled: true, configured: true, status: 'error', lastSyncAt: '2026-11-23T02:00:00.000Z', lastError: 'HTTP 429 from PanelOne, retried 5 times',
        config: { baseUrl: 'https://rmm.panelone.example', apiTokenSet: false } },
    ] as Record<string, unknown>[],
    mappings: {
      items: [
        { organizationId: 'org-0001', name: 'Acme Dental 001', pax8CompanyId: 'c-1', pax8CompanyName: 'Acme Dental LLC', mappingState: 'confirmed' },
        { organizationId: 'org-0002', name: 'Northwind Logistics 002', pax8CompanyId: 'c-2', pax8CompanyName: 'Northwind Logistics Inc', mappingState: 'suggested' },
        { organizationId: 'org-0003', name: 'Contoso Builders 003', pax8CompanyId: null, mappingState: 'none' },
      ],
      unmatchedCompanies: [{ pax8CompanyId: 'c-9', name: 'Contoso Construction' }],
    },
    products: {
      items: [
        { productId: 'prod-edr', name: 'SentinelOne Control', vendorName: 'SentinelOne', sku: 'S1-CTRL', perDevice: true, suggested: true },
        { productId: 'prod-backup', name: 'Acronis Cyber Protect', vendorName: 'Acronis', sku: 'ACR-CP-WS', perDevice: false, suggested: true },
        { productId: 'prod-m365', name: 'Microsoft 365 Business Premium', vendorName: 'Microsoft', sku: 'M365-BP', perDevice: false, suggested: false },
      ],
    },
    settings: {
      staleDays: 30,
      countedClasses: ['WINDOWS_WORKSTATION', 'WINDOWS_SERVER', 'MAC', 'LINUX_WORKSTATION', 'LINUX_SERVER', 'VMWARE_VM_GUEST', 'HYPERV_VMM_GUEST'],
      licensedStatuses: ['Active'],
      matchedTolerance: 0,
      schedule: { cron: '0 2 1 * *', timeZone: 'America/Chicago', enabled: true },
    },
  };
}
