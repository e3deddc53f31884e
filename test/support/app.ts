// Starts the real API (and optionally the worker modules) on the test database, with the
// configuration a deployment would have, and signs context tokens for it.
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { signContextToken } from '../../src/auth/context-token.js';
import type { Role } from '../../src/auth/principal.js';
import { createApi, initApi } from '../../src/bootstrap.js';
import { validateEnvironment, type AppConfig } from '../../src/config/config.js';
import { validateAnswers } from './openapi-validation.js';

export const TEST_JWT_SECRET = 'test-panelone-shared-secret-0123456789abcdef';
export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');

export function testConfig(overrides: Record<string, string> = {}): AppConfig {
  return validateEnvironment({
    DATABASE_URL: process.env.DATABASE_URL,
    PANELONE_JWT_SECRET: TEST_JWT_SECRET,
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PANELONE_ORIGINS: 'https://panelone.example',
    RATE_LIMIT_PER_MINUTE: '100000',
    RATE_LIMIT_PER_IP_PER_MINUTE: '100000',
    // The simulators listen on loopback; nothing else may be reached.
    OUTBOUND_ALLOWLIST: '127.0.0.0/8,::1,localhost',
    // The test simulators enforce no rate limit and many tenants share one credential: no pacing
    // (test/integrations/pax8-pacing.e2e.spec.ts turns it on against a simulator that limits).
    PAX8_CALLS_PER_MINUTE: '0',
    ...overrides,
  });
}

export interface TestApi {
  app: NestFastifyApplication;
  http: ReturnType<typeof request>;
  config: AppConfig;
  token(tenantId: string, role: Role, extra?: { ttlSeconds?: number; subject?: string }): Promise<string>;
  close(): Promise<void>;
}

export async function startTestApi(options: { worker?: boolean; env?: Record<string, string> } = {}): Promise<TestApi> {
  const config = testConfig(options.env);
  const app = await createApi(config, process.env.DATABASE_URL!, { worker: options.worker });
  const { violations } = validateAnswers(app);
  await initApi(app);
  return {
    app,
    config,
    http: request(app.getHttpServer()),
    token: (tenantId, role, extra = {}) =>
      signContextToken({ secret: TEST_JWT_SECRET, tenantId, roles: [role], subject: extra.subject ?? `${role}@${tenantId}`, ttlSeconds: extra.ttlSeconds }),
    close: async () => {
      await app.close();
      if (violations.length) throw new Error(`answers that do not match the OpenAPI document:\n${[...new Set(violations)].join('\n')}`);
    },
  };
}

/** A tenant id unique to this test run, so specs sharing the database never see each other's rows. */
export function uniqueTenant(label: string): string {
  return `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
