// Sends one delivery, once: a signed webhook POST through OutboundHttp (the outbound policy, no
// redirects, a bounded answer), or an email through SMTP_URL with nodemailer, to an address the
// same policy allowed (the name is resolved and checked here, and the checked address is what
// nodemailer connects to). Retries are the worker's business; this answers what happened, with
// an error short and free of anything secret-looking.
import { Inject, Injectable } from '@nestjs/common';
import { lookup } from 'node:dns/promises';
import nodemailer from 'nodemailer';
import { scrubSecrets } from '../common/redact.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { SecretBox } from '../integrations/secret-box.js';
import { OutboundHttp, OutboundRefusedError } from '../outbound/outbound-http.js';
import { isAllowlistedHost, normalizeHost, refusalForAddress } from '../outbound/outbound-policy.js';
import { emailMessage, signature, type AlertPayload } from './alert-payload.js';
import type { ChannelRecord } from './alerts.repository.js';

export interface SendOutcome {
  ok: boolean;
  statusCode: number | null;
  /** Short, redacted; null when delivered. */
  error: string | null;
  durationMs: number;
  /** false: retrying cannot help (the policy refused the target, email is not configured). */
  retryable: boolean;
}

const MAX_ERROR = 200;

@Injectable()
export class AlertSender {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outbound: OutboundHttp,
    private readonly secrets: SecretBox,
  ) {}

  get emailAvailable(): boolean {
    return Boolean(this.config.SMTP_URL);
  }

  async send(channel: ChannelRecord, delivery: { id: string; event: string; payload: AlertPayload }): Promise<SendOutcome> {
    const started = performance.now();
    const known: string[] = [];
    try {
      if (channel.kind === 'webhook') {
        const secret = this.secrets.decrypt(channel.secret_enc!);
        known.push(secret);
        const body = JSON.stringify(delivery.payload);
        const response = await this.outbound.send(channel.url!, {
          method: 'POST',
          body,
          signal: AbortSignal.timeout(this.config.ALERT_ATTEMPT_TIMEOUT_MS),
          headers: {
            'content-type': 'application/json',
            'user-agent': 'BillingOne-Reconcile-Alerts/1',
            'x-b1r-event': delivery.event,
            'x-b1r-delivery': delivery.id,
            'x-b1r-signature': signature(secret, Math.floor(Date.now() / 1000), body),
          },
        });
        const ok = response.status >= 200 && response.status < 300;
        return { ok, statusCode: response.status, error: ok ? null : `HTTP ${response.status}`, durationMs: elapsed(started), retryable: true };
      }
      return await this.sendEmail(channel, delivery, started, known);
    } catch (err) {
      const refused = err instanceof OutboundRefusedError;
      const text = err instanceof Error ? (err.name === 'TimeoutError' ? 'no answer in time' : err.message) : String(err);
      return { ok: false, statusCode: null, error: short(scrubSecrets(text, [...known, this.config.SMTP_URL])), durationMs: elapsed(started), retryable: !refused };
    }
  }

  private async sendEmail(channel: ChannelRecord, delivery: { id: string; payload: AlertPayload }, started: number, known: string[]): Promise<SendOutcome> {
    if (!this.config.SMTP_URL) return { ok: false, statusCode: null, error: 'email is not configured (SMTP_URL is unset)', durationMs: 0, retryable: false };
    const smtp = new URL(this.config.SMTP_URL);
    const host = normalizeHost(smtp.hostname);
    const secure = smtp.protocol === 'smtps:';
    const allowlisted = isAllowlistedHost(host, this.config.outboundPolicy);
    const addresses = await lookup(host, { all: true, verbatim: true });
    const address = addresses.find((a) => !refusalForAddress(a.address, this.config.outboundPolicy, allowlisted));
    if (!address) throw new OutboundRefusedError(`the SMTP server ${host} is not allowed: it resolves to ${refusalForAddress(addresses[0]?.address ?? '', this.config.outboundPolicy, allowlisted) ?? 'no address'}`);
    const user = decodeURIComponent(smtp.username);
    const pass = decodeURIComponent(smtp.password);
    known.push(pass);
    const transport = nodemailer.createTransport({
      host: address.address, port: Number(smtp.port) || (secure ? 465 : 587), secure,
      // Off the allowlist, a plain smtp:// server must upgrade with STARTTLS (the policy's https-only, for mail).
      requireTLS: !secure && !allowlisted, ignoreTLS: false,
      tls: { servername: host },
      auth: user ? { user, pass } : undefined,
      connectionTimeout: this.config.ALERT_ATTEMPT_TIMEOUT_MS, greetingTimeout: this.config.ALERT_ATTEMPT_TIMEOUT_MS, socketTimeout: this.config.ALERT_ATTEMPT_TIMEOUT_MS,
    });
    try {
      const { subject, text } = emailMessage(delivery.payload);
      const info = await transport.sendMail({
        from: this.config.SMTP_FROM, to: channel.recipients ?? [], subject, text,
        headers: { 'X-B1R-Delivery': delivery.id },
        messageId: `<${delivery.id}@billingone-reconcile>`,
      });
      const code = Number(/^(\d{3})/.exec(info.response ?? '')?.[1] ?? 250);
      return { ok: true, statusCode: code, error: null, durationMs: elapsed(started), retryable: true };
    } catch (err) {
      const code = (err as { responseCode?: number }).responseCode ?? null;
      const text = err instanceof Error ? err.message : String(err);
      // A 5xx reply is permanent in SMTP (a refused recipient); a 4xx or no answer may pass later.
      return { ok: false, statusCode: code, error: short(scrubSecrets(text, known)), durationMs: elapsed(started), retryable: code === null || code < 500 };
    } finally {
      transport.close();
    }
  }
}

const elapsed = (started: number) => Math.round(performance.now() - started);
const short = (text: string) => (text.length > MAX_ERROR ? `${text.slice(0, MAX_ERROR - 1)}…` : text);
