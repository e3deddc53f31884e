// Pure pieces of the worker: when a schedule is due, and the worker's tuning variables.
import { latestDueTime } from './sync-schedule.service.js';
import { syncOptionsFrom } from './sync.options.js';
import { validateEnvironment } from '../config/config.js';

describe('latestDueTime', () => {
  it('the default schedule (the 1st, 02:00) is due in the tenant\'s time zone, not UTC', () => {
    const due = latestDueTime('0 2 1 * *', 'America/New_York', new Date('2026-03-01T06:00:00Z'), new Date('2026-03-01T08:00:00Z'));
    expect(due).toEqual(new Date('2026-03-01T07:00:00Z')); // 02:00 EST
    const summer = latestDueTime('0 2 1 * *', 'America/New_York', new Date('2026-07-01T05:00:00Z'), new Date('2026-07-01T07:00:00Z'));
    expect(summer).toEqual(new Date('2026-07-01T06:00:00Z')); // 02:00 EDT
  });

  it('only the latest due time of the window; none when nothing was due in it', () => {
    expect(latestDueTime('*/10 * * * *', 'UTC', new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:35:00Z'))).toEqual(new Date('2026-01-01T00:30:00Z'));
    expect(latestDueTime('0 2 1 * *', 'UTC', new Date('2026-01-02T00:00:00Z'), new Date('2026-01-02T00:02:00Z'))).toBeNull();
    // The window's start is exclusive (already handled by the previous tick's window), its end inclusive.
    expect(latestDueTime('0 2 1 * *', 'UTC', new Date('2026-01-01T02:00:00Z'), new Date('2026-01-01T02:01:00Z'))).toBeNull();
    expect(latestDueTime('0 2 1 * *', 'UTC', new Date('2026-01-01T01:59:00Z'), new Date('2026-01-01T02:00:00Z'))).toEqual(new Date('2026-01-01T02:00:00Z'));
  });

  it('a bad expression or zone throws (the tick skips that tenant)', () => {
    const now = new Date();
    expect(() => latestDueTime('not a cron', 'UTC', now, now)).toThrow();
    expect(() => latestDueTime('0 2 1 * *', 'Mars/Olympus', now, now)).toThrow();
  });
});

const testConfig = (overrides: Record<string, string> = {}) =>
  validateEnvironment({ PANELONE_JWT_SECRET: 'x'.repeat(32), ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'), ...overrides });

describe('syncOptionsFrom', () => {
  it('defaults, overrides from the environment, and a message naming a bad variable', () => {
    const defaults = syncOptionsFrom(testConfig());
    expect(defaults).toMatchObject({ SYNC_LEASE_SECONDS: 30, SYNC_MAX_ATTEMPTS: 3, SYNC_SCHEDULE_TICK_SECONDS: 60, SYNC_CONCURRENCY: 2 });
    expect(defaults.heartbeatMs).toBe(5000);
    expect(syncOptionsFrom(testConfig({ SYNC_LEASE_SECONDS: '6' })).heartbeatMs).toBe(2000);
    expect(() => syncOptionsFrom(testConfig({ SYNC_LEASE_SECONDS: 'soon' }))).toThrow(/SYNC_LEASE_SECONDS must be an integer/);
    expect(() => syncOptionsFrom(testConfig({ SYNC_CONCURRENCY: '0' }))).toThrow(/SYNC_CONCURRENCY/);
  });
});
