import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsUUID, ValidateIf } from 'class-validator';

export class SetPsaItemMappingDto {
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The Pax8 product the item bills, or null to confirm it bills none' })
  @IsDefined({ message: 'pax8ProductId is required (a UUID, or null for no product)' })
  @ValidateIf((_, value) => value !== null)
  @IsUUID('all', { message: 'pax8ProductId must be a UUID or null' })
  pax8ProductId: string | null;
}

export class Pax8ProductRefDto {
  @ApiProperty() pax8ProductId: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'Counts as a per-device licence (only those have lines to bill against)' }) perDevice: boolean;
}

export class PsaItemResponseDto {
  @ApiProperty() itemId: string;
  @ApiProperty({ nullable: true, type: String }) sku: string | null;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) category: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The Pax8 product the item bills now (confirmed, else suggested); null: none' }) pax8ProductId: string | null;
  @ApiProperty({ nullable: true, type: String }) pax8ProductName: string | null;
  @ApiProperty({ enum: ['confirmed', 'suggested', 'ambiguous', 'none'], description: 'ambiguous: two products matched equally, none is suggested; choose one' }) state: string;
  @ApiProperty({ nullable: true, enum: ['sku', 'name', 'admin'], type: String }) reason: string | null;
  @ApiProperty({ type: Pax8ProductRefDto, isArray: true, description: 'For an ambiguous item: the products that matched' }) candidates: Pax8ProductRefDto[];
}

export class PsaItemListResponseDto {
  @ApiProperty({ type: PsaItemResponseDto, isArray: true, description: 'Every PSA catalog item, mapped or not' }) items: PsaItemResponseDto[];
  @ApiProperty({ type: Pax8ProductRefDto, isArray: true, description: 'Every current Pax8 product, to choose from' }) products: Pax8ProductRefDto[];
}
