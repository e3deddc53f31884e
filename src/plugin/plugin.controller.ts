// The PanelOne widget-hosting contract: the manifest and the one ES-module bundle.
import { Controller, Get, Header, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/principal.js';
import { PluginService } from './plugin.service.js';

@ApiExcludeController()
@Controller('plugin')
export class PluginController {
  constructor(private readonly plugin: PluginService) {}

  @Get('manifest.json')
  @Public()
  @Header('Cache-Control', 'no-cache')
  manifest() {
    return this.plugin.manifest();
  }

  @Get('billingone-reconcile.js')
  @Public()
  bundle(@Req() req: FastifyRequest, @Res() reply: FastifyReply): FastifyReply {
    return this.plugin.sendBundle(req, reply);
  }
}
