import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsString, Length, Matches } from 'class-validator';
import { API_KEY_SCOPES, type ApiKeyScope } from '../principal.js';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'QBR deck generator', maxLength: 100 })
  @IsString() @Length(1, 100) @Matches(/^[^\p{Cc}]*$/u, { message: 'name must not contain control characters' })
  name: string;

  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true, example: ['read'] })
  @IsArray() @ArrayMaxSize(2)
  @IsIn(API_KEY_SCOPES, { each: true, message: `scopes must each be one of: ${API_KEY_SCOPES.join(', ')}` })
  scopes: ApiKeyScope[];
}

export class ApiKeyDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ description: 'First characters of the key, to recognise it' }) prefix: string;
  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true }) scopes: ApiKeyScope[];
  @ApiProperty() createdBy: string;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) lastUsedAt: string | null;
  @ApiProperty({ nullable: true, type: String }) revokedAt: string | null;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ description: 'The key itself. Shown once; store it now.' }) key: string;
}

export class ApiKeyListDto {
  @ApiProperty({ type: ApiKeyDto, isArray: true }) items: ApiKeyDto[];
}
