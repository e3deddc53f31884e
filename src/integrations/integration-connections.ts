// Reads a tenant's stored integration settings and builds ready clients from them (secrets
// decrypted only here, only in memory). Retry timings are a property so tests can shorten them.
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { pacerFor, type PaceOptions } from './call-pacer.js';
import { OutboundHttp } from '../outbound/outbound-http.js';
import { IntegrationError, type IntegrationKind } from './integration-error.js';
import { PanelOneClient } from './panelone.client.js';
import { Pax8Client } from './pax8.client.js';
import { IntegrationRepository } from './integration.repository.js';
import type { RetryOptions } from './resilient-http.js';
import { SecretBox, SecretDecryptionError } from './secret-box.js';

export interface StoredIntegration {
  kind: IntegrationKind;
  enabled: boolean;
  config: Record<string, unknown>;
  secretEnc: string | null;
  status: 'never' | 'ok' | 'error';
  lastSyncAt: Date | null;
  lastError: string | null;
}

export interface Pax8StoredConfig { baseUrl: string; tokenUrl: string; audience: string; clientId: string }
export interface PanelOneStoredConfig { baseUrl: string }

@Injectable()
export class IntegrationConnections {
  /** Retry and timeout settings for sync calls; production defaults unless overridden. */
  retryOptions: Partial<RetryOptions> = {};

  /** Pax8 calls per credential and window, paced by one bucket per credential in this process. */
  readonly pax8Pace: PaceOptions;

  constructor(
    private readonly integrations: IntegrationRepository, private readonly secrets: SecretBox, private readonly outbound: OutboundHttp,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.pax8Pace = { calls: config.PAX8_CALLS_PER_MINUTE, windowMs: config.PAX8_RATE_WINDOW_SECONDS * 1000 };
  }

  async load(tenantId: string, kind: IntegrationKind): Promise<StoredIntegration | null> {
    const row = await this.integrations.find(tenantId, kind);
    if (!row) return null;
    return {
      kind: row.kind, enabled: row.enabled, config: row.config, secretEnc: row.secret_enc,
      status: row.status, lastSyncAt: row.last_sync_at, lastError: row.last_error,
    };
  }

  /** A client for the tenant's Pax8; `requireEnabled` is false for a connection test. */
  async pax8(tenantId: string, options: { requireEnabled?: boolean; retry?: Partial<RetryOptions> } = {}): Promise<Pax8Client> {
    const { config, secret } = await this.ready(tenantId, 'pax8', options.requireEnabled ?? true);
    const c = config as unknown as Pax8StoredConfig;
    return new Pax8Client(
      { baseUrl: c.baseUrl, tokenUrl: c.tokenUrl, audience: c.audience, clientId: c.clientId, clientSecret: secret },
      { ...this.retryOptions, ...options.retry },
      this.outbound,
      pacerFor(`pax8 ${c.tokenUrl} ${c.clientId}`, this.pax8Pace),
    );
  }

  async panelOne(tenantId: string, options: { requireEnabled?: boolean; retry?: Partial<RetryOptions> } = {}): Promise<PanelOneClient> {
    const { config, secret } = await this.ready(tenantId, 'panelone', options.requireEnabled ?? true);
    const c = config as unknown as PanelOneStoredConfig;
    return new PanelOneClient({ baseUrl: c.baseUrl, apiToken: secret }, { ...this.retryOptions, ...options.retry }, this.outbound);
  }

  private async ready(tenantId: string, kind: IntegrationKind, requireEnabled: boolean): Promise<{ config: Record<string, unknown>; secret: string }> {
    const stored = await this.load(tenantId, kind);
    const notReady = (why: string) => new IntegrationError({ kind: 'not-configured', integration: kind, call: 'settings', upstreamMessage: why });
    if (!stored || !stored.secretEnc) throw notReady('it has not been configured yet');
    if (requireEnabled && !stored.enabled) throw notReady('it is switched off');
    try {
      return { config: stored.config, secret: this.secrets.decrypt(stored.secretEnc) };
    } catch (err) {
      if (err instanceof SecretDecryptionError) throw notReady('its stored secret could not be decrypted (was ENCRYPTION_KEY changed?); enter the secret again');
      throw err;
    }
  }
}
