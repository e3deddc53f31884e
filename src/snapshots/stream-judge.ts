// Judges a snapshot's device stream as it goes by, so the rows can be COPYed straight into their
// partition with their verdicts, without keeping a set of every device id and serial seen (that
// would grow with the devices: 2.5 million keys are ~200 MB of strings).
//
// Two fixed-size Bloom filters stand in for those sets. A device whose id the filter has certainly
// not seen is a first sight; one whose serial (in its organization) it has certainly not seen is
// the first of that serial. Such a device gets its final verdict at once and is stored. Only the
// few the filters are unsure of wait for `resolve`, which asks the stored rows:
//  - a device whose id may have been seen is held back (not stored: the key would collide); at the
//    end it is dropped when the id is stored or held earlier, else stored as the first sight;
//  - a stored device whose serial may have been seen is doubtful; at the end it becomes
//    duplicate-serial when an earlier device of its organization, still a first sight and passing
//    the other rules, has the same normalised serial.
// Why asking the stored rows is enough: every passing device with a serial marks the serial
// filter, held or not, so a device the filter let through is earlier than every other device with
// its key. The verdicts are DeviceCounter's, device by device (tested against it).
import { normaliseSerial, type ExclusionReason, type Prejudged } from './device-counting.js';

/** A device on its way into snapshot_device, with its verdict. */
export interface DeviceRow {
  organizationId: string;
  deviceId: string;
  hostname: string | null;
  serialNumber: string | null;
  deviceClass: string;
  lastContact: string | null;
  offline: boolean | null;
  approvalStatus: string | null;
  counted: boolean;
  reason: ExclusionReason | null;
}

/** What `resolve` asks of the rows stored so far (the snapshot's own, in its transaction). */
export interface StoredDevices {
  /** Which of these organization/device id pairs are stored (keys as `sightingKey`). */
  storedAmong(devices: Array<{ organizationId: string; deviceId: string }>): Promise<Set<string>>;
  /**
   * The stored devices of these organizations that pass the other rules and may have one of these
   * serials, one by one: every one that has (and maybe more; the caller compares normalised serials).
   */
  eachPassingWithSerial(organizationIds: string[], serialKeys: string[], onRow: (row: { organizationId: string; deviceId: string; serialNumber: string | null }) => void): Promise<void>;
  /** Marks these stored devices duplicate-serial (not counted). */
  markDuplicateSerial(devices: Array<{ organizationId: string; deviceId: string }>): Promise<void>;
  /** Stores these (late) rows. */
  store(rows: DeviceRow[]): Promise<void>;
}

/**
 * A fixed-size Bloom filter of (organization, value) pairs: `addAndTest` is false only for a pair
 * certainly not added before.
 */
export class BloomFilter {
  private readonly words: Uint32Array;
  private readonly mask: number;

  /** `log2Bits`: the filter holds 2^log2Bits bits (25: 4 MB). */
  constructor(log2Bits: number, private readonly hashes = 4) {
    if (!Number.isInteger(log2Bits) || log2Bits < 5 || log2Bits > 31) throw new Error(`log2Bits out of range: ${log2Bits}`);
    this.words = new Uint32Array(2 ** (log2Bits - 5));
    this.mask = 2 ** log2Bits - 1;
  }

  addAndTest(organizationId: string, value: string): boolean {
    // Two 32-bit hashes of the UTF-16 code units (FNV-1a and a multiplicative one), the two
    // strings kept apart by a step between them; the i-th bit is h1 + i·h2 (Kirsch–Mitzenmacher).
    let h1 = 0x811c9dc5;
    let h2 = 0x9e3779b9;
    for (let i = 0; i < organizationId.length; i++) {
      const c = organizationId.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
    h1 = Math.imul(h1 ^ 0xffff, 0x01000193);
    h2 = Math.imul(h2 ^ 0xffff, 0x5bd1e995);
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
    h2 |= 1;
    let seen = true;
    for (let i = 0; i < this.hashes; i++) {
      const bit = (h1 + Math.imul(i, h2)) & this.mask;
      const flag = 1 << (bit & 31);
      const word = bit >>> 5;
      if ((this.words[word] & flag) === 0) {
        seen = false;
        this.words[word] |= flag;
      }
    }
    return seen;
  }
}

/** The key of a device id, or of a serial, within its organization. */
export const sightingKey = (organizationId: string, value: string): string => `${organizationId}\u0000${value}`;

/**
 * 2^25 bits (4 MB) per filter: unsure of ~1 in 100,000 new keys at 250,000 devices (tested in
 * stream-judge.spec.ts), of ~0.5% at 2.5 million: those few are what `resolve` asks the stored rows about.
 */
export const DEFAULT_FILTER_LOG2_BITS = 25;

interface Held {
  ord: number;
  row: DeviceRow;
  serialKey: string | null;
}

/** A stored device whose serial may repeat an earlier one: what `resolve` needs of it (not the whole row). */
interface Doubtful {
  ord: number;
  organizationId: string;
  deviceId: string;
  serialKey: string;
  deviceClass: string;
  counted: boolean;
  reason: ExclusionReason | null;
}

/**
 * One client's counts in a snapshot (snapshot_client): its devices, the billable ones (counted, or
 * would count once the organization is mapped), devices per class, and the devices not counted per reason.
 */
export interface ClientTally {
  devices: number;
  billable: number;
  byClass: Record<string, number>;
  excludedByReason: Partial<Record<ExclusionReason, number>>;
}

const bump = <K extends string>(counts: Partial<Record<K, number>>, key: K, by: number) => {
  const n = (counts[key] ?? 0) + by;
  if (n) counts[key] = n;
  else delete counts[key];
};

/** One snapshot's device stream judged in stream order with fixed memory (see the top of this file). */
export class StreamJudge {
  private readonly ids: BloomFilter;
  private readonly serials: BloomFilter;
  private readonly held: Held[] = [];
  private readonly doubtful: Doubtful[] = [];
  private ord = 0;
  deviceCount = 0;
  /** Devices counted (in a mapped organization). */
  billableCount = 0;
  /** Per client, as the verdicts stand (final after `resolve`). Grows with the clients, not the devices. */
  readonly clients = new Map<string, ClientTally>();

  constructor(log2Bits = DEFAULT_FILTER_LOG2_BITS) {
    this.ids = new BloomFilter(log2Bits);
    this.serials = new BloomFilter(log2Bits);
  }

  /**
   * Gives `row` its verdict (sets its counted and reason) from the device's own verdict
   * (DeviceRules.prejudge) and whether its organization is mapped. Returns the row to store now,
   * or null when it waits for `resolve` (its id may have been seen).
   */
  take(row: DeviceRow, own: Prejudged, mapped: boolean): DeviceRow | null {
    const ord = this.ord++;
    const passing = own.reason === null;
    row.counted = passing && mapped;
    row.reason = own.reason ?? (mapped ? null : 'unmapped-organization');
    const idSeen = this.ids.addAndTest(row.organizationId, row.deviceId);
    const serial = passing ? own.serial : null;
    const serialSeen = serial !== null && this.serials.addAndTest(row.organizationId, serial);
    if (idSeen) {
      this.held.push({ ord, row, serialKey: serial });
      return null;
    }
    if (serialSeen) {
      this.doubtful.push({ ord, organizationId: row.organizationId, deviceId: row.deviceId, serialKey: serial, deviceClass: row.deviceClass, counted: row.counted, reason: row.reason });
    }
    this.tally(row, 1);
    return row;
  }

  /** Decides the held and doubtful devices against the stored rows and writes the outcome; the counts are then final. */
  async resolve(stored: StoredDevices): Promise<void> {
    const { held, doubtful } = this;
    // Held devices: a first sight unless the id is stored or was held earlier.
    const seen = held.length ? await stored.storedAmong(held.map((h) => h.row)) : new Set<string>();
    const firsts = held.filter((h) => {
      const key = sightingKey(h.row.organizationId, h.row.deviceId);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    // Serials that may repeat: candidates in stream order; the first of each key keeps its verdict,
    // unless a stored device the filter let through (so earlier than all of them) has the key.
    const candidates = [
      ...doubtful.map((d) => ({ ord: d.ord, organizationId: d.organizationId, serialKey: d.serialKey, doubtful: d, held: undefined as Held | undefined })),
      ...firsts.filter((h) => h.serialKey !== null).map((h) => ({ ord: h.ord, organizationId: h.row.organizationId, serialKey: h.serialKey as string, doubtful: undefined, held: h })),
    ].sort((a, b) => a.ord - b.ord);
    const taken = new Set<string>();
    if (candidates.length) {
      const keys = new Set(candidates.map((c) => sightingKey(c.organizationId, c.serialKey)));
      const doubtfulIds = new Set(doubtful.map((d) => sightingKey(d.organizationId, d.deviceId)));
      // Row by row: at 2.5 million devices the duplicates and their first sights are ~100,000 rows.
      await stored.eachPassingWithSerial([...new Set(candidates.map((c) => c.organizationId))], [...new Set(candidates.map((c) => c.serialKey))], (r) => {
        if (doubtfulIds.has(sightingKey(r.organizationId, r.deviceId))) return;
        const serial = normaliseSerial(r.serialNumber);
        if (serial !== null && keys.has(sightingKey(r.organizationId, serial))) taken.add(sightingKey(r.organizationId, serial));
      });
    }
    const duplicates: Doubtful[] = [];
    for (const c of candidates) {
      const key = sightingKey(c.organizationId, c.serialKey);
      if (!taken.has(key)) {
        taken.add(key);
        continue;
      }
      if (c.held) c.held.row = { ...c.held.row, counted: false, reason: 'duplicate-serial' };
      else duplicates.push(c.doubtful as Doubtful);
    }
    if (duplicates.length) await stored.markDuplicateSerial(duplicates);
    for (const d of duplicates) {
      this.tally(d, -1);
      this.tally({ ...d, counted: false, reason: 'duplicate-serial' }, 1);
    }
    const late = firsts.map((h) => h.row);
    if (late.length) await stored.store(late);
    for (const row of late) this.tally(row, 1);
    held.length = 0;
    doubtful.length = 0;
  }

  /** Adds a stored row to the counts (by = 1), or takes it out (-1) before its verdict changes. */
  private tally(row: Pick<DeviceRow, 'organizationId' | 'deviceClass' | 'counted' | 'reason'>, by: 1 | -1): void {
    this.deviceCount += by;
    if (row.counted) this.billableCount += by;
    let client = this.clients.get(row.organizationId);
    if (!client) this.clients.set(row.organizationId, (client = { devices: 0, billable: 0, byClass: {}, excludedByReason: {} }));
    client.devices += by;
    if (row.counted || row.reason === 'unmapped-organization') client.billable += by;
    bump(client.byClass, row.deviceClass, by);
    if (!row.counted && row.reason) bump(client.excludedByReason, row.reason, by);
  }
}
