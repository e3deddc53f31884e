// Demo-only routes, mounted by `npm start` and never by the API or the worker:
// the page that plays PanelOne, and the dev context token it hands to the widgets.
import { BadRequestException, Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { signContextToken } from '../auth/context-token.js';
import { Public, ROLES, type Role } from '../auth/principal.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { DEMO_TENANT_ID } from '../demo-defaults.js';

const HOST_DIR = resolve('plugin-ui/host');
const TOKEN_TTL_SECONDS = 10 * 60;

@ApiExcludeController()
@Controller()
export class DemoController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Get('demo/context-token')
  @Public()
  async contextToken(@Query('role') role = 'admin') {
    if (!ROLES.includes(role as Role)) throw new BadRequestException(`role must be one of: ${ROLES.join(', ')}`);
    const token = await signContextToken({
      secret: this.config.PANELONE_JWT_SECRET!,
      tenantId: DEMO_TENANT_ID,
      roles: [role as Role],
      subject: `demo-${role}`,
      ttlSeconds: TOKEN_TTL_SECONDS,
    });
    return { token, expiresAt: new Date(Date.now() + TOKEN_TTL_SECONDS * 1000).toISOString() };
  }

  @Get(['panelone', 'panelone/*path'])
  @Public()
  hostPage(@Req() req: Request, @Res() res: Response): void {
    const relative = decodeURIComponent(req.path.replace(/^\/panelone\/?/, '')) || 'index.html';
    const file = resolve(HOST_DIR, relative);
    if (!file.startsWith(HOST_DIR + sep) || !existsSync(file)) {
      // Client-side routes of the host page all render index.html.
      res.sendFile(resolve(HOST_DIR, 'index.html'));
      return;
    }
    res.sendFile(file);
  }
}
