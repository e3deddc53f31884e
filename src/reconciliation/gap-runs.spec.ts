import { gapRuns } from './gap-runs.js';
import type { GapHistoryRecord } from './reconciliation.repository.js';

const at = (day: number) => new Date(Date.UTC(2026, 0, day));
const h = (product: string, day: number, status: GapHistoryRecord['status']): GapHistoryRecord =>
  ({ organization_id: 'o1', product_id: product, rn: '0', taken_at: at(day), status });

describe('gapRuns', () => {
  it('the run goes back while the status holds, and stops at the first snapshot with another one or no line', () => {
    const runs = gapRuns([
      h('edr', 30, 'under-licensed'), h('edr', 20, 'under-licensed'), h('edr', 10, 'matched'), h('edr', 1, 'under-licensed'),
      h('backup', 30, 'over-licensed'), h('backup', 20, null), h('backup', 10, 'over-licensed'),
    ], (key) => (key.endsWith('edr') ? 'under-licensed' : 'over-licensed'));
    expect(runs.get('o1\u0000edr')).toEqual({ since: at(20).toISOString(), snapshots: 2 });
    expect(runs.get('o1\u0000backup')).toEqual({ since: at(30).toISOString(), snapshots: 1 });
  });

  it('a gap whose sign flipped starts a new run', () => {
    const runs = gapRuns([h('edr', 30, 'over-licensed'), h('edr', 20, 'under-licensed')], () => 'over-licensed');
    expect(runs.get('o1\u0000edr')).toEqual({ since: at(30).toISOString(), snapshots: 1 });
  });
});
