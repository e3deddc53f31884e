import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DomainError, ErrorCode } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

export const PLUGIN_ID = 'billingone-reconcile';
export const BUNDLE_FILE = 'billingone-reconcile.js';

const COMMON_ATTRIBUTES = ['api-base', 'context-token'];

/** Where each widget mounts in PanelOne and what it takes. */
export const WIDGETS = [
  { tag: 'billingone-reconciliation', mount: 'dashboard', title: 'License reconciliation', attributes: COMMON_ATTRIBUTES },
  { tag: 'billingone-home-card', mount: 'dashboard', title: 'Under-licensed clients', attributes: [...COMMON_ATTRIBUTES, 'href'] },
  { tag: 'billingone-sync-tools', mount: 'dashboard', title: 'Sync tools', attributes: COMMON_ATTRIBUTES },
  { tag: 'billingone-missed-billing', mount: 'dashboard', title: 'Missed billing', attributes: [...COMMON_ATTRIBUTES, 'client-href'] },
  { tag: 'billingone-products', mount: 'dashboard', title: 'Per product', attributes: COMMON_ATTRIBUTES },
  { tag: 'billingone-action-queue', mount: 'dashboard', title: 'Pax8 changes', attributes: COMMON_ATTRIBUTES },
  { tag: 'billingone-client-panel', mount: 'client-page', title: 'Licenses vs devices', attributes: [...COMMON_ATTRIBUTES, 'client-id'] },
  { tag: 'billingone-settings', mount: 'settings', title: 'BillingOne Reconcile', attributes: COMMON_ATTRIBUTES },
] as const;

@Injectable()
export class PluginService {
  private readonly bundleDir = resolve(process.env.PLUGIN_BUNDLE_DIR ?? 'dist/plugin');
  private readonly version: string = JSON.parse(readFileSync(resolve('package.json'), 'utf8')).version;
  private cached?: { body: Buffer; etag: string };
  private readonly manifestBody: Readonly<Record<string, unknown>>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    // From configuration only, never from Host or X-Forwarded-* (a caller could point the
    // bundle anywhere). Without PUBLIC_URL the URLs are root-relative: PanelOne resolves them
    // against the manifest's own address.
    const base = config.publicUrl;
    this.manifestBody = Object.freeze({
      id: PLUGIN_ID,
      name: 'BillingOne Reconcile',
      version: this.version,
      bundleUrl: `${base}/plugin/${BUNDLE_FILE}`,
      apiBase: base || '/',
      widgets: WIDGETS,
    });
  }

  manifest() {
    return this.manifestBody;
  }

  private load(): { body: Buffer; etag: string } {
    if (this.cached) return this.cached;
    const path = resolve(this.bundleDir, BUNDLE_FILE);
    if (!existsSync(path)) {
      throw new DomainError(ErrorCode.NotFound, 'Widget bundle not built; run `npm run build`');
    }
    const body = readFileSync(path);
    this.cached = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    return this.cached;
  }

  sendBundle(req: FastifyRequest, reply: FastifyReply): FastifyReply {
    const { body, etag } = this.load();
    reply.header('Content-Type', 'text/javascript; charset=utf-8');
    reply.header('Cache-Control', 'public, max-age=300, must-revalidate');
    reply.header('ETag', etag);
    if (req.headers['if-none-match'] === etag) return reply.code(304).send();
    return reply.code(200).send(body);
  }
}
