import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsDefined, IsUUID, ValidateIf } from 'class-validator';

export class SetMappingDto {
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The Pax8 company, or null to confirm there is none' })
  @IsDefined({ message: 'pax8CompanyId is required (a UUID, or null for no company)' })
  @ValidateIf((_, value) => value !== null)
  @IsUUID('all', { message: 'pax8CompanyId must be a UUID or null' })
  pax8CompanyId: string | null;
}

export class SetPerDeviceDto {
  @ApiProperty()
  @IsBoolean({ message: 'perDevice must be true or false' })
  perDevice: boolean;
}

export class CompanyRefResponseDto {
  @ApiProperty() pax8CompanyId: string;
  @ApiProperty() name: string;
}

export class ClientMappingResponseDto {
  @ApiProperty() organizationId: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) pax8CompanyId: string | null;
  @ApiProperty({ nullable: true, type: String }) pax8CompanyName: string | null;
  @ApiProperty({ enum: ['suggested', 'confirmed', 'none'], description: 'none: no company (decided by an admin when reason is admin, else nothing matched yet)' }) mappingState: string;
  @ApiProperty({ nullable: true, type: String, description: 'external-reference or name (suggestions), admin (decisions); null when nothing was suggested or decided' }) reason: string | null;
}

export class ClientMappingListResponseDto {
  @ApiProperty({ type: ClientMappingResponseDto, isArray: true }) items: ClientMappingResponseDto[];
  @ApiProperty({ type: CompanyRefResponseDto, isArray: true, description: 'Pax8 companies no organization is mapped to' }) unmatchedCompanies: CompanyRefResponseDto[];
  @ApiProperty({ type: CompanyRefResponseDto, isArray: true, description: 'Every Pax8 company, to choose from' }) companies: CompanyRefResponseDto[];
}

export class CatalogProductResponseDto {
  @ApiProperty() productId: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) vendorName: string | null;
  @ApiProperty({ nullable: true, type: String }) sku: string | null;
  @ApiProperty({ description: 'Counts as a per-device licence (the admin choice, else the suggestion)' }) perDevice: boolean;
  @ApiProperty({ description: 'What the product name suggests' }) suggested: boolean;
  @ApiProperty({ description: 'An admin has decided perDevice' }) confirmed: boolean;
}

export class CatalogProductListResponseDto {
  @ApiProperty({ type: CatalogProductResponseDto, isArray: true }) items: CatalogProductResponseDto[];
}
