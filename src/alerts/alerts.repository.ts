// alert_channel, alert_delivery (the outbox) and alert_delivery_attempt (the log): every
// statement on them. Writes take the caller's Queryable, so an outbox row commits or rolls back
// with the reconciliation that caused it, and a channel change with its audit entry.
import { Injectable } from '@nestjs/common';
import { rowsOf, type Queryable } from '../database/queryable.js';
import type { AlertPayload } from './alert-payload.js';
import type { ChannelKind, DeliveryStatus } from './dto/alerts.dto.js';

export interface ChannelRecord {
  id: string;
  kind: ChannelKind;
  name: string;
  enabled: boolean;
  url: string | null;
  secret_enc: string | null;
  recipients: string[] | null;
  created_at: Date;
  updated_at: Date;
}

export interface ChannelWrite {
  kind: ChannelKind;
  name: string;
  enabled: boolean;
  url: string | null;
  secretEnc: string | null;
  recipients: string[] | null;
}

export interface DeliveryRecord {
  tenant_id: string;
  id: string;
  channel_id: string;
  event: string;
  snapshot_id: string | null;
  version: number | null;
  payload: AlertPayload;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date;
  created_at: Date;
  finished_at: Date | null;
}

export interface DeliveryLogRecord extends Omit<DeliveryRecord, 'payload'> {
  channel_name: string;
  kind: ChannelKind;
  counts: { new: number; worsened: number; closed: number } | null;
  log: Array<{ attempt: number; at: string; status_code: number | null; error: string | null; duration_ms: number }> | null;
  total: string;
}

/** A claimed delivery with what sending it needs. */
export interface ClaimedDelivery extends DeliveryRecord {
  channel: ChannelRecord;
}

@Injectable()
export class AlertsRepository {
  async channels(q: Queryable, tenantId: string, lock = false): Promise<ChannelRecord[]> {
    return rowsOf<ChannelRecord>(await q.query(
      `SELECT * FROM alert_channel WHERE tenant_id = $1 ORDER BY created_at, id${lock ? ' FOR UPDATE' : ''}`, [tenantId],
    ));
  }

  async enabledChannels(q: Queryable, tenantId: string): Promise<ChannelRecord[]> {
    return rowsOf<ChannelRecord>(await q.query(`SELECT * FROM alert_channel WHERE tenant_id = $1 AND enabled ORDER BY created_at, id`, [tenantId]));
  }

  async channel(q: Queryable, tenantId: string, id: string): Promise<ChannelRecord | null> {
    const [row] = rowsOf<ChannelRecord>(await q.query(`SELECT * FROM alert_channel WHERE tenant_id = $1 AND id = $2`, [tenantId, id]));
    return row ?? null;
  }

  async insertChannel(q: Queryable, tenantId: string, c: ChannelWrite): Promise<string> {
    const [row] = rowsOf<{ id: string }>(await q.query(
      // clock_timestamp(), not the transaction's now(): channels saved together keep the order they were given in.
      `INSERT INTO alert_channel (tenant_id, kind, name, enabled, url, secret_enc, recipients, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, clock_timestamp(), clock_timestamp()) RETURNING id`,
      [tenantId, c.kind, c.name, c.enabled, c.url, c.secretEnc, c.recipients],
    ));
    return row.id;
  }

  async updateChannel(q: Queryable, tenantId: string, id: string, c: ChannelWrite): Promise<void> {
    await q.query(
      `UPDATE alert_channel SET name = $3, enabled = $4, url = $5, secret_enc = $6, recipients = $7, updated_at = now() WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id, c.name, c.enabled, c.url, c.secretEnc, c.recipients],
    );
  }

  async deleteChannel(q: Queryable, tenantId: string, id: string): Promise<void> {
    await q.query(`DELETE FROM alert_channel WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  }

  /** Into the outbox (pending, due now); the insert trigger wakes the workers at COMMIT. */
  async enqueue(q: Queryable, tenantId: string, d: { channelId: string; event: string; snapshotId: string | null; version: number | null; payload: AlertPayload }): Promise<string> {
    const [row] = rowsOf<{ id: string }>(await q.query(
      `INSERT INTO alert_delivery (tenant_id, channel_id, event, snapshot_id, version, payload) VALUES ($1, $2, $3, $4, $5, $6::jsonb) RETURNING id`,
      [tenantId, d.channelId, d.event, d.snapshotId, d.version, JSON.stringify(d.payload)],
    ));
    return row.id;
  }

  /** A test delivery: sent at once by the API, logged like the others, never retried. */
  async insertFinished(q: Queryable, tenantId: string, d: { id: string; channelId: string; payload: AlertPayload; ok: boolean }): Promise<void> {
    await q.query(
      `INSERT INTO alert_delivery (tenant_id, id, channel_id, event, payload, status, attempts, finished_at) VALUES ($1, $2, $3, 'test', $4::jsonb, $5, 1, now())`,
      [tenantId, d.id, d.channelId, JSON.stringify(d.payload), d.ok ? 'delivered' : 'failed'],
    );
  }

  /**
   * Takes the earliest due delivery of any tenant, counts the attempt and leases it for `leaseMs`
   * (a worker that dies mid-send leaves it due again once the lease ends). SKIP LOCKED: workers
   * never take the same row, nor wait on each other.
   */
  async claim(q: Queryable, leaseMs: number): Promise<ClaimedDelivery | undefined> {
    const [row] = rowsOf<DeliveryRecord & { channel: ChannelRecord }>(await q.query(
      `WITH next AS (
         SELECT tenant_id, id FROM alert_delivery WHERE status = 'pending' AND next_attempt_at <= now()
          ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED),
       claimed AS (
         UPDATE alert_delivery d SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => $1::float8 / 1000)
           FROM next WHERE d.tenant_id = next.tenant_id AND d.id = next.id RETURNING d.*)
       SELECT claimed.*, to_jsonb(c) AS channel FROM claimed JOIN alert_channel c ON c.tenant_id = claimed.tenant_id AND c.id = claimed.channel_id`,
      [leaseMs],
    ));
    return row;
  }

  async recordAttempt(q: Queryable, tenantId: string, deliveryId: string, a: { attempt: number; statusCode: number | null; error: string | null; durationMs: number }): Promise<void> {
    await q.query(
      `INSERT INTO alert_delivery_attempt (tenant_id, delivery_id, attempt, status_code, error, duration_ms) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING`,
      [tenantId, deliveryId, a.attempt, a.statusCode, a.error, a.durationMs],
    );
  }

  async finish(q: Queryable, tenantId: string, deliveryId: string, status: 'delivered' | 'failed'): Promise<void> {
    await q.query(`UPDATE alert_delivery SET status = $3, finished_at = now() WHERE tenant_id = $1 AND id = $2`, [tenantId, deliveryId, status]);
  }

  async retryAt(q: Queryable, tenantId: string, deliveryId: string, delayMs: number): Promise<void> {
    await q.query(
      `UPDATE alert_delivery SET next_attempt_at = now() + make_interval(secs => $3::float8 / 1000) WHERE tenant_id = $1 AND id = $2`,
      [tenantId, deliveryId, delayMs],
    );
  }

  /** Milliseconds until the earliest pending delivery is due (0: now), or null when none waits. */
  async msUntilNextDue(q: Queryable): Promise<number | null> {
    const [row] = rowsOf<{ ms: number | null }>(await q.query(
      `SELECT GREATEST(0, ceil(extract(epoch FROM min(next_attempt_at) - now()) * 1000))::float8 AS ms FROM alert_delivery WHERE status = 'pending'`,
    ));
    return row?.ms ?? null;
  }

  /** The delivery log, newest first, with every attempt. */
  async log(q: Queryable, tenantId: string, filter: { channelId?: string; status?: DeliveryStatus; limit: number; offset: number }): Promise<DeliveryLogRecord[]> {
    const where = ['d.tenant_id = $1'];
    const params: unknown[] = [tenantId];
    if (filter.channelId) where.push(`d.channel_id = $${params.push(filter.channelId)}`);
    if (filter.status) where.push(`d.status = $${params.push(filter.status)}`);
    return rowsOf<DeliveryLogRecord>(await q.query(
      `SELECT d.tenant_id, d.id, d.channel_id, d.event, d.snapshot_id, d.version, d.status, d.attempts, d.next_attempt_at, d.created_at, d.finished_at,
              c.name AS channel_name, c.kind, d.payload->'counts' AS counts, count(*) OVER () AS total,
              (SELECT json_agg(json_build_object('attempt', a.attempt, 'at', a.at, 'status_code', a.status_code, 'error', a.error, 'duration_ms', a.duration_ms) ORDER BY a.attempt)
                 FROM alert_delivery_attempt a WHERE a.tenant_id = d.tenant_id AND a.delivery_id = d.id) AS log
         FROM alert_delivery d JOIN alert_channel c ON c.tenant_id = d.tenant_id AND c.id = d.channel_id
        WHERE ${where.join(' AND ')}
        ORDER BY d.created_at DESC, d.id DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, filter.limit, filter.offset],
    ));
  }

  async countLog(q: Queryable, tenantId: string, filter: { channelId?: string; status?: DeliveryStatus }): Promise<number> {
    const where = ['tenant_id = $1'];
    const params: unknown[] = [tenantId];
    if (filter.channelId) where.push(`channel_id = $${params.push(filter.channelId)}`);
    if (filter.status) where.push(`status = $${params.push(filter.status)}`);
    const [row] = rowsOf<{ n: number }>(await q.query(`SELECT count(*)::int AS n FROM alert_delivery WHERE ${where.join(' AND ')}`, params));
    return row.n;
  }
}
