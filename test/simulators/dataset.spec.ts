// The generated world: the demo profile has what a dashboard needs to show, everything is
// deterministic for a seed and a "now", and scale-profile devices are computed by index.
import { describe, expect, it } from '@jest/globals';
import { DEVICE_CLASSES, generateDataset, type Dataset, type Device } from '../../simulators/index.js';
import { NOW } from './helpers.js';

const DAY = 86_400_000;
const COUNTED = new Set(['WINDOWS_WORKSTATION', 'WINDOWS_SERVER', 'MAC', 'LINUX_WORKSTATION', 'LINUX_SERVER', 'VMWARE_VM_GUEST', 'HYPERV_VMM_GUEST']);

// Independent of the simulator's own helpers on purpose.
const normalise = (name: string) => name.toLowerCase()
  .replace(/[^a-z0-9 ]+/g, ' ')
  .replace(/\b(inc|llc|l l c|llp|pc|pllc|ltd|co|corp|gmbh)\b/g, ' ')
  .replace(/\s+/g, ' ').trim();

function billable(devices: Device[], now: number): number {
  const serials = new Set<string>();
  let count = 0;
  for (const d of devices) {
    if (d.approvalStatus !== 'APPROVED' || !COUNTED.has(d.deviceClass) || now - Date.parse(d.lastContact) > 30 * DAY) continue;
    if (d.serialNumber !== null) { if (serials.has(d.serialNumber)) continue; serials.add(d.serialNumber); }
    count++;
  }
  return count;
}

function everything(d: Dataset) {
  return {
    organizations: d.organizations, companies: d.companies, contacts: d.contacts, products: d.products,
    pricing: d.pricing, subscriptions: d.subscriptions, devices: [...d.devices.all()], clients: d.clients,
  };
}

describe('demo dataset', () => {
  const data = generateDataset({ now: NOW });
  const devices = [...data.devices.all()];

  it('has about 40 clients and exactly 3000 devices over every device class', () => {
    expect(data.clients).toHaveLength(40);
    expect(data.organizations.length).toBeGreaterThanOrEqual(35);
    expect(data.companies.length).toBeGreaterThanOrEqual(35);
    expect(devices).toHaveLength(3000);
    expect(new Set(devices.map((d) => d.id)).size).toBe(3000);
    expect(new Set(devices.map((d) => d.deviceClass))).toEqual(new Set(DEVICE_CLASSES));
    const orgIds = new Set(data.organizations.map((o) => o.id));
    expect(devices.every((d) => orgIds.has(d.organizationId))).toBe(true);
    expect(data.organizations.every((o) => /^org-/.test(o.id))).toBe(true);
  });

  it('has stale, pending, serial-less and duplicate-serial devices', () => {
    const stale = devices.filter((d) => NOW - Date.parse(d.lastContact) > 30 * DAY);
    const pending = devices.filter((d) => d.approvalStatus === 'PENDING');
    const noSerial = devices.filter((d) => d.serialNumber === null);
    const perOrgSerial = new Map<string, number>();
    for (const d of devices) if (d.serialNumber) perOrgSerial.set(`${d.organizationId}|${d.serialNumber}`, (perOrgSerial.get(`${d.organizationId}|${d.serialNumber}`) ?? 0) + 1);
    const duplicated = [...perOrgSerial.values()].filter((n) => n > 1);
    expect(stale.length).toBeGreaterThan(50);
    expect(pending.length).toBeGreaterThan(20);
    expect(noSerial.length).toBeGreaterThan(20);
    expect(duplicated.length).toBeGreaterThan(10);
    expect(devices.some((d) => d.offline) && devices.some((d) => !d.offline)).toBe(true);
    expect(devices.every((d) => Date.parse(d.lastContact) <= NOW)).toBe(true);
  });

  it('has organizations and companies that match by externalRef, exact name, normalised name only, and not at all', () => {
    const byRef = data.organizations.filter((o) => o.externalRef && data.companies.some((c) => c.externalId === o.externalRef));
    const exact = data.organizations.filter((o) => data.companies.some((c) => c.name === o.name));
    const normalisedOnly = data.organizations.filter((o) => !data.companies.some((c) => c.name === o.name) && data.companies.some((c) => normalise(c.name) === normalise(o.name)));
    const matchesCompany = (o: { name: string; externalRef: string | null }) =>
      data.companies.some((c) => (o.externalRef && c.externalId === o.externalRef) || normalise(c.name) === normalise(o.name));
    const orphanOrgs = data.organizations.filter((o) => !matchesCompany(o));
    const orphanCompanies = data.companies.filter((c) => !data.organizations.some((o) => (o.externalRef && c.externalId === o.externalRef) || normalise(c.name) === normalise(o.name)));
    expect(byRef.length).toBeGreaterThanOrEqual(5);
    expect(exact.length).toBeGreaterThanOrEqual(10);
    expect(normalisedOnly.length).toBeGreaterThanOrEqual(3);
    expect(orphanOrgs.length).toBeGreaterThanOrEqual(2);
    expect(orphanCompanies.length).toBeGreaterThanOrEqual(2);
    // Names that match by reference do not also match by name.
    for (const o of byRef) expect(data.companies.find((c) => c.externalId === o.externalRef)!.name).not.toBe(o.name);
  });

  it('contains hostile names for the UI and CSV paths', () => {
    const names = [...data.organizations.map((o) => o.name), ...data.companies.map((c) => c.name)];
    expect(names.some((n) => n.includes('<img src=x onerror=alert(1)>'))).toBe(true);
    expect(names.some((n) => n.startsWith('='))).toBe(true);
    expect(names.some((n) => n.startsWith('+'))).toBe(true);
  });

  it('has under-licensed, over-licensed and matched clients (recomputed from the raw data)', () => {
    const perDevice = new Set(data.products.filter((p) => data.productMeta[p.id].perDevice).map((p) => p.id));
    const statuses = new Map<string, number>();
    for (const client of data.clients.filter((c) => c.organizationId && c.companyId)) {
      const devicesOfOrg = devices.filter((d) => d.organizationId === client.organizationId);
      const count = billable(devicesOfOrg, NOW);
      const quantities = new Map<string, number>();
      for (const s of data.subscriptions) {
        if (s.companyId === client.companyId && s.status === 'Active' && perDevice.has(s.productId)) quantities.set(s.productId, (quantities.get(s.productId) ?? 0) + s.quantity);
      }
      const variances = [...quantities.values()].map((q) => count - q);
      const status = quantities.size === 0 ? (count > 0 ? 'under' : 'matched') : variances.some((v) => v > 0) ? 'under' : variances.some((v) => v < 0) ? 'over' : 'matched';
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      expect(count).toBe(client.billableDevices);
    }
    expect(statuses.get('under')).toBeGreaterThanOrEqual(5);
    expect(statuses.get('over')).toBeGreaterThanOrEqual(3);
    expect(statuses.get('matched')).toBeGreaterThanOrEqual(3);
    // Non-counting noise exists: cancelled/trial per-device subscriptions, per-user products, several terms.
    expect(data.subscriptions.some((s) => s.status !== 'Active' && perDevice.has(s.productId))).toBe(true);
    expect(new Set(data.subscriptions.map((s) => s.billingTerm)).size).toBeGreaterThanOrEqual(2);
    expect(data.subscriptions.every((s) => s.currencyCode === 'USD' && s.price > 0 && s.partnerCost > 0)).toBe(true);
    expect(data.products.some((p) => p.name === 'Microsoft 365 Business Premium' && !data.productMeta[p.id].perDevice)).toBe(true);
  });

  it('has contacts with a primary of each type, and pricing per product', () => {
    for (const company of data.companies) {
      const contacts = data.contacts[company.id];
      for (const type of ['Admin', 'Billing', 'Technical']) {
        expect(contacts.some((c) => c.types.some((t) => t.type === type && t.primary))).toBe(true);
      }
    }
    for (const product of data.products) {
      const pricing = data.pricing[product.id];
      expect(pricing.length).toBeGreaterThan(0);
      for (const p of pricing) expect(p.rates.every((r) => r.partnerBuyRate < r.suggestedRetailPrice)).toBe(true);
    }
  });
});

describe('determinism', () => {
  it('the same seed and now give the same world; another seed does not', () => {
    const a = everything(generateDataset({ seed: 99, now: NOW }));
    const b = everything(generateDataset({ seed: 99, now: NOW }));
    const c = everything(generateDataset({ seed: 100, now: NOW }));
    expect(b).toEqual(a);
    expect(c.companies).not.toEqual(a.companies);
    expect(c.devices).not.toEqual(a.devices);
  });

  it('now is injectable: device times move with it', () => {
    const a = [...generateDataset({ seed: 1, now: NOW }).devices.all()];
    const b = [...generateDataset({ seed: 1, now: NOW + DAY }).devices.all()];
    expect(b.map((d) => Date.parse(d.lastContact) - DAY)).toEqual(a.map((d) => Date.parse(d.lastContact)));
  });
});

describe('scale profile', () => {
  it('has 2000 clients, 250k devices computable by index, 12000 subscriptions', () => {
    const scale = generateDataset({ profile: 'scale', now: NOW });
    expect(scale.clients).toHaveLength(2000);
    expect(scale.devices.count).toBe(250_000);
    expect(scale.subscriptions).toHaveLength(12_000);
    const again = generateDataset({ profile: 'scale', now: NOW });
    // Pure function of seed and index: any order, any instance, the same device.
    for (const i of [249_999, 0, 123_456, 77]) expect(again.devices.at(i)).toEqual(scale.devices.at(i));
    const last = scale.devices.at(249_999)!;
    expect(scale.devices.get(last.id)).toEqual(last);
    expect(scale.devices.at(250_000)).toBeNull();
  }, 180_000);
});
