import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { IpRateLimitGuard, TenantRateLimitGuard } from './rate-limit.guards.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysService } from './api-keys.service.js';
import { NoBodyOnReadsGuard } from '../common/request-hygiene.js';
import { AuthGuard } from './auth.guard.js';
import { TokenVerifierService } from './token-verifier.service.js';

@Global()
@Module({
  controllers: [ApiKeysController],
  // Guards run in this order: IP limit, authentication and access, tenant limit, then the
  // request-shape check (a body on a GET), so 401/403/429 come before input errors.
  providers: [
    TokenVerifierService,
    ApiKeysService,
    { provide: APP_GUARD, useClass: IpRateLimitGuard },
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: TenantRateLimitGuard },
    { provide: APP_GUARD, useClass: NoBodyOnReadsGuard },
  ],
  exports: [ApiKeysService, TokenVerifierService],
})
export class AuthModule {}
