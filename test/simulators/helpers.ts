// Small HTTP helpers for the simulator specs.
import { request } from 'node:http';
import type { Pax8Simulator } from '../../simulators/index.js';

export const NOW = Date.parse('2026-11-01T12:00:00Z');

export interface JsonResponse<T = any> { status: number; headers: Record<string, string | string[] | undefined>; body: T; text: string }

// node:http without keep-alive: every call is its own connection, so nothing lingers after a
// spec closes its simulators (fetch's pooled sockets kept jest workers alive).
export function call<T = any>(method: string, url: string, payload?: unknown, headers: Record<string, string> = {}): Promise<JsonResponse<T>> {
  const body = payload === undefined ? undefined : typeof payload === 'string' ? payload : JSON.stringify(payload);
  return send<T>(method, url, body === undefined ? headers : { 'content-type': 'application/json', ...headers }, body);
}

function send<T>(method: string, url: string, headers: Record<string, string>, payload?: string): Promise<JsonResponse<T>> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: any;
        try { body = JSON.parse(text); } catch { body = undefined; }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export function getJson<T = any>(url: string, token?: string): Promise<JsonResponse<T>> {
  return send<T>('GET', url, token ? { authorization: `Bearer ${token}` } : {});
}

export function postJson<T = any>(url: string, payload: unknown, contentType = 'application/json'): Promise<JsonResponse<T>> {
  return send<T>('POST', url, { 'content-type': contentType }, typeof payload === 'string' ? payload : JSON.stringify(payload));
}

export async function pax8Token(sim: Pax8Simulator): Promise<string> {
  const res = await postJson(sim.tokenUrl, {
    client_id: sim.clientId, client_secret: sim.clientSecret, audience: sim.audience, grant_type: 'client_credentials',
  });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${res.text}`);
  return res.body.access_token as string;
}

/** Walks a Pax8 list with page-number paging until page.totalPages; returns every record. */
export async function walkPax8<T = any>(baseUrl: string, token: string, size = 200): Promise<{ items: T[]; calls: number }> {
  const items: T[] = [];
  let calls = 0;
  for (let page = 0; ; page++) {
    const sep = baseUrl.includes('?') ? '&' : '?';
    const res = await getJson(`${baseUrl}${sep}page=${page}&size=${size}`, token);
    calls++;
    if (res.status !== 200) throw new Error(`${baseUrl} page ${page}: ${res.status} ${res.text}`);
    items.push(...res.body.content);
    if (page + 1 >= res.body.page.totalPages) return { items, calls };
  }
}

/** Walks a PanelOne cursor list until nextCursor is null. */
export async function walkPanelOne<T = any>(url: string, token: string, pageSize = 1000): Promise<{ items: T[]; calls: number }> {
  const items: T[] = [];
  let calls = 0;
  let cursor: string | null = null;
  do {
    const sep = url.includes('?') ? '&' : '?';
    const res: JsonResponse = await getJson(`${url}${sep}pageSize=${pageSize}${cursor ? `&after=${encodeURIComponent(cursor)}` : ''}`, token);
    calls++;
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${res.text}`);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor !== null);
  return { items, calls };
}
