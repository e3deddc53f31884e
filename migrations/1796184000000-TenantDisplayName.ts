import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The MSP's name as its reports (the QBR report) show it; null: the tenant id is shown. */
export class TenantDisplayName1796184000000 implements MigrationInterface {
  name = 'TenantDisplayName1796184000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tenant_settings ADD COLUMN display_name text CHECK (display_name IS NULL OR length(display_name) BETWEEN 1 AND 200)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tenant_settings DROP COLUMN display_name`);
  }
}
