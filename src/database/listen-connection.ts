// One dedicated PostgreSQL connection (not from the pool) that LISTENs on a channel and keeps
// itself up: it pings, and when the connection is lost it reconnects with backoff. The owner
// learns three things: established (first time or again), lost, and each notification.
// Notifications sent while nobody listened are gone, so an owner treats "established" as
// "anything may have changed".
import { Logger } from '@nestjs/common';
import pg from 'pg';

const PING_INTERVAL_MS = 15_000;
const PING_TIMEOUT_MS = 5_000;
const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 10_000;

export interface ListenHandlers {
  established(): void;
  lost(reason: string): void;
  notification(payload: string | undefined): void;
}

export interface ListenOptions {
  connectionString: string;
  channel: string;
  /** application_name of the connection, to find it in pg_stat_activity. */
  applicationName: string;
}

export class ListenConnection {
  private readonly logger = new Logger(ListenConnection.name);
  private client: pg.Client | undefined;
  private stopped = false;
  private attempts = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ListenOptions, private readonly handlers: ListenHandlers) {
    if (!/^[a-z_][a-z0-9_]*$/.test(options.channel)) throw new Error(`not a plain channel name: ${options.channel}`);
  }

  /** The established connection, if any (tests pause its stream to hold notifications back). */
  get connection(): pg.Client | undefined {
    return this.client;
  }

  /** The first attempt; failures are retried in the background until stop(). */
  async start(): Promise<void> {
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.pingTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      application_name: this.options.applicationName,
      keepAlive: true,
      connectionTimeoutMillis: 5000,
    });
    this.client = client;
    let lost = false;
    const onLost = (err?: unknown) => {
      if (lost) return;
      lost = true;
      client.end().catch(() => undefined);
      if (this.client !== client) return;
      this.client = undefined;
      clearInterval(this.pingTimer);
      // The message only: the connection string (and any password in it) is never logged.
      this.handlers.lost(err instanceof Error ? err.message : 'connection ended');
      if (!this.stopped) this.scheduleReconnect();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (message) => {
      if (this.client === client && message.channel === this.options.channel) this.handlers.notification(message.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.options.channel}`);
    } catch (err) {
      onLost(err);
      return;
    }
    if (lost || this.stopped || this.client !== client) {
      await client.end().catch(() => undefined);
      return;
    }
    this.attempts = 0;
    this.handlers.established();
    this.pingTimer = setInterval(() => this.ping(client, onLost), PING_INTERVAL_MS);
    this.pingTimer.unref();
  }

  /** A connection that died without a word (network cut) would never notify again: check it. */
  private ping(client: pg.Client, onLost: (err?: unknown) => void): void {
    const timeout = setTimeout(() => onLost(new Error('listener ping timed out')), PING_TIMEOUT_MS);
    timeout.unref();
    client.query('SELECT 1').then(() => clearTimeout(timeout), (err: unknown) => {
      clearTimeout(timeout);
      onLost(err);
    });
  }

  private scheduleReconnect(): void {
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** this.attempts++) * (0.75 + Math.random() / 2);
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      this.connect().catch((err: unknown) => this.logger.warn(`LISTEN ${this.options.channel}: ${err instanceof Error ? err.message : String(err)}`));
    }, delay);
    this.reconnectTimer.unref();
  }
}
