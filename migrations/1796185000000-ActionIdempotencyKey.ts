import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Idempotency-Key a psa-quantity item sends with its PATCH, stored on the item before the
 * first send, so a retry after a lost answer (or another worker taking the item over) replays
 * the same key and PanelOne applies the change once. Null until the item first writes.
 */
export class ActionIdempotencyKey1796185000000 implements MigrationInterface {
  name = 'ActionIdempotencyKey1796185000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE action_item ADD COLUMN idempotency_key uuid`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE action_item DROP COLUMN idempotency_key`);
  }
}
