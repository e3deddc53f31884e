import { Module } from '@nestjs/common';
import { DemoController } from './demo.controller.js';

/** The demo's routes, outside the API prefix: the host page playing PanelOne and its dev token. */
export const DEMO_ROUTES = ['demo/*path', 'panelone', 'panelone/*path'];

@Module({ controllers: [DemoController] })
export class DemoModule {}
