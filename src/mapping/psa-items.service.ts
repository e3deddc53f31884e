// PSA catalog items and the Pax8 product each bills (admin): listed with their suggestion or
// decision, unmapped ones included; a decision is audited and re-reconciles the latest snapshot.
import { Injectable } from '@nestjs/common';
import type { Actor } from '../audit/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { notFound } from '../common/errors.js';
import { ReconciliationInputs } from '../common/reconciliation-inputs.js';
import type { Pax8ProductRefDto, PsaItemListResponseDto, PsaItemResponseDto } from './dto/psa-item.dto.js';
import type { Pax8ProductRef } from './psa-item-suggest.js';
import { PsaItemRepository, type PsaItemView } from './psa-item.repository.js';

@Injectable()
export class PsaItemsService {
  constructor(
    private readonly items: PsaItemRepository,
    private readonly reconciliation: ReconciliationInputs,
    private readonly audit: AuditService,
  ) {}

  async list(tenantId: string): Promise<PsaItemListResponseDto> {
    const { items, products } = await this.items.view(tenantId);
    const byId = new Map(products.map((p) => [p.id, p]));
    return { items: items.map((v) => toPsaItemDto(v, byId)), products: products.map(toProductRef) };
  }

  async set(tenantId: string, itemId: string, pax8ProductId: string | null, by: Actor): Promise<PsaItemResponseDto> {
    await this.items.transaction(async (q) => {
      await this.items.lock(q, tenantId, itemId);
      const { items, products } = await this.items.view(tenantId, q);
      const current = items.find((v) => v.item.id === itemId);
      if (!current) throw notFound('PSA catalog item');
      if (pax8ProductId !== null && !products.some((p) => p.id === pax8ProductId)) throw notFound('Pax8 product');
      await this.items.decide(q, tenantId, itemId, pax8ProductId, by.subject);
      await this.audit.record(q, {
        tenantId, type: 'psa-item.mapping-changed', by, subject: itemId,
        before: { name: current.item.name, pax8ProductId: current.mapping.pax8ProductId, state: current.mapping.state },
        after: { name: current.item.name, pax8ProductId, state: pax8ProductId ? 'confirmed' : 'none' },
      });
    });
    await this.reconciliation.changed(tenantId, 'PSA item mapping', by.subject);
    const { items } = await this.list(tenantId);
    const item = items.find((i) => i.itemId === itemId);
    if (!item) throw notFound('PSA catalog item');
    return item;
  }
}

const toProductRef = (p: Pax8ProductRef): Pax8ProductRefDto => ({ pax8ProductId: p.id, name: p.name, perDevice: p.perDevice });

function toPsaItemDto({ item, mapping }: PsaItemView, products: ReadonlyMap<string, Pax8ProductRef>): PsaItemResponseDto {
  return {
    itemId: item.id, sku: item.sku, name: item.name, category: item.category,
    pax8ProductId: mapping.pax8ProductId, pax8ProductName: mapping.pax8ProductId ? (products.get(mapping.pax8ProductId)?.name ?? null) : null,
    state: mapping.state, reason: mapping.reason,
    candidates: mapping.candidates.map((id) => products.get(id)).filter((p): p is Pax8ProductRef => p !== undefined).map(toProductRef),
  };
}
