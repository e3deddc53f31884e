import { CallPacer } from './call-pacer.js';

describe('CallPacer', () => {
  it('lets a window\'s worth of calls go at once, then one as each leaves the window, in order', async () => {
    const pacer = new CallPacer({ calls: 5, windowMs: 300 });
    const t0 = performance.now();
    const went: number[] = [];
    await Promise.all(Array.from({ length: 12 }, (_, i) => pacer.take().then(() => { went[i] = performance.now() - t0; })));
    expect(went.slice(0, 5).every((t) => t < 50)).toBe(true);
    // No window of 300 ms holds more than 5 calls.
    for (let i = 5; i < went.length; i++) expect(went[i] - went[i - 5]).toBeGreaterThanOrEqual(295);
    expect([...went].sort((a, b) => a - b)).toEqual(went);
  });

  it('stops waiting when the run is aborted', async () => {
    const pacer = new CallPacer({ calls: 1, windowMs: 10_000 });
    await pacer.take();
    const controller = new AbortController();
    const waiting = pacer.take(controller.signal);
    controller.abort(new Error('run stopped'));
    await expect(waiting).rejects.toThrow('run stopped');
  });
});
