// The tenant's alert channels (the whole set is PUT at once, as the settings screen edits it),
// the "send a test" call and the delivery log. A webhook URL is checked against the outbound
// policy when it is saved (and again by OutboundHttp on every send); its secret is stored
// encrypted (SecretBox, like the integration secrets) and never answered, only whether it is set.
// Every channel change is audited in its own transaction, without the secret.
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { DataSource } from 'typeorm';
import type { Actor } from '../audit/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { invalid, notFound } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { isoTimestamp } from '../database/queryable.js';
import { inTransaction } from '../database/transaction.js';
import { SecretBox } from '../integrations/secret-box.js';
import { refusalForUrl } from '../outbound/outbound-policy.js';
import type { TestPayload } from './alert-payload.js';
import { AlertSender } from './alert-sender.service.js';
import { AlertsRepository, type ChannelRecord, type ChannelWrite } from './alerts.repository.js';
import type {
  AlertChannelDto, AlertChannelInputDto, AlertChannelsResponseDto, ChannelTestResultDto, DeliveriesQuery, DeliveryListDto,
} from './dto/alerts.dto.js';

/** What the audit log keeps of a channel: everything but the secret (only whether there is one). */
const audited = (c: ChannelWrite | ChannelRecord) => ({
  kind: c.kind, name: c.name, enabled: c.enabled, url: c.url, recipients: c.recipients ?? null,
  secretSet: 'secretEnc' in c ? c.secretEnc !== null : c.secret_enc !== null,
});

const origin = (url: string | null) => (url ? new URL(url).origin : null);

@Injectable()
export class AlertsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly alerts: AlertsRepository,
    private readonly secrets: SecretBox,
    private readonly sender: AlertSender,
    private readonly audit: AuditService,
  ) {}

  async list(tenantId: string): Promise<AlertChannelsResponseDto> {
    return { items: (await this.alerts.channels(this.db, tenantId)).map(toChannelDto), emailAvailable: this.sender.emailAvailable };
  }

  /** Stores the set: listed channels with an id are changed, without one created; stored ones left out are deleted. */
  async replace(tenantId: string, inputs: AlertChannelInputDto[], by: Actor): Promise<AlertChannelsResponseDto> {
    await inTransaction(this.db, async (q) => {
      // One change of a tenant's set at a time (FOR UPDATE alone would not cover an empty set).
      await q.query(`SELECT pg_advisory_xact_lock(hashtext('b1r:alert-channels:' || $1))`, [tenantId]);
      const stored = new Map((await this.alerts.channels(q, tenantId, true)).map((c) => [c.id, c]));
      const seen = new Set<string>();
      const writes = inputs.map((input, index) => {
        const at = `channels[${index}]`;
        const before = input.id ? stored.get(input.id) : undefined;
        if (input.id && !before) throw invalid(`${at}.id is not a channel of this tenant`);
        if (input.id && seen.has(input.id)) throw invalid(`${at}.id appears twice`);
        if (input.id) seen.add(input.id);
        if (before && before.kind !== input.kind) throw invalid(`${at}.kind cannot change (delete the channel and add another)`);
        return { id: input.id, before, write: this.validated(input, before, at) };
      });
      for (const { id, before, write } of writes) {
        if (before && id) {
          const secretChanged = write.secretEnc !== before.secret_enc;
          if (isDeepStrictEqual(audited(before), audited(write)) && !secretChanged) continue;
          await this.alerts.updateChannel(q, tenantId, id, write);
          await this.audit.record(q, { tenantId, type: 'alert-channel.changed', by, subject: id, before: audited(before), after: { ...audited(write), secretChanged } });
        } else {
          const newId = await this.alerts.insertChannel(q, tenantId, write);
          await this.audit.record(q, { tenantId, type: 'alert-channel.created', by, subject: newId, before: null, after: audited(write) });
        }
      }
      for (const [id, before] of stored) {
        if (seen.has(id)) continue;
        await this.alerts.deleteChannel(q, tenantId, id);
        await this.audit.record(q, { tenantId, type: 'alert-channel.deleted', by, subject: id, before: audited(before), after: null });
      }
    });
    return this.list(tenantId);
  }

  private validated(input: AlertChannelInputDto, before: ChannelRecord | undefined, at: string): ChannelWrite {
    const name = input.name.trim();
    if (!name) throw invalid(`${at}.name must not be blank`);
    if (input.kind === 'email') {
      if (input.url !== undefined || input.secret !== undefined) throw invalid(`${at}: an email channel takes recipients, not url or secret`);
      if (!input.recipients?.length) throw invalid(`${at}.recipients must list at least one email address`);
      const recipients = [...new Set(input.recipients.map((r) => r.trim().toLowerCase()))];
      return { kind: 'email', name, enabled: input.enabled, url: null, secretEnc: null, recipients };
    }
    if (input.recipients !== undefined) throw invalid(`${at}: a webhook channel takes url and secret, not recipients`);
    if (!input.url) throw invalid(`${at}.url is required for a webhook`);
    const refusal = refusalForUrl(input.url, this.config.outboundPolicy);
    if (refusal) throw invalid(`${at}.url is not allowed: ${refusal}`);
    const url = new URL(input.url).toString();
    // As for the integrations: pointing a stored secret at another host needs the secret again.
    if (input.secret === undefined && (!before || origin(before.url) !== origin(url))) {
      throw invalid(before ? `${at}.secret must be entered again when the URL's host changes` : `${at}.secret is required for a new webhook`);
    }
    const secretEnc = input.secret === undefined ? before!.secret_enc
      : before?.secret_enc && this.sameSecret(before.secret_enc, input.secret) ? before.secret_enc : this.secrets.encrypt(input.secret);
    return { kind: 'webhook', name, enabled: input.enabled, url, secretEnc, recipients: null };
  }

  private sameSecret(stored: string, secret: string): boolean {
    try {
      return this.secrets.decrypt(stored) === secret;
    } catch {
      return false;
    }
  }

  /** Sends a test message to the channel now (enabled or not), logs it as a delivery, and says what happened. */
  async test(tenantId: string, channelId: string): Promise<ChannelTestResultDto> {
    const channel = await this.alerts.channel(this.db, tenantId, channelId);
    if (!channel) throw notFound('Alert channel');
    const id = randomUUID();
    const payload: TestPayload = { event: 'test', tenantId, message: `A test of the alert channel "${channel.name}".`, sentAt: new Date().toISOString() };
    const outcome = await this.sender.send(channel, { id, event: 'test', payload });
    await inTransaction(this.db, async (q) => {
      await this.alerts.insertFinished(q, tenantId, { id, channelId, payload, ok: outcome.ok });
      await this.alerts.recordAttempt(q, tenantId, id, { attempt: 1, statusCode: outcome.statusCode, error: outcome.error, durationMs: outcome.durationMs });
    });
    const message = outcome.ok ? (channel.kind === 'webhook' ? `Delivered (HTTP ${outcome.statusCode})` : `Sent to ${channel.recipients?.length ?? 0} recipient(s)`) : outcome.error ?? 'failed';
    return { ok: outcome.ok, message, statusCode: outcome.statusCode, latencyMs: outcome.durationMs, deliveryId: id };
  }

  async deliveries(tenantId: string, query: DeliveriesQuery): Promise<DeliveryListDto> {
    const rows = await this.alerts.log(this.db, tenantId, query);
    const total = rows.length ? Number(rows[0].total) : await this.alerts.countLog(this.db, tenantId, query);
    return {
      total,
      items: rows.map((r) => ({
        id: r.id, channelId: r.channel_id, channelName: r.channel_name, kind: r.kind, event: r.event, status: r.status, attempts: r.attempts,
        createdAt: isoTimestamp(r.created_at), nextAttemptAt: r.status === 'pending' ? isoTimestamp(r.next_attempt_at) : null,
        finishedAt: r.finished_at ? isoTimestamp(r.finished_at) : null, snapshotId: r.snapshot_id, version: r.version,
        summary: r.counts ? { new: r.counts.new, worsened: r.counts.worsened, closed: r.counts.closed } : null,
        log: (r.log ?? []).map((a) => ({ attempt: a.attempt, at: isoTimestamp(a.at), statusCode: a.status_code, error: a.error, durationMs: a.duration_ms })),
      })),
    };
  }
}

function toChannelDto(c: ChannelRecord): AlertChannelDto {
  return {
    id: c.id, kind: c.kind, name: c.name, enabled: c.enabled, url: c.url, secretSet: c.secret_enc !== null, recipients: c.recipients ?? [],
    createdAt: isoTimestamp(c.created_at), updatedAt: isoTimestamp(c.updated_at),
  };
}
