// Decides, device by device as the stream goes by, whether a device counts and why not.
// State kept: one set of serials per organization (duplicates count once) and the device ids
// seen (a repeated page must not fail the COPY); never the devices themselves.
import type { CountingRules } from '../settings/rules.js';
import type { PanelOneDevice } from '../integrations/panelone.client.js';

export const EXCLUSION_REASONS = ['pending-approval', 'excluded-class', 'stale', 'duplicate-serial', 'unmapped-organization'] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

export interface DeviceVerdict {
  counted: boolean;
  reason: ExclusionReason | null;
}

const DAY_MS = 86_400_000;

export class DeviceCounter {
  private readonly countedClasses: Set<string>;
  private readonly staleBefore: number;
  private readonly serialsByOrg = new Map<string, Set<string>>();
  private readonly seenIds = new Set<string>();

  constructor(
    rules: Pick<CountingRules, 'staleDays' | 'countedClasses'>,
    takenAt: Date,
    private readonly mappedOrganizations: ReadonlySet<string>,
  ) {
    this.countedClasses = new Set(rules.countedClasses);
    this.staleBefore = takenAt.getTime() - rules.staleDays * DAY_MS;
  }

  /** False when the device was already seen in this snapshot, or has no id or organization (skip it). */
  firstSight(device: PanelOneDevice): boolean {
    if (!device?.id || !device.organizationId) return false;
    const key = `${device.organizationId}\u0000${device.id}`;
    if (this.seenIds.has(key)) return false;
    this.seenIds.add(key);
    return true;
  }

  /**
   * The rules in order: approval, class, last contact, duplicate serial. A device that passes
   * them all in an organization mapped to no Pax8 company is `unmapped-organization`: it would
   * count, so a later mapping can count it without a new snapshot.
   */
  judge(device: PanelOneDevice): DeviceVerdict {
    if (String(device.approvalStatus).toUpperCase() !== 'APPROVED') return { counted: false, reason: 'pending-approval' };
    if (!this.countedClasses.has(device.deviceClass)) return { counted: false, reason: 'excluded-class' };
    const lastContact = Date.parse(device.lastContact);
    if (!Number.isFinite(lastContact) || lastContact < this.staleBefore) return { counted: false, reason: 'stale' };
    const serial = normaliseSerial(device.serialNumber);
    if (serial) {
      let serials = this.serialsByOrg.get(device.organizationId);
      if (!serials) this.serialsByOrg.set(device.organizationId, (serials = new Set()));
      if (serials.has(serial)) return { counted: false, reason: 'duplicate-serial' };
      serials.add(serial);
    }
    if (!this.mappedOrganizations.has(device.organizationId)) return { counted: false, reason: 'unmapped-organization' };
    return { counted: true, reason: null };
  }
}

/** Serials compare without case and surrounding space; placeholders count as no serial. */
function normaliseSerial(serial: string | null): string | null {
  const s = (serial ?? '').trim().toUpperCase();
  if (!s || /^(0+|N\/?A|NONE|UNKNOWN|DEFAULT STRING|TO BE FILLED BY O\.E\.M\.|SYSTEM SERIAL NUMBER)$/.test(s)) return null;
  return s;
}
