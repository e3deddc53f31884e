// The counting rules, device by device: approval, class, the stale window, duplicate serials
// within one client, and organizations that are not mapped yet.
import type { PanelOneDevice } from '../integrations/panelone.client.js';
import { DeviceCounter } from './device-counting.js';

const TAKEN_AT = new Date('2026-06-30T12:00:00.000Z');
const DAY_MS = 86_400_000;
const rules = { staleDays: 30, countedClasses: ['WINDOWS_WORKSTATION', 'MAC'] };

let nextId = 0;
const device = (extra: Partial<PanelOneDevice> = {}): PanelOneDevice => ({
  id: `d${++nextId}`, organizationId: 'org-a', hostname: 'host', serialNumber: null, deviceClass: 'WINDOWS_WORKSTATION',
  lastContact: new Date(TAKEN_AT.getTime() - DAY_MS).toISOString(), offline: false, approvalStatus: 'APPROVED', ...extra,
});
const counter = (mapped: string[] = ['org-a', 'org-b']) => new DeviceCounter(rules, TAKEN_AT, new Set(mapped));

describe('DeviceCounter.judge', () => {
  it('an approved device of a counted class seen within the window of a mapped organization counts', () => {
    expect(counter().judge(device())).toEqual({ counted: true, reason: null });
  });

  it('approval is compared without case; anything but APPROVED is pending-approval', () => {
    expect(counter().judge(device({ approvalStatus: 'approved' as 'APPROVED' })).counted).toBe(true);
    expect(counter().judge(device({ approvalStatus: 'PENDING' }))).toEqual({ counted: false, reason: 'pending-approval' });
    expect(counter().judge(device({ approvalStatus: undefined as unknown as 'APPROVED' }))).toEqual({ counted: false, reason: 'pending-approval' });
  });

  it('a class outside the counted set, or an unknown one, is excluded-class', () => {
    expect(counter().judge(device({ deviceClass: 'PRINTER' }))).toEqual({ counted: false, reason: 'excluded-class' });
    expect(counter().judge(device({ deviceClass: 'TOASTER' }))).toEqual({ counted: false, reason: 'excluded-class' });
    expect(counter().judge(device({ deviceClass: 'MAC' })).counted).toBe(true);
  });

  it('the stale cut-off: a device seen exactly staleDays before the snapshot still counts, a millisecond earlier is stale', () => {
    const cutOff = TAKEN_AT.getTime() - rules.staleDays * DAY_MS;
    expect(counter().judge(device({ lastContact: new Date(cutOff).toISOString() }))).toEqual({ counted: true, reason: null });
    expect(counter().judge(device({ lastContact: new Date(cutOff - 1).toISOString() }))).toEqual({ counted: false, reason: 'stale' });
    expect(counter().judge(device({ lastContact: new Date(cutOff + 1).toISOString() })).counted).toBe(true);
  });

  it('a missing or unreadable last contact is stale', () => {
    expect(counter().judge(device({ lastContact: 'yesterday' })).reason).toBe('stale');
    expect(counter().judge(device({ lastContact: '' })).reason).toBe('stale');
  });

  it('the window follows the tenant\'s staleDays', () => {
    const strict = new DeviceCounter({ ...rules, staleDays: 1 }, TAKEN_AT, new Set(['org-a']));
    expect(strict.judge(device({ lastContact: new Date(TAKEN_AT.getTime() - 2 * DAY_MS).toISOString() })).reason).toBe('stale');
    expect(strict.judge(device({ lastContact: new Date(TAKEN_AT.getTime() - DAY_MS).toISOString() })).counted).toBe(true);
  });

  it('rules apply in order: approval before class before last contact', () => {
    const everythingWrong = device({ approvalStatus: 'PENDING', deviceClass: 'PRINTER', lastContact: 'never' });
    expect(counter().judge(everythingWrong).reason).toBe('pending-approval');
    expect(counter().judge({ ...everythingWrong, approvalStatus: 'APPROVED' }).reason).toBe('excluded-class');
    expect(counter().judge({ ...everythingWrong, approvalStatus: 'APPROVED', deviceClass: 'MAC' }).reason).toBe('stale');
  });

  it('within one organization a serial counts once, compared without case or surrounding space', () => {
    const c = counter();
    expect(c.judge(device({ serialNumber: 'SN-1' })).counted).toBe(true);
    expect(c.judge(device({ serialNumber: ' sn-1 ' }))).toEqual({ counted: false, reason: 'duplicate-serial' });
    expect(c.judge(device({ serialNumber: 'SN-2' })).counted).toBe(true);
    // The same serial in another organization is another client's device.
    expect(c.judge(device({ organizationId: 'org-b', serialNumber: 'SN-1' })).counted).toBe(true);
  });

  it.each(['', '   ', '0', '0000', 'N/A', 'NA', 'none', 'Unknown', 'Default string', 'To be filled by O.E.M.', 'System Serial Number'])(
    'the placeholder serial %p counts as no serial: never a duplicate',
    (placeholder) => {
      const c = counter();
      expect(c.judge(device({ serialNumber: placeholder })).counted).toBe(true);
      expect(c.judge(device({ serialNumber: placeholder })).counted).toBe(true);
    },
  );

  it('a serial that merely contains a placeholder word is a real serial', () => {
    const c = counter();
    expect(c.judge(device({ serialNumber: 'NONE-7' })).counted).toBe(true);
    expect(c.judge(device({ serialNumber: 'none-7' })).reason).toBe('duplicate-serial');
    expect(c.judge(device({ serialNumber: '0001' })).counted).toBe(true);
    expect(c.judge(device({ serialNumber: '0001' })).reason).toBe('duplicate-serial');
    expect(c.judge(device({ serialNumber: 'SN-10' })).counted).toBe(true);
    expect(c.judge(device({ serialNumber: 'SN-10' })).reason).toBe('duplicate-serial');
  });

  it('devices without a serial never collide', () => {
    const c = counter();
    expect(c.judge(device({ serialNumber: null })).counted).toBe(true);
    expect(c.judge(device({ serialNumber: null })).counted).toBe(true);
  });

  it('a stale or excluded device does not claim its serial', () => {
    const c = counter();
    expect(c.judge(device({ serialNumber: 'SN-9', lastContact: 'never' })).reason).toBe('stale');
    expect(c.judge(device({ serialNumber: 'SN-9', deviceClass: 'PRINTER' })).reason).toBe('excluded-class');
    expect(c.judge(device({ serialNumber: 'SN-9' })).counted).toBe(true);
  });

  it('an organization mapped to no Pax8 company: the device would count, so it is unmapped-organization', () => {
    const c = counter(['org-b']);
    expect(c.judge(device())).toEqual({ counted: false, reason: 'unmapped-organization' });
    // A duplicate is still a duplicate there.
    expect(c.judge(device({ serialNumber: 'X1' })).reason).toBe('unmapped-organization');
    expect(c.judge(device({ serialNumber: 'X1' })).reason).toBe('duplicate-serial');
    expect(c.judge(device({ organizationId: 'org-b' })).counted).toBe(true);
  });
});

describe('DeviceCounter.firstSight', () => {
  it('a device seen again in the same snapshot (a repeated page) is skipped', () => {
    const c = counter();
    const d = device();
    expect(c.firstSight(d)).toBe(true);
    expect(c.firstSight({ ...d })).toBe(false);
    expect(c.firstSight(device())).toBe(true);
  });

  it('the same id in two organizations is two devices', () => {
    const c = counter();
    expect(c.firstSight(device({ id: 'same', organizationId: 'org-a' }))).toBe(true);
    expect(c.firstSight(device({ id: 'same', organizationId: 'org-b' }))).toBe(true);
  });

  it('a device without an id or organization is skipped', () => {
    const c = counter();
    expect(c.firstSight(device({ id: '' }))).toBe(false);
    expect(c.firstSight(device({ organizationId: '' }))).toBe(false);
    expect(c.firstSight(null as unknown as PanelOneDevice)).toBe(false);
  });
});
