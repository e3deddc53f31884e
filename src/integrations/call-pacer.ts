// Pacing of calls to one upstream credential, so a sync stays under the upstream's rate limit
// instead of bouncing off 429s (Pax8: 1,000 successful calls a minute per partner credential).
// A sliding window, as the limit is counted: a call goes at once while fewer than `calls` were
// answered in the last window, else when the call `calls` back leaves it. Each call reserves its slot
// synchronously, in order, so concurrent callers (runs of tenants sharing a credential, on the
// worker's slots) share one pace, and a typical sync (a few hundred calls) is not slowed at all.
// The windows live in this process (one per credential); several worker processes using the same
// credential each pace on their own, so their sum can exceed the limit: docs/scaling.md.

export interface PaceOptions {
  /** Calls allowed per window (0: no pacing). */
  calls: number;
  /** The window in ms (60,000 in production; shorter in tests). */
  windowMs: number;
}

export class CallPacer {
  /** The last `calls` calls: when each went, moved to when its answer came once it came. */
  private readonly calls: Array<{ at: number }> = [];

  constructor(readonly options: PaceOptions) {}

  /**
   * Waits until this call may go (reserving its slot at once, so callers go in the order they
   * asked); call the returned function when the answer arrives. A call counts from its answer,
   * not its departure: the upstream counted it on arrival, which a busy event loop (ours or
   * theirs) can delay, and a window measured from departures would then let a call in early.
   */
  async take(signal?: AbortSignal): Promise<() => void> {
    const { calls, windowMs } = this.options;
    const now = performance.now();
    let slot = now;
    if (this.calls.length >= calls) {
      this.calls.sort((a, b) => a.at - b.at);
      slot = Math.max(now, this.calls[this.calls.length - calls].at + windowMs);
      this.calls.splice(0, this.calls.length - calls + 1);
    }
    const entry = { at: slot };
    this.calls.push(entry);
    const answered = () => { entry.at = Math.max(entry.at, performance.now()); };
    const wait = slot - now;
    if (wait <= 0) return answered;
    signal?.throwIfAborted();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { signal?.removeEventListener('abort', abort); resolve(); }, wait);
      const abort = () => { clearTimeout(timer); reject(signal!.reason); };
      signal?.addEventListener('abort', abort, { once: true });
    });
    return answered;
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
