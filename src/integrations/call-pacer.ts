// Pacing of calls to one upstream credential, so a sync stays under the upstream's rate limit
// instead of bouncing off 429s (Pax8: 1,000 successful calls a minute per partner credential).
// A GCRA token bucket: each call reserves the next slot synchronously, in order, so concurrent
// callers (runs of tenants sharing a credential, on the worker's slots) share one pace. The
// buckets live in this process (one per credential); several worker processes using the same
// credential each pace on their own, so their sum can exceed the limit: docs/scaling.md.

export interface PaceOptions {
  /** Calls allowed per window (0: no pacing). */
  calls: number;
  /** The window in ms (60,000 in production; shorter in tests). */
  windowMs: number;
}

/** Of the calls per window, how many may go at once after a quiet spell (the rest are spread evenly). */
export const BURST_SHARE = 0.05;

export class CallPacer {
  private theoretical = 0;
  private readonly interval: number;
  private readonly tolerance: number;

  constructor(readonly options: PaceOptions) {
    this.interval = options.windowMs / options.calls;
    // Any window then holds at most calls + burst calls.
    this.tolerance = (Math.max(1, Math.floor(options.calls * BURST_SHARE)) - 1) * this.interval;
  }

  /** The longest any window can hold: what must stay under the upstream's limit. */
  get maxPerWindow(): number {
    return this.options.calls + Math.max(1, Math.floor(this.options.calls * BURST_SHARE));
  }

  /** Waits until this call may go (reserving its slot at once, so callers go in the order they asked). */
  async take(signal?: AbortSignal): Promise<void> {
    const now = performance.now();
    const tat = Math.max(this.theoretical, now);
    const wait = tat - this.tolerance - now;
    this.theoretical = tat + this.interval;
    if (wait <= 0) return;
    signal?.throwIfAborted();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { signal?.removeEventListener('abort', abort); resolve(); }, wait);
      const abort = () => { clearTimeout(timer); reject(signal!.reason); };
      signal?.addEventListener('abort', abort, { once: true });
    });
  }
}

const pacers = new Map<string, CallPacer>();

/** The process-wide pacer of one credential (key: the upstream and the credential's id), or none when pacing is off. */
export function pacerFor(key: string, options: PaceOptions): CallPacer | undefined {
  if (!(options.calls > 0)) return undefined;
  const id = `${key}\u0000${options.calls}/${options.windowMs}`;
  let pacer = pacers.get(id);
  if (!pacer) pacers.set(id, (pacer = new CallPacer(options)));
  return pacer;
}
