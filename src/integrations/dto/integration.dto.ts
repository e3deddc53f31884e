import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, isURL, MaxLength, ValidateBy, type ValidationOptions } from 'class-validator';
import { ValidateBoolean } from '../../common/validation.js';

export const INTEGRATION_KINDS = ['pax8', 'panelone'] as const;

/** Required, and an absolute http(s) URL without credentials in it. */
function IsHttpUrl(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({
    name: 'isHttpUrl',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && value.length <= 2000
        && isURL(value, { protocols: ['http', 'https'], require_protocol: true, require_tld: false, allow_underscores: true, disallow_auth: true }),
      defaultMessage: (args) => (args?.value === undefined || args?.value === null || args?.value === '' ? `${args?.property} is required` : `${args?.property} must be an http(s) URL`),
    },
  }, options);
}

const RequiredText = (max: number) => (target: object, property: string | symbol) => {
  IsString({ message: `${String(property)} must be a string` })(target, property);
  IsNotEmpty({ message: `${String(property)} is required` })(target, property);
  MaxLength(max, { message: `${String(property)} must be at most ${max} characters` })(target, property);
};

const OptionalSecret = (max: number) => (target: object, property: string | symbol) => {
  IsOptional()(target, property);
  IsString({ message: `${String(property)} must be a string` })(target, property);
  IsNotEmpty({ message: `${String(property)} must not be empty (leave it out to keep the stored one)` })(target, property);
  MaxLength(max, { message: `${String(property)} must be at most ${max} characters` })(target, property);
};

export class Pax8SettingsDto {
  @ApiProperty({ example: 'https://api.pax8.com/v1', description: 'Includes the API version' })
  @IsHttpUrl()
  baseUrl: string;

  @ApiProperty({ example: 'https://token-manager.pax8.com/oauth/token' })
  @IsHttpUrl()
  tokenUrl: string;

  @ApiProperty({ example: 'https://api.pax8.com' })
  @RequiredText(500)
  audience: string;

  @ApiProperty()
  @RequiredText(500)
  clientId: string;

  @ApiPropertyOptional({ description: 'Write-only. Required the first time; leave out to keep the stored one.', writeOnly: true })
  @OptionalSecret(4096)
  clientSecret?: string;

  @ValidateBoolean()
  enabled: boolean;
}

export class PanelOneSettingsDto {
  @ApiProperty({ example: 'https://panelone.example.com', description: 'Host root; /api/v2/... is appended' })
  @IsHttpUrl()
  baseUrl: string;

  @ApiPropertyOptional({ description: 'Write-only. Required the first time; leave out to keep the stored one.', writeOnly: true })
  @OptionalSecret(4096)
  apiToken?: string;

  @ValidateBoolean()
  enabled: boolean;
}

export class Pax8ConfigDto {
  @ApiProperty({ nullable: true, type: String }) baseUrl: string | null;
  @ApiProperty({ nullable: true, type: String }) tokenUrl: string | null;
  @ApiProperty({ nullable: true, type: String }) audience: string | null;
  @ApiProperty({ nullable: true, type: String }) clientId: string | null;
  @ApiProperty({ description: 'Whether a client secret is stored (it is never returned)' }) clientSecretSet: boolean;
}

export class PanelOneConfigDto {
  @ApiProperty({ nullable: true, type: String }) baseUrl: string | null;
  @ApiProperty({ description: 'Whether an API token is stored (it is never returned)' }) apiTokenSet: boolean;
}

export class IntegrationDto {
  @ApiProperty({ enum: INTEGRATION_KINDS }) kind: 'pax8' | 'panelone';
  @ApiProperty() enabled: boolean;
  @ApiProperty({ description: 'Settings and a secret are stored' }) configured: boolean;
  @ApiProperty({ enum: ['never', 'ok', 'error'] }) status: 'never' | 'ok' | 'error';
  @ApiProperty({ nullable: true, type: String, description: 'When the last successful sync finished' }) lastSyncAt: string | null;
  @ApiProperty({ nullable: true, type: String }) lastError: string | null;
  @ApiProperty({ oneOf: [{ $ref: '#/components/schemas/Pax8ConfigDto' }, { $ref: '#/components/schemas/PanelOneConfigDto' }] })
  config: Pax8ConfigDto | PanelOneConfigDto;
}

export class ConnectionTestDto {
  @ApiProperty() ok: boolean;
  @ApiProperty({ example: 'Connected to Pax8.' }) message: string;
  @ApiProperty({ description: 'Time the test took, in milliseconds' }) latencyMs: number;
}
