import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

// A tenant row is created on first sight of a valid token. The in-process set only saves
// round trips; the insert is idempotent, so replicas need not share it.
const KNOWN_TENANTS_LIMIT = 10_000;

@Injectable()
export class TenantsService {
  private readonly known = new Set<string>();

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async ensure(tenantId: string): Promise<void> {
    if (this.known.has(tenantId)) return;
    await this.db.query(
      `WITH t AS (INSERT INTO tenant (tenant_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING tenant_id)
       INSERT INTO tenant_settings (tenant_id) SELECT tenant_id FROM t ON CONFLICT DO NOTHING`,
      [tenantId],
    );
    if (this.known.size >= KNOWN_TENANTS_LIMIT) this.known.clear();
    this.known.add(tenantId);
  }
}
