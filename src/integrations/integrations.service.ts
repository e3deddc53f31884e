// Integration settings: list (secrets only as "set or not"), configure (secrets encrypted,
// required the first time, kept when left out while the hosts stay the same), and test a
// connection with the stored settings.
import { Injectable, Logger } from '@nestjs/common';
import { isDeepStrictEqual } from 'node:util';
import type { Actor } from '../audit/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { invalid } from '../common/errors.js';
import type {
  ConnectionTestDto, IntegrationDto, PanelOneConfigDto, PanelOneSettingsDto, Pax8ConfigDto, Pax8SettingsDto,
} from './dto/integration.dto.js';
import { IntegrationConnections, type StoredIntegration } from './integration-connections.js';
import { IntegrationRepository } from './integration.repository.js';
import { INTEGRATION_NAMES, IntegrationError, type IntegrationKind } from './integration-error.js';
import { CONNECTION_TEST_RETRY } from './resilient-http.js';
import { SecretBox } from './secret-box.js';

/** Shown for a Pax8 integration that was never configured: Pax8's published endpoints. */
export const PAX8_DEFAULTS = {
  baseUrl: 'https://api.pax8.com/v1',
  tokenUrl: 'https://token-manager.pax8.com/oauth/token',
  audience: 'https://api.pax8.com',
};

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The settings that say where the secret is sent. */
const HOST_FIELDS: Record<IntegrationKind, string[]> = { pax8: ['baseUrl', 'tokenUrl'], panelone: ['baseUrl'] };

function origin(url: unknown): string | null {
  try {
    return typeof url === 'string' ? new URL(url).origin : null;
  } catch {
    return null;
  }
}

/** The fields whose scheme, host or port differ: a stored secret must not follow them there. */
export function changedHosts(kind: IntegrationKind, before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  return HOST_FIELDS[kind].filter((field) => origin(before[field]) !== origin(after[field]));
}

export function toIntegrationDto(kind: IntegrationKind, stored: StoredIntegration | null): IntegrationDto {
  const c = stored?.config ?? {};
  const secretSet = Boolean(stored?.secretEnc);
  const config: Pax8ConfigDto | PanelOneConfigDto = kind === 'pax8'
    ? {
      baseUrl: str(c.baseUrl) ?? (stored ? null : PAX8_DEFAULTS.baseUrl),
      tokenUrl: str(c.tokenUrl) ?? (stored ? null : PAX8_DEFAULTS.tokenUrl),
      audience: str(c.audience) ?? (stored ? null : PAX8_DEFAULTS.audience),
      clientId: str(c.clientId),
      clientSecretSet: secretSet,
    }
    : { baseUrl: str(c.baseUrl), apiTokenSet: secretSet };
  return {
    kind,
    enabled: stored?.enabled ?? false,
    configured: secretSet,
    status: stored?.status ?? 'never',
    lastSyncAt: stored?.lastSyncAt?.toISOString() ?? null,
    lastError: stored?.lastError ?? null,
    config,
  };
}

@Injectable()
export class IntegrationsService {
  private readonly logger = new Logger(IntegrationsService.name);

  constructor(
    private readonly integrations: IntegrationRepository,
    private readonly secrets: SecretBox,
    private readonly connections: IntegrationConnections,
    private readonly audit: AuditService,
  ) {}

  async list(tenantId: string): Promise<IntegrationDto[]> {
    return Promise.all((['pax8', 'panelone'] as const).map(async (kind) => toIntegrationDto(kind, await this.connections.load(tenantId, kind))));
  }

  configurePax8(tenantId: string, input: Pax8SettingsDto, by: Actor): Promise<IntegrationDto> {
    const { clientSecret, enabled, baseUrl, tokenUrl, audience, clientId } = input;
    return this.save(tenantId, 'pax8', { baseUrl, tokenUrl, audience: audience.trim(), clientId: clientId.trim() }, clientSecret, enabled, 'clientSecret', by);
  }

  configurePanelOne(tenantId: string, input: PanelOneSettingsDto, by: Actor): Promise<IntegrationDto> {
    return this.save(tenantId, 'panelone', { baseUrl: input.baseUrl }, input.apiToken, input.enabled, 'apiToken', by);
  }

  /** Tries the stored settings with one small read; a failure is an answer, not an error. */
  async test(tenantId: string, kind: IntegrationKind): Promise<ConnectionTestDto> {
    const started = performance.now();
    const name = INTEGRATION_NAMES[kind];
    const latencyMs = () => Math.round(performance.now() - started);
    try {
      const options = { requireEnabled: false, retry: CONNECTION_TEST_RETRY };
      const client = kind === 'pax8' ? await this.connections.pax8(tenantId, options) : await this.connections.panelOne(tenantId, options);
      await client.probe();
      return { ok: true, message: `Connected to ${name}.`, latencyMs: latencyMs() };
    } catch (err) {
      if (err instanceof IntegrationError) return { ok: false, message: err.message, latencyMs: latencyMs() };
      this.logger.error({ err, tenantId, kind }, 'connection test failed unexpectedly');
      return { ok: false, message: `The ${name} connection test failed unexpectedly; try again, and check the server log if it persists.`, latencyMs: latencyMs() };
    }
  }

  private async save(
    tenantId: string, kind: IntegrationKind, config: Record<string, string>, secret: string | undefined, enabled: boolean, secretField: string, by: Actor,
  ): Promise<IntegrationDto> {
    let before: { enabled: boolean; config: Record<string, unknown> } | null = null;
    let secretChanged = false;
    await this.integrations.save(tenantId, kind, { enabled, config }, (existing) => {
      before = existing ? { enabled: existing.enabled, config: existing.config } : null;
      secretChanged = Boolean(secret) && !this.sameSecret(existing?.secret_enc ?? null, secret!);
      if (secret) return this.secrets.encrypt(secret);
      if (!existing?.secret_enc) {
        throw invalid(`${secretField} is required when ${INTEGRATION_NAMES[kind]} is configured for the first time`);
      }
      const moved = changedHosts(kind, existing.config, config);
      if (moved.length) {
        throw invalid(`Changing the ${INTEGRATION_NAMES[kind]} host (${moved.join(', ')}) requires entering ${secretField} again; nothing was saved`);
      }
      return existing.secret_enc;
    }, async (q) => {
      // The secret itself never enters the log: only whether a different one was entered.
      if (!secretChanged && isDeepStrictEqual(before, { enabled, config })) return;
      await this.audit.record(q, { tenantId, type: 'integration.configured', by, subject: kind, before, after: { enabled, config, secretChanged } });
    });
    return toIntegrationDto(kind, await this.connections.load(tenantId, kind));
  }

  private sameSecret(stored: string | null, secret: string): boolean {
    if (!stored) return false;
    try {
      return this.secrets.decrypt(stored) === secret;
    } catch {
      return false; // undecryptable (ENCRYPTION_KEY changed): the new one replaces it
    }
  }
}
