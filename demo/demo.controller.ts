// Demo-only routes, mounted by `npm start` and never by the API or the worker:
// the page that plays PanelOne, and the dev context token it hands to the widgets.
import { BadRequestException, Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { extname, resolve, sep } from 'node:path';
import { signContextToken } from '../src/auth/context-token.js';
import { Public, ROLES, type Role } from '../src/auth/principal.js';
import { APP_CONFIG, type AppConfig } from '../src/config/config.js';
import { DEMO_TENANT_ID } from './defaults.js';

const HOST_DIR = resolve('plugin-ui/host');
const TOKEN_TTL_SECONDS = 10 * 60;
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

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

  @Get(['panelone', 'panelone/*'])
  @Public()
  hostPage(@Req() req: FastifyRequest, @Res() reply: FastifyReply): FastifyReply {
    const path = req.url.split('?')[0];
    let relative = '';
    try {
      relative = decodeURIComponent(path.replace(/^\/panelone\/?/, ''));
    } catch {
      // A malformed escape is no file of ours: the page itself answers.
    }
    const file = resolve(HOST_DIR, relative || 'index.html');
    // Client-side routes of the host page (and anything outside its folder) all render index.html.
    const served = file.startsWith(HOST_DIR + sep) && existsSync(file) && TYPES[extname(file)] ? file : resolve(HOST_DIR, 'index.html');
    return reply.type(TYPES[extname(served)]).header('Cache-Control', 'no-cache').send(readFileSync(served));
  }
}
