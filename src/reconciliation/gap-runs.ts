// Since when a gap has been open: the unbroken run of complete snapshots, newest first up to the
// one read, in which the same client and product had a line of the same status. Missed billing
// and the gaps list both read it off the same history (ReconciliationRepository.gapHistory).
import type { LineStatus } from './reconcile.js';
import type { GapHistoryRecord } from './reconciliation.repository.js';

export interface GapRun {
  /** Taken-at of the run's first (oldest) snapshot. */
  since: string;
  /** How many snapshots the run spans. */
  snapshots: number;
}

export const gapKey = (line: { organization_id: string; product_id: string }) => `${line.organization_id}\u0000${line.product_id}`;

/** Runs per gap key; `statusOf` is the status the gap has now (a run breaks where the line had another one, or none). */
export function gapRuns(history: GapHistoryRecord[], statusOf: (key: string) => LineStatus | undefined): Map<string, GapRun> {
  const runs = new Map<string, GapRun>();
  const broken = new Set<string>();
  for (const h of history) {
    const key = gapKey(h);
    if (broken.has(key)) continue;
    if (h.status === null || h.status !== statusOf(key)) {
      broken.add(key);
      continue;
    }
    const run = runs.get(key) ?? { since: '', snapshots: 0 };
    run.since = new Date(h.taken_at).toISOString();
    run.snapshots++;
    runs.set(key, run);
  }
  return runs;
}
