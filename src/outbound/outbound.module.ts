import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { OutboundHttp } from './outbound-http.js';

/** The process's one outbound fetcher, under the policy OUTBOUND_ALLOWLIST configured. */
@Injectable()
export class OutboundHttpProvider extends OutboundHttp implements OnApplicationShutdown {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super({ policy: config.outboundPolicy, maxBodyBytes: config.OUTBOUND_MAX_BODY_BYTES });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}

@Global()
@Module({
  providers: [OutboundHttpProvider, { provide: OutboundHttp, useExisting: OutboundHttpProvider }],
  exports: [OutboundHttp],
})
export class OutboundModule {}
