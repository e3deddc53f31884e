// Starts sync runs and polls them about once a second until they finish, keeping the
// latest state per key so the host element can render a live progress bar.
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ApiClient } from '../api-client.js';
import type { SyncRun } from './types.js';

export const POLL_INTERVAL_MS = 1000;

export interface TrackedRun {
  run?: SyncRun;
  error?: unknown;
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
      while (run.status === 'queued' || run.status === 'running') {
        await delay(POLL_INTERVAL_MS, abort.signal);
        run = await this.api.get<SyncRun>(`/sync/runs/${encodeURIComponent(run.id)}`, undefined, abort.signal);
        this.update(key, { run });
      }
      this.aborts.delete(key);
      this.onFinished(key, run);
    } catch (error) {
      if ((error as Error).name !== 'AbortError') this.update(key, { ...this.runs.get(key), error });
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
