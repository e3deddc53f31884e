// Decides whether a device counts and why not. The snapshot ingest keeps no state per device:
// it judges each device on its own as the stream goes by (`prejudge`: approval, class, last
// contact, the normalised serial), and StreamJudge decides the rest with fixed-size filters (a
// repeated device id counts once, a duplicate serial within an organization once, in stream
// order), asking the stored rows about the few the filters are unsure of. DeviceCounter is the
// same rules with a set of every id and serial: the reference the ingest is tested against
// (device-counting.spec.ts, test/snapshots/duplicates-in-sql.e2e.spec.ts).
import type { CountingRules } from '../settings/rules.js';
import type { PanelOneDevice } from '../integrations/panelone.client.js';

export const EXCLUSION_REASONS = ['pending-approval', 'excluded-class', 'stale', 'duplicate-serial', 'unmapped-organization'] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

export interface DeviceVerdict {
  counted: boolean;
  reason: ExclusionReason | null;
}

const DAY_MS = 86_400_000;

/** What a device is on its own: the reason it does not count, before duplicates and the mapping; its normalised serial. */
export interface Prejudged {
  reason: 'pending-approval' | 'excluded-class' | 'stale' | null;
  serial: string | null;
}

/** The rules that need no other device: approval, class, last contact; and the serial duplicates are compared by. */
export class DeviceRules {
  private readonly countedClasses: Set<string>;
  private readonly staleBefore: number;

  constructor(rules: Pick<CountingRules, 'staleDays' | 'countedClasses'>, takenAt: Date) {
    this.countedClasses = new Set(rules.countedClasses);
    this.staleBefore = takenAt.getTime() - rules.staleDays * DAY_MS;
  }

  prejudge(device: PanelOneDevice): Prejudged {
    if (String(device.approvalStatus).toUpperCase() !== 'APPROVED') return { reason: 'pending-approval', serial: null };
    if (!this.countedClasses.has(device.deviceClass)) return { reason: 'excluded-class', serial: null };
    const lastContact = Date.parse(device.lastContact);
    if (!Number.isFinite(lastContact) || lastContact < this.staleBefore) return { reason: 'stale', serial: null };
    return { reason: null, serial: normaliseSerial(device.serialNumber) };
  }
}

/** Whether a device can be stored at all (it has an id and an organization). */
export const identified = (device: PanelOneDevice): boolean => Boolean(device?.id && device.organizationId);

export class DeviceCounter {
  private readonly rules: DeviceRules;
  private readonly serialsByOrg = new Map<string, Set<string>>();
  private readonly seenIds = new Set<string>();

  constructor(
    rules: Pick<CountingRules, 'staleDays' | 'countedClasses'>,
    takenAt: Date,
    private readonly mappedOrganizations: ReadonlySet<string>,
  ) {
    this.rules = new DeviceRules(rules, takenAt);
  }

  /** False when the device was already seen in this snapshot, or has no id or organization (skip it). */
  firstSight(device: PanelOneDevice): boolean {
    if (!identified(device)) return false;
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
    const { reason, serial } = this.rules.prejudge(device);
    if (reason) return { counted: false, reason };
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
export function normaliseSerial(serial: string | null): string | null {
  const s = (serial ?? '').trim().toUpperCase();
  if (!s || /^(0+|N\/?A|NONE|UNKNOWN|DEFAULT STRING|TO BE FILLED BY O\.E\.M\.|SYSTEM SERIAL NUMBER)$/.test(s)) return null;
  return s;
}
