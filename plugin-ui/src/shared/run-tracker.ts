// Starts sync runs and polls them about once a second until they finish, keeping the
// latest state per key so the host element can render a live progress bar. A successful run
// is announced page-wide (b1r-reconciliation-changed) so every widget shows its outcome.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ApiClient } from '../api-client.js';
import { announceReconciliationChanged } from './events.js';
import type { SyncRun } from './types.js';

export const POLL_INTERVAL_MS = 1000;
/** Consecutive failed status polls before the widget stops following a run it cannot see. */
const MAX_POLL_FAILURES = 30;

export interface TrackedRun {
  run?: SyncRun;
  error?: unknown;
  /** The last status poll failed; the run goes on and polling continues. */
  pollError?: unknown;
}

export class RunTracker implements ReactiveController {
  readonly runs = new Map<string, TrackedRun>();
  private readonly aborts = new Map<string, AbortController>();

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly api: ApiClient,
    private readonly onFinished: (key: string, run: SyncRun) => void = () => {},
  ) {
    host.addController(this);
  }

  isActive(key: string): boolean {
    return this.aborts.has(key);
  }

  /** POSTs `path` (which answers 202 with a run) and follows that run to its end. */
  async start(key: string, path: string): Promise<void> {
    if (this.aborts.has(key)) return;
    const abort = new AbortController();
    this.aborts.set(key, abort);
    this.runs.set(key, {});
    this.host.requestUpdate();
    try {
      let run = await this.api.post<SyncRun>(path, undefined, abort.signal);
      this.update(key, { run });
      let failures = 0;
      while (run.status === 'queued' || run.status === 'running') {
        await delay(POLL_INTERVAL_MS, abort.signal);
        try {
          run = await this.api.get<SyncRun>(`/sync/runs/${encodeURIComponent(run.id)}`, undefined, abort.signal);
          failures = 0;
          this.update(key, { run });
        } catch (error) {
          // The job runs on the server whatever happened to this request: keep the button busy.
          if ((error as Error).name === 'AbortError' || ++failures >= MAX_POLL_FAILURES) throw error;
          this.update(key, { run, pollError: error });
        }
      }
      this.aborts.delete(key);
      this.onFinished(key, run);
      if (run.status === 'succeeded') announceReconciliationChanged({ tool: run.tool, runId: run.id });
    } catch (error) {
      if ((error as Error).name !== 'AbortError') this.update(key, { ...this.runs.get(key), pollError: undefined, error });
    } finally {
      if (this.aborts.get(key) === abort) this.aborts.delete(key);
      this.host.requestUpdate();
    }
  }

  hostDisconnected(): void {
    for (const abort of this.aborts.values()) abort.abort();
    this.aborts.clear();
  }

  private update(key: string, state: TrackedRun): void {
    this.runs.set(key, state);
    this.host.requestUpdate();
  }
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new DOMException('Aborted', 'AbortError'));
    });
  });
}
