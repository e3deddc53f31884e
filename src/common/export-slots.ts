// Heavy exports (CSV downloads) share PostgreSQL and the event loop with every other request,
// so at most EXPORTS_PER_TENANT run at once per tenant and EXPORTS_PER_PROCESS per process.
// One more gets a 429 with Retry-After at once, before any byte, rather than queueing: a noisy
// tenant's sixteen parallel downloads must not slow another tenant's dashboard.
import { Global, HttpException, HttpStatus, Inject, Injectable, Module } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

export const EXPORT_RETRY_AFTER_SECONDS = 5;

@Injectable()
export class ExportSlots {
  private readonly perTenant = new Map<string, number>();
  private running = 0;
  private readonly tenantLimit: number;
  private readonly processLimit: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.tenantLimit = config.EXPORTS_PER_TENANT;
    this.processLimit = config.EXPORTS_PER_PROCESS;
  }

  /** Runs `work` in a slot, or answers 429 when the tenant or the process has none free. */
  async run<T>(tenantId: string, reply: FastifyReply, work: () => Promise<T>): Promise<T> {
    const mine = this.perTenant.get(tenantId) ?? 0;
    if (mine >= this.tenantLimit || this.running >= this.processLimit) {
      void reply.header('Retry-After', String(EXPORT_RETRY_AFTER_SECONDS));
      throw new HttpException(
        mine >= this.tenantLimit
          ? `${this.tenantLimit} exports are already running for this tenant; retry when one has finished`
          : 'Too many exports are running; retry shortly',
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    this.perTenant.set(tenantId, mine + 1);
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
      const left = (this.perTenant.get(tenantId) ?? 1) - 1;
      if (left > 0) this.perTenant.set(tenantId, left);
      else this.perTenant.delete(tenantId);
    }
  }
}

/** One ExportSlots per process, for every feature that streams an export. */
@Global()
@Module({ providers: [ExportSlots], exports: [ExportSlots] })
export class ExportSlotsModule {}
