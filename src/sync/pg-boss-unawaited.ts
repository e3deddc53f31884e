// pg-boss 10 settles a worked job with `this.complete(...)` / `this.fail(...)` WITHOUT awaiting
// them (node_modules/pg-boss/src/manager.js, work() → onFetch). When PostgreSQL goes away
// mid-job, that promise rejects unhandled, and Node ends the worker process. Mark those promises
// handled and report the failure on pg-boss's 'error' event (our logger) instead; awaited callers
// still see the rejection. The job itself is recovered by the sync_run lease once the database is back.
// @ts-expect-error pg-boss ships no types for its internal manager module
import Manager from 'pg-boss/src/manager.js';

interface ManagerLike { emit(event: string, payload: unknown): boolean }
const proto = (Manager as { prototype: Record<string, unknown> }).prototype;
const PATCHED = Symbol.for('b1r.pgBossUnawaitedPatched');

if (!proto[PATCHED as unknown as string]) {
  proto[PATCHED as unknown as string] = true;
  for (const name of ['complete', 'fail'] as const) {
    const original = proto[name] as (...args: unknown[]) => Promise<unknown>;
    proto[name] = function (this: ManagerLike, ...args: unknown[]): Promise<unknown> {
      const settled = original.apply(this, args);
      settled.catch((err: Error) => this.emit('error', { message: `pg-boss could not ${name} a job: ${err?.message}`, stack: err?.stack }));
      return settled;
    };
  }
}
