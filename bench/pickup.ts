// Queue pick-up latency of an idle worker: one run at a time is asked for (so the worker is idle
// when it arrives) for a tenant with no integrations, so the job fails at its first step and the
// next can follow at once. The latency is the run's started_at minus its created_at, both stamped
// by PostgreSQL's clock (insert and claim), so no client-side timing enters it.

export interface PickupRun { id: string; status: string; createdAt: string; startedAt: string | null }

export type Call = <T>(method: string, path: string) => Promise<T>;

export async function measurePickup(call: Call, jobs = 20): Promise<{ jobs: number; p50Ms: number; maxMs: number; allMs: number[] }> {
  const latencies: number[] = [];
  for (let i = 0; i < jobs; i++) {
    let run = await call<PickupRun>('POST', '/integrations/panelone/sync');
    while (run.status === 'queued' || run.status === 'running') {
      await new Promise((r) => setTimeout(r, 20));
      run = await call<PickupRun>('GET', `/sync/runs/${run.id}`);
    }
    if (!run.startedAt) throw new Error(`pick-up run ${run.id} ended ${run.status} without starting`);
    latencies.push(Date.parse(run.startedAt) - Date.parse(run.createdAt));
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  return { jobs, p50Ms: sorted[Math.floor((sorted.length - 1) / 2)], maxMs: sorted[sorted.length - 1], allMs: latencies };
}
