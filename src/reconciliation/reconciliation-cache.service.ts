// In-memory answers for GET /reconciliation/summary and GET /reconciliation/clients, so the
// dashboard's hot reads skip PostgreSQL while nothing changed, and never outlive a change.
//
// Invalidation comes from the database: triggers on snapshot, reconciliation_client and
// reconciliation_line (migrations ReconciliationNotify1764000000003, ReconciliationNotifyJson1764000000004)
// send NOTIFY b1r_reconciliation with a JSON payload per tenant a committed transaction touched,
// {"tenant":"<id>"}, or {"all":true} after a TRUNCATE (parseNotification). One dedicated
// connection (not from the pool, src/database/listen-connection.ts) LISTENs; a notification drops
// that tenant's entries, and one it cannot read drops everything.
//
// The rules that keep it correct:
//  - No listener, no cache: until LISTEN is established, and from the moment the connection is
//    lost until it is re-established, every read goes to PostgreSQL and nothing is stored.
//  - Established (first time or again): everything is dropped, since notifications sent while
//    nobody listened are lost.
//  - No stale fill: a read notes its tenant's generation (and the listener's epoch) before it
//    queries and stores its answer only if neither moved meanwhile. A notification, a local
//    invalidation, a reconnect or a lost connection moves them.
//  - Read-your-writes in this process: NOTIFY reaches the listener asynchronously, possibly after
//    the write's HTTP response. So writers in this process (reconcile, snapshot ingest) also call
//    invalidate() right after their COMMIT, before they return. Other processes (replicas, the
//    worker) are covered by the NOTIFY, i.e. within its delivery time (typically well under 1 ms
//    on a local server; the listener reads it as soon as it arrives).
//  - Concurrent misses for the same key share one query, only while the tenant's generation
//    has not moved since that query started.
//
// Cached values are deep-frozen and shared between requests: callers must not mutate them.
import {
  Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { LRUCache } from 'lru-cache';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { DATABASE_URL } from '../database/database.module.js';
import { ListenConnection } from '../database/listen-connection.js';

/** The channel the triggers notify (see the migration; keep the two in step). */
export const RECONCILIATION_CHANNEL = 'b1r_reconciliation';
/** application_name of the LISTEN connection, to find it in pg_stat_activity. */
export const LISTENER_APPLICATION_NAME = 'b1r-reconciliation-listener';

const MAX_ENTRIES = 10_000;
/** Bound on memory, counted in rows: a summary is 1, a list page 1 + its items (at most 500). */
const MAX_ROWS = 100_000;

interface Entry {
  tenantId: string;
  value: unknown;
  rows: number;
}

interface Flight {
  promise: Promise<unknown>;
  epoch: number;
  generation: number;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

const ALL = Symbol('every tenant');

/** The tenant a NOTIFY payload names, or ALL (a TRUNCATE, or anything unreadable: safe to drop everything). */
export function parseNotification(payload: string | undefined): string | typeof ALL {
  if (!payload) return ALL;
  try {
    const body = JSON.parse(payload) as { tenant?: unknown; all?: unknown } | null;
    if (body && typeof body === 'object' && typeof body.tenant === 'string' && body.all === undefined) return body.tenant;
  } catch {
    // not ours: fall through
  }
  return ALL;
}

export const EVERY_TENANT = ALL;

function rowsOf(value: unknown): number {
  const items = (value as { items?: unknown })?.items;
  return 1 + (Array.isArray(items) ? items.length : 0);
}

@Injectable()
export class ReconciliationCacheService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ReconciliationCacheService.name);
  private readonly enabled: boolean;
  private readonly entries: LRUCache<string, Entry>;
  private readonly keysByTenant = new Map<string, Set<string>>();
  private readonly generations = new Map<string, number>();
  private readonly flights = new Map<string, Flight>();
  /** Moves whenever everything is dropped (listener established or lost, TRUNCATE). */
  private epoch = 0;
  private listening = false;
  private readonly listener: ListenConnection;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(DATABASE_URL) databaseUrl: string,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    this.listener = new ListenConnection(
      { connectionString: databaseUrl, channel: RECONCILIATION_CHANNEL, applicationName: LISTENER_APPLICATION_NAME },
      {
        // From here on every commit notifies us; what committed before may have been missed.
        established: () => {
          this.invalidateAll();
          this.listening = true;
          this.logger.log('reconciliation cache on (listening for changes)');
        },
        lost: (reason) => {
          this.listening = false;
          this.invalidateAll();
          this.logger.warn(`reconciliation cache off until the LISTEN connection is back: ${reason}`);
        },
        notification: (payload) => this.onNotification(payload),
      },
    );
    this.enabled = config.RECONCILIATION_CACHE !== 'off';
    this.entries = new LRUCache<string, Entry>({
      max: MAX_ENTRIES,
      maxSize: MAX_ROWS,
      sizeCalculation: (entry) => entry.rows,
      dispose: (entry, key) => {
        const keys = this.keysByTenant.get(entry.tenantId);
        keys?.delete(key);
        if (keys && !keys.size) this.keysByTenant.delete(entry.tenantId);
      },
    });
  }

  /** Listens only where the reads are served (an HTTP app: the API, the demo), not in the worker. */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled || !this.adapterHost.httpAdapter) return;
    await this.listener.start(); // the first attempt, so a started app usually caches at once; failures retry
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.listening = false;
    this.invalidateAll();
    await this.listener.stop();
  }

  /** The LISTEN connection while there is one (the cache specs hold its notifications back). */
  private get client() {
    return this.listener.connection;
  }

  /** True while the LISTEN connection is established, i.e. while answers may be cached. */
  isListening(): boolean {
    return this.listening;
  }

  /**
   * The answer for `key` (which must identify the call completely: method, tenant, every
   * parameter) from memory, else from `load`, stored if nothing about the tenant changed meanwhile.
   */
  async read<T>(tenantId: string, key: readonly unknown[], load: () => Promise<T>): Promise<T> {
    if (!this.listening) return load();
    const id = JSON.stringify([tenantId, ...key]);
    const hit = this.entries.get(id);
    if (hit) return hit.value as T;
    const epoch = this.epoch;
    const generation = this.generation(tenantId);
    const flight = this.flights.get(id);
    if (flight && flight.epoch === epoch && flight.generation === generation) return flight.promise as Promise<T>;
    const mine: Flight = { epoch, generation, promise: Promise.resolve() };
    mine.promise = load().then(
      (value) => {
        if (this.flights.get(id) === mine) this.flights.delete(id);
        deepFreeze(value);
        if (this.listening && this.epoch === epoch && this.generation(tenantId) === generation) this.store(id, tenantId, value);
        return value;
      },
      (err: unknown) => {
        if (this.flights.get(id) === mine) this.flights.delete(id);
        throw err;
      },
    );
    this.flights.set(id, mine);
    return mine.promise as Promise<T>;
  }

  /** Drops a tenant's answers; reads already under way for it will not store theirs. Call after COMMIT. */
  invalidate(tenantId: string): void {
    this.generations.set(tenantId, this.generation(tenantId) + 1);
    const keys = this.keysByTenant.get(tenantId);
    if (keys) for (const key of [...keys]) this.entries.delete(key);
  }

  /** Drops everything; reads under way will not store. */
  invalidateAll(): void {
    this.epoch++;
    this.entries.clear();
    this.keysByTenant.clear();
    this.generations.clear();
    this.flights.clear();
  }

  private generation(tenantId: string): number {
    return this.generations.get(tenantId) ?? 0;
  }

  private store(id: string, tenantId: string, value: unknown): void {
    this.entries.set(id, { tenantId, value, rows: rowsOf(value) });
    if (!this.entries.has(id)) return; // larger than the whole cache: not kept
    let keys = this.keysByTenant.get(tenantId);
    if (!keys) this.keysByTenant.set(tenantId, (keys = new Set()));
    keys.add(id); // after set(): replacing an entry disposes (unindexes) the old one
  }

  private onNotification(payload: string | undefined): void {
    const target = parseNotification(payload);
    if (target === ALL) this.invalidateAll();
    else this.invalidate(target);
  }
}
