import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'tenant' })
export class TenantEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'text' })
  tenantId: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
