// Configuration from the environment, validated once at start-up. A bad or missing variable
// stops the process with a message that names it; nothing reads process.env after this.
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, validateSync, type ValidationError,
} from 'class-validator';
import { isIP } from 'node:net';
import { DEFAULT_MAX_BODY_BYTES, parseAllowlist, type OutboundPolicy } from '../outbound/outbound-policy.js';

const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

export class EnvironmentVariables {
  @IsOptional() @Transform(trimmed)
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// connection string' })
  DATABASE_URL?: string;

  @IsOptional() @Transform(({ value }) => (value === undefined || value === '' ? 3000 : Number(value)))
  @Min(0) @Max(65535)
  @IsInt({ message: 'PORT must be an integer' })
  PORT: number = 3000;

  @IsOptional() @IsString()
  HOST: string = '0.0.0.0';

  @IsOptional() @Transform(trimmed)
  @Matches(/^.{32,}$/s, { message: 'PANELONE_JWT_SECRET must be at least 32 characters' })
  @IsString()
  PANELONE_JWT_SECRET?: string;

  @IsOptional() @Transform(trimmed)
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'PANELONE_JWKS_URL must be an http(s) URL' })
  PANELONE_JWKS_URL?: string;

  @IsOptional() @IsString()
  PANELONE_JWT_ISSUER: string = 'panelone';

  @IsOptional() @IsString()
  PANELONE_JWT_AUDIENCE: string = 'billingone-reconcile';

  @Transform(trimmed)
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'ENCRYPTION_KEY must be 32 bytes encoded as base64 (44 characters)' })
  @IsString({ message: 'ENCRYPTION_KEY is required (32 random bytes, base64; e.g. `openssl rand -base64 32`)' })
  ENCRYPTION_KEY: string;

  @IsOptional() @IsString()
  PANELONE_ORIGINS: string = '';

  @IsOptional() @IsString()
  EMBEDDED_PG_DIR: string = '.data/pg';

  @IsOptional() @Transform(({ value }) => (value === undefined || value === '' ? undefined : Number(value)))
  @IsInt({ message: 'EMBEDDED_PG_PORT must be an integer' })
  EMBEDDED_PG_PORT?: number;

  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  @IsOptional() @Transform(trimmed)
  @IsIn(['on', 'off'], { message: 'RECONCILIATION_CACHE must be on or off' })
  RECONCILIATION_CACHE: 'on' | 'off' = 'on';

  @IsOptional() @Transform(({ value }) => (value === undefined || value === '' ? 600 : Number(value)))
  @Min(1)
  @IsInt({ message: 'RATE_LIMIT_PER_MINUTE must be an integer' })
  RATE_LIMIT_PER_MINUTE: number = 600;

  /** Pax8 calls per credential per PAX8_RATE_WINDOW_SECONDS (0: no pacing); Pax8 allows 1,000 a minute. */
  @IsOptional() @Transform(({ value }) => (value === undefined || value === '' ? 900 : Number(value)))
  @Min(0)
  @IsInt({ message: 'PAX8_CALLS_PER_MINUTE must be an integer (0 turns pacing off)' })
  PAX8_CALLS_PER_MINUTE: number = 900;

  /** The window of PAX8_CALLS_PER_MINUTE in seconds: 60 (shortened only in tests). */
  @IsOptional() @Transform(({ value }) => (value === undefined || value === '' ? 60 : Number(value)))
  @Min(1)
  @IsInt({ message: 'PAX8_RATE_WINDOW_SECONDS must be an integer' })
  PAX8_RATE_WINDOW_SECONDS: number = 60;

  @IsOptional() @Transform(({ value }) => (value === undefined || value === '' ? 1200 : Number(value)))
  @Min(1)
  @IsInt({ message: 'RATE_LIMIT_PER_IP_PER_MINUTE must be an integer' })
  RATE_LIMIT_PER_IP_PER_MINUTE: number = 1200;

  /** Hostnames, IPs or CIDRs outbound calls may reach although private or loopback (also over http). */
  @IsOptional() @IsString()
  OUTBOUND_ALLOWLIST: string = '';

  @IsOptional() @Transform(({ value }) => (value === undefined || value === '' ? DEFAULT_MAX_BODY_BYTES : Number(value)))
  @Min(1024) @Max(1024 * 1024 * 1024)
  @IsInt({ message: 'OUTBOUND_MAX_BODY_BYTES must be an integer (bytes)' })
  OUTBOUND_MAX_BODY_BYTES: number = DEFAULT_MAX_BODY_BYTES;

  /** Proxies whose X-Forwarded-For is believed: none (default), a hop count, or IPs/CIDRs. */
  @IsOptional() @IsString()
  TRUST_PROXY: string = '';

  @IsOptional() @Transform(trimmed)
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }, { message: 'PUBLIC_URL must be an http(s) URL (where PanelOne reaches this API)' })
  @Matches(/^[^?#]*$/, { message: 'PUBLIC_URL must not have a query or fragment' })
  PUBLIC_URL?: string;

  @IsOptional() @Transform(({ value }) => (value === undefined || value === '' ? 2 : Number(value)))
  @Min(1) @Max(1000)
  @IsInt({ message: 'EXPORTS_PER_TENANT must be an integer' })
  EXPORTS_PER_TENANT: number = 2;

  @IsOptional() @Transform(({ value }) => (value === undefined || value === '' ? 6 : Number(value)))
  @Min(1) @Max(1000)
  @IsInt({ message: 'EXPORTS_PER_PROCESS must be an integer' })
  EXPORTS_PER_PROCESS: number = 6;

  /** SMTP server for email alerts (smtp:// or smtps://, credentials in the URL); unset = email channels disabled. */
  @IsOptional() @Transform(trimmed)
  @Matches(/^smtps?:\/\/[^/?#]+(:\d+)?\/?$/, { message: 'SMTP_URL must be smtp://[user:pass@]host[:port] or smtps://...' })
  SMTP_URL?: string;

  @IsOptional() @Transform(trimmed)
  @IsString()
  SMTP_FROM: string = 'BillingOne Reconcile <alerts@billingone.invalid>';

  /** First retry of a failed alert delivery after this long; each next one waits twice as long (capped at an hour). */
  @IsOptional() @Transform(({ value }) => (value === undefined || value === '' ? 30_000 : Number(value)))
  @Min(10) @Max(3_600_000)
  @IsInt({ message: 'ALERT_RETRY_BASE_MS must be an integer (milliseconds)' })
  ALERT_RETRY_BASE_MS: number = 30_000;

  /** How long a delivery is retried before it is marked failed (default 24 hours). */
  @IsOptional() @Transform(({ value }) => (value === undefined || value === '' ? 86_400_000 : Number(value)))
  @Min(100) @Max(7 * 86_400_000)
  @IsInt({ message: 'ALERT_RETRY_WINDOW_MS must be an integer (milliseconds)' })
  ALERT_RETRY_WINDOW_MS: number = 86_400_000;

  /** One delivery attempt (webhook answer, SMTP conversation) is given up after this long. */
  @IsOptional() @Transform(({ value }) => (value === undefined || value === '' ? 10_000 : Number(value)))
  @Min(100) @Max(120_000)
  @IsInt({ message: 'ALERT_ATTEMPT_TIMEOUT_MS must be an integer (milliseconds)' })
  ALERT_ATTEMPT_TIMEOUT_MS: number = 10_000;
}

export type AppConfig = EnvironmentVariables & {
  corsOrigins: string[];
  outboundPolicy: OutboundPolicy;
  /** Fastify's trustProxy: false, a hop count, or addresses/ranges (proxy-addr names included). */
  trustProxy: false | number | string[];
  /** PUBLIC_URL without a trailing slash, or '' (then the manifest's URLs are root-relative). */
  publicUrl: string;
};

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** TRUST_PROXY: '' → none; an integer → that many hops; else IPs, CIDRs or proxy-addr names. */
export function parseTrustProxy(raw: string): { value: false | number | string[]; problem?: string } {
  const text = raw.trim();
  if (text === '' || text === 'false' || text === 'none') return { value: false };
  if (/^\d+$/.test(text)) return { value: Number(text) };
  const entries = text.split(',').map((e) => e.trim()).filter(Boolean);
  const bad = entries.filter((e) => {
    if (PROXY_NAMES.has(e)) return false;
    const [ip, bits, extra] = e.split('/');
    const family = isIP(ip);
    return !family || extra !== undefined || (bits !== undefined && !(/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128)));
  });
  if (bad.length) return { value: false, problem: `TRUST_PROXY: ${bad.map((b) => `"${b}"`).join(', ')} is not a hop count, an IP, a CIDR or one of loopback, linklocal, uniquelocal` };
  return { value: entries };
}

function describe(errors: ValidationError[]): string[] {
  return errors.flatMap((e) => Object.values(e.constraints ?? {}).map((m) => (m.includes(e.property) ? m : `${e.property}: ${m}`)));
}

export class ConfigurationError extends Error {}

export function validateEnvironment(raw: Record<string, unknown>): AppConfig {
  const config = plainToInstance(EnvironmentVariables, raw, { exposeDefaultValues: true });
  const problems = describe(validateSync(config, { skipMissingProperties: false, whitelist: false, stopAtFirstError: true }));
  if (!config.PANELONE_JWT_SECRET && !config.PANELONE_JWKS_URL) {
    problems.push('PANELONE_JWT_SECRET or PANELONE_JWKS_URL must be set (how PanelOne context tokens are verified)');
  }
  const outbound = parseAllowlist(config.OUTBOUND_ALLOWLIST);
  problems.push(...outbound.problems);
  const trustProxy = parseTrustProxy(config.TRUST_PROXY ?? '');
  if (trustProxy.problem) problems.push(trustProxy.problem);
  if (problems.length) {
    throw new ConfigurationError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  const corsOrigins = config.PANELONE_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean);
  const publicUrl = (config.PUBLIC_URL ?? '').replace(/\/+$/, '');
  return Object.assign(config, { corsOrigins, outboundPolicy: outbound.policy, trustProxy: trustProxy.value, publicUrl });
}

export const APP_CONFIG = Symbol('APP_CONFIG');
