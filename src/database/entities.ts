// Every TypeORM entity, listed explicitly (no globs: the same list works compiled and under ts-jest).
import { ApiKeyEntity } from '../auth/entities/api-key.entity.js';
import { TenantEntity } from '../tenants/entities/tenant.entity.js';

export const entities = [TenantEntity, ApiKeyEntity];
