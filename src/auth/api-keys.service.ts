// Tenant API keys for QBR tooling. The key is shown once; only its SHA-256 is stored.
// Format: b1r_<tenant id, base64url>_<32 random bytes, base64url>, so a lookup is scoped
// by tenant like every other query.
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import type { Actor } from '../audit/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { DomainError, ErrorCode, notFound } from '../common/errors.js';
import { isValidTenantId } from '../tenants/tenant-id.js';
import { ApiKeyEntity } from './entities/api-key.entity.js';
import type { ApiKeyScope, Principal } from './principal.js';
import type { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto.js';

const hash = (key: string) => createHash('sha256').update(key).digest('hex');

/** What the audit log keeps of a key: never the key, its prefix or its hash. */
const audited = (e: ApiKeyEntity) => ({ id: e.id, name: e.name, scopes: e.scopes, revokedAt: e.revokedAt?.toISOString() ?? null });

export function toApiKeyDto(entity: ApiKeyEntity): ApiKeyDto {
  return {
    id: entity.id,
    name: entity.name,
    prefix: entity.keyPrefix,
    scopes: entity.scopes as ApiKeyScope[],
    createdBy: entity.createdBy,
    createdAt: entity.createdAt.toISOString(),
    lastUsedAt: entity.lastUsedAt?.toISOString() ?? null,
    revokedAt: entity.revokedAt?.toISOString() ?? null,
  };
}

@Injectable()
export class ApiKeysService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  private get repo() {
    return this.db.getRepository(ApiKeyEntity);
  }

  async create(principal: Principal, input: CreateApiKeyDto, by: Actor): Promise<CreatedApiKeyDto> {
    const key = `b1r_${Buffer.from(principal.tenantId).toString('base64url')}_${randomBytes(32).toString('base64url')}`;
    const scopes = [...new Set<ApiKeyScope>(['read', ...input.scopes])];
    const entity = await this.db.transaction(async (tx: EntityManager) => {
      const repo = tx.getRepository(ApiKeyEntity);
      const saved = await repo.save(
        repo.create({
          tenantId: principal.tenantId,
          name: input.name,
          keyPrefix: key.slice(0, 12),
          keyHash: hash(key),
          scopes,
          createdBy: principal.subject,
        }),
      );
      await this.audit.record(tx, { tenantId: principal.tenantId, type: 'api-key.created', by, subject: saved.id, before: null, after: audited(saved) });
      return saved;
    });
    return { ...toApiKeyDto(entity), key };
  }

  async list(tenantId: string): Promise<ApiKeyDto[]> {
    const rows = await this.repo.find({ where: { tenantId }, order: { createdAt: 'DESC' } });
    return rows.map(toApiKeyDto);
  }

  async revoke(tenantId: string, id: string, by: Actor): Promise<ApiKeyDto> {
    return this.db.transaction(async (tx: EntityManager) => {
      const repo = tx.getRepository(ApiKeyEntity);
      const entity = await repo.findOne({ where: { tenantId, id }, lock: { mode: 'pessimistic_write' } });
      if (!entity) throw notFound('API key');
      if (!entity.revokedAt) {
        const before = audited(entity);
        entity.revokedAt = new Date();
        await repo.update({ tenantId, id }, { revokedAt: entity.revokedAt });
        await this.audit.record(tx, { tenantId, type: 'api-key.revoked', by, subject: id, before, after: audited(entity) });
      }
      return toApiKeyDto(entity);
    });
  }

  /** The principal for a presented key, or 401. */
  async authenticate(key: string): Promise<Principal> {
    const match = /^b1r_([A-Za-z0-9_-]+)_([A-Za-z0-9_-]{43})$/.exec(key);
    const tenantId = match ? Buffer.from(match[1], 'base64url').toString('utf8') : '';
    // Only a part that is exactly the base64url of a valid tenant id can be one of our keys
    // (NUL, U+FFFD from bad UTF-8, or a lenient decoding would otherwise reach PostgreSQL).
    if (!match || !isValidTenantId(tenantId) || Buffer.from(tenantId).toString('base64url') !== match[1]) {
      throw new DomainError(ErrorCode.Unauthorized, 'Invalid API key');
    }
    const entity = await this.repo.findOneBy({ tenantId, keyHash: hash(key), revokedAt: IsNull() });
    if (!entity) throw new DomainError(ErrorCode.Unauthorized, 'Invalid or revoked API key');
    // Coarse last-use stamp; not worth a write on every request.
    if (!entity.lastUsedAt || Date.now() - entity.lastUsedAt.getTime() > 60_000) {
      await this.repo.update({ tenantId, id: entity.id }, { lastUsedAt: new Date() });
    }
    return {
      tenantId,
      subject: `api-key:${entity.id}`,
      kind: 'api-key',
      roles: [],
      scopes: entity.scopes as ApiKeyScope[],
    };
  }
}
