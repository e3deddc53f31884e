import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysService } from './api-keys.service.js';
import { AuthGuard } from './auth.guard.js';
import { TokenVerifierService } from './token-verifier.service.js';

@Global()
@Module({
  controllers: [ApiKeysController],
  providers: [TokenVerifierService, ApiKeysService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [ApiKeysService, TokenVerifierService],
})
export class AuthModule {}
