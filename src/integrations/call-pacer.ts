// Pacing of calls to one upstream credential, so a sync stays under the upstream's rate limit
// instead of bouncing off 429s (Pax8: 1,000 successful calls a minute per partner credential).
// A sliding window, as the limit is counted: a call goes at once while fewer than `calls` went in
// the last window, else when the call `calls` back leaves it. Each call reserves its slot
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
  /** When each of the last calls went (or will go), ascending; at most `calls` are kept. */
  private readonly slots: number[] = [];

  constructor(readonly options: PaceOptions) {}

  /** Waits until this call may go (reserving its slot at once, so callers go in the order they asked). */
  async take(signal?: AbortSignal): Promise<void> {
    const { calls, windowMs } = this.options;
    const now = performance.now();
    const slot = this.slots.length < calls ? now : Math.max(now, this.slots[this.slots.length - calls] + windowMs);
    this.slots.push(slot);
    if (this.slots.length > calls) this.slots.splice(0, this.slots.length - calls);
    const wait = slot - now;
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
