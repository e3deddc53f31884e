// One dedicated connection (not from the pool) that LISTENs on a channel, through pg's public
// API. A lost connection is reopened with a growing pause; every (re)connect calls onReady,
// because whatever was notified while nobody listened is gone and the caller must catch up.
import { Logger } from '@nestjs/common';
import pg from 'pg';

export interface PgListenerOptions {
  connectionString: string;
  channel: string;
  applicationName: string;
  onNotify: (payload: string | undefined) => void;
  onReady?: () => void;
}

const MAX_PAUSE_MS = 10_000;

export class PgListener {
  private readonly logger = new Logger(PgListener.name);
  private client?: pg.Client;
  private stopped = false;
  private failures = 0;
  private retry?: NodeJS.Timeout;
  private ready = false;

  constructor(private readonly options: PgListenerOptions) {
    if (!/^[a-z_][a-z0-9_]*$/.test(options.channel)) throw new Error(`not a plain channel name: ${options.channel}`);
  }

  get listening(): boolean {
    return this.ready;
  }

  start(): Promise<void> {
    this.stopped = false;
    return this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    this.ready = false;
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
    let lost = false;
    const onLost = (err?: unknown) => {
      if (lost) return;
      lost = true;
      this.ready = false;
      client.end().catch(() => undefined);
      if (this.client === client) this.client = undefined;
      if (this.stopped) return;
      // The message only: the connection string (and any password in it) is never logged.
      if (this.failures === 0) this.logger.warn(`LISTEN ${this.options.channel} lost, reconnecting: ${err instanceof Error ? err.message : 'connection ended'}`);
      this.failures++;
      const pause = Math.min(MAX_PAUSE_MS, 250 * 2 ** Math.min(this.failures, 6));
      this.retry = setTimeout(() => void this.connect(), pause);
      this.retry.unref();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (message) => {
      if (message.channel === this.options.channel) this.options.onNotify(message.payload);
    });
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${this.options.channel}`);
    } catch (err) {
      onLost(err);
      return;
    }
    if (lost || this.stopped) return;
    if (this.failures > 0) this.logger.log(`LISTEN ${this.options.channel} back`);
    this.failures = 0;
    this.ready = true;
    this.options.onReady?.();
  }
}
