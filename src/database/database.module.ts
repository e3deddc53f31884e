import { Global, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions } from './data-source.js';

/** The URL the app's pool connects to (DATABASE_URL, or the embedded server's), for connections outside the pool. */
export const DATABASE_URL = Symbol('DATABASE_URL');

/** The application's DataSource (TypeORM, synchronize off). Migrations run before this starts. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(url: string, poolSize = 10): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [TypeOrmModule.forRoot({ ...dataSourceOptions(url, { extra: { max: poolSize, connectionTimeoutMillis: 5000 } }), retryAttempts: 5, retryDelay: 1000 })],
      providers: [{ provide: DATABASE_URL, useValue: url }],
      exports: [TypeOrmModule, DATABASE_URL],
    };
  }
}
