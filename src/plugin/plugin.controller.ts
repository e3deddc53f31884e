// The PanelOne widget-hosting contract: the manifest and the one ES-module bundle.
import { Controller, Get, Header, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../auth/principal.js';
import { PluginService } from './plugin.service.js';

@ApiExcludeController()
@Controller('plugin')
export class PluginController {
  constructor(private readonly plugin: PluginService) {}

  @Get('manifest.json')
  @Public()
  @Header('Cache-Control', 'no-cache')
  manifest(@Req() req: Request) {
    return this.plugin.manifest(`${req.protocol}://${req.get('host')}`);
  }

  @Get('billingone-reconcile.js')
  @Public()
  bundle(@Req() req: Request, @Res() res: Response): void {
    this.plugin.sendBundle(req, res);
  }
}
