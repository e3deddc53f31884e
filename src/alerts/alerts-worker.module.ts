import { Module } from '@nestjs/common';
import { AlertDeliveryWorker } from './alert-delivery-worker.service.js';

/** The worker side of alerts: delivers the outbox. Worker process only. */
@Module({
  providers: [AlertDeliveryWorker],
})
export class AlertsWorkerModule {}
