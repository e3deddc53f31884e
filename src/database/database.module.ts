import { Global, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions } from './data-source.js';

/** The URL the app's pool connects to (DATABASE_URL, or the embedded server's), for connections outside the pool. */
export const DATABASE_URL = Symbol('DATABASE_URL');

/** The application's DataSource (TypeORM, synchronize off). Migrations run before this starts. */
@Global()
@Module({})
export class DatabaseModule {
  /** `connect: false` builds the app without opening the pool (to write the OpenAPI document at build time). */
  static forRoot(url: string, options: { poolSize?: number; connect?: boolean } = {}): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [TypeOrmModule.forRoot({
        ...dataSourceOptions(url, { extra: { max: options.poolSize ?? 10, connectionTimeoutMillis: 5000 } }),
        retryAttempts: 5,
        retryDelay: 1000,
        manualInitialization: options.connect === false,
      })],
      providers: [{ provide: DATABASE_URL, useValue: url }],
      exports: [TypeOrmModule, DATABASE_URL],
    };
  }
}
