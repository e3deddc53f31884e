// snapshot_device has no foreign key to snapshot (migration 1796187000000: the per-row check was
// half the cost of storing a snapshot's devices). What the key guarded holds by construction, and
// this keeps it so: device rows are written in one file, in the transaction that inserted their
// snapshot first (SnapshotRepository.copyDevices and storedDevices, called by SnapshotsService.take: a COPY
// into the month's partition, then the few rows StreamJudge decides at the end), and no
// code deletes a snapshot (retention deletes device rows only; counts and reconciliations stay).
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const SRC = resolve('src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return files(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

const sources = files(SRC).map((file) => ({ file: relative(SRC, file), text: readFileSync(file, 'utf8') }));
const matching = (pattern: RegExp) => sources.filter((s) => pattern.test(s.text)).map((s) => s.file).sort();

describe('who writes device rows', () => {
  it('one file writes device rows (into snapshot_device or a partition of it), and it inserts the snapshot row too', () => {
    expect(matching(/(INSERT\s+INTO|COPY|UPDATE)\s+(snapshot_device\b(?!_)|snapshot_device_p|\$\{(devicePartition\(|partition\}))/i)).toEqual(['snapshots/snapshot.repository.ts']);
    expect(matching(/INSERT\s+INTO\s+snapshot\s*\(/i)).toEqual(['snapshots/snapshot.repository.ts']);
  });

  it('no code deletes a snapshot (device rows go by retention; the snapshot, its counts and reconciliations stay)', () => {
    expect(matching(/DELETE\s+FROM\s+snapshot\b(?!_)/i)).toEqual([]);
    expect(matching(/TRUNCATE\s+(TABLE\s+)?snapshot\b(?!_)/i)).toEqual([]);
  });
});
