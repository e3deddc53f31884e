import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { ActionsModule } from './actions/actions.module.js';
import { ActionsWorkerModule } from './actions/actions-worker.module.js';
import { AlertsModule } from './alerts/alerts.module.js';
import { AlertsWorkerModule } from './alerts/alerts-worker.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { loggerParams } from './common/logging.js';
import { AppConfigModule } from './config/config.module.js';
import type { AppConfig } from './config/config.js';
import { DatabaseModule } from './database/database.module.js';
import { GapsModule } from './gaps/gaps.module.js';
import { HealthModule } from './health/health.module.js';
import { IntegrationsModule } from './integrations/integrations.module.js';
import { MappingModule } from './mapping/mapping.module.js';
import { ExportSlotsModule } from './common/export-slots.js';
import { OutboundModule } from './outbound/outbound.module.js';
import { PluginModule } from './plugin/plugin.module.js';
import { ReconciliationModule } from './reconciliation/reconciliation.module.js';
import { ReportsModule } from './qbr/reports.module.js';
import { SettingsModule } from './settings/settings.module.js';
import { SnapshotsModule } from './snapshots/snapshots.module.js';
import { SyncModule } from './sync/sync.module.js';
import { SyncWorkerModule } from './sync/sync-worker.module.js';
import { TenantsModule } from './tenants/tenants.module.js';

export interface AppModuleOptions {
  databaseUrl: string;
  /** Run queued jobs and the schedule in this process (worker, or the single-process demo). */
  worker: boolean;
  /** false: build the modules without connecting to PostgreSQL (the OpenAPI document at build time). */
  connect?: boolean;
  /** Modules the caller mounts besides the product's own (the demo passes its routes). */
  extraModules?: NonNullable<ModuleMetadata['imports']>;
}

/** Feature modules shared by the API and the worker; each is one folder under src/. */
export const FEATURE_MODULES: NonNullable<ModuleMetadata['imports']> = [
  IntegrationsModule,
  SettingsModule,
  MappingModule,
  SnapshotsModule,
  ReconciliationModule,
  GapsModule,
  ReportsModule,
  ActionsModule,
  SyncModule,
  AlertsModule,
];
/** Modules only the worker loads (job consumers, the schedule). */
export const WORKER_MODULES: NonNullable<ModuleMetadata['imports']> = [
  SyncWorkerModule,
  ActionsWorkerModule,
  AlertsWorkerModule,
];

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerParams(config.LOG_LEVEL)),
        DatabaseModule.forRoot(options.databaseUrl, { connect: options.connect }),
        OutboundModule,
        ExportSlotsModule,
        TenantsModule,
        AuditModule,
        AuthModule,
        HealthModule,
        PluginModule,
        ...FEATURE_MODULES,
        ...(options.worker ? WORKER_MODULES : []),
        ...(options.extraModules ?? []),
      ],
    };
  }
}
