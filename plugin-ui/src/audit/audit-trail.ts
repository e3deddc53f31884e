// A client's audit trail as sentences a billing lead reads: who, when, what, and what changed
// from → to, never raw JSON. Types this widget does not know yet still read as words.
import { html, nothing, type TemplateResult } from 'lit';
import { formatDateTime, formatDay, formatVariance, humanize } from '../shared/format.js';
import type { AuditEntry, AuditList } from '../shared/types.js';
import { REASON_LABELS } from '../gaps/gap-labels.js';

const WHAT: Record<string, string> = {
  'mapping.changed': 'changed the Pax8 company mapping',
  'product.per-device-changed': 'changed whether a product counts as a per-device license',
  'gap.exception-accepted': 'accepted a gap',
  'gap.exception-removed': 'removed an exception',
  'gap.exception-expired': 'ended an exception (its end date passed, or the gap grew or changed sign)',
  'action.proposed': 'proposed a Pax8 change',
  'action.approved': 'approved a Pax8 change',
  'action.applying': 'started applying a Pax8 change',
  'action.applied': 'applied a Pax8 change',
  'action.failed': 'saw a Pax8 change fail',
  'action.conflict': 'stopped a Pax8 change (the quantity had moved)',
  'action.cancelled': 'cancelled a Pax8 change',
  'action.scheduled': 'scheduled a Pax8 change',
};

/** Fields that are bookkeeping, not what a person decided. */
const QUIET = new Set(['id', 'tenantId', 'clientId', 'actionId', 'itemId', 'productId', 'subscriptionId', 'type', 'at', 'by', 'updatedAt', 'createdAt']);

type Plain = Record<string, unknown>;

export function actorText(entry: Pick<AuditEntry, 'actor' | 'actorRole'>): string {
  if (entry.actorRole === 'system') return entry.actor === 'worker' ? 'The worker' : 'The system';
  if (entry.actorRole === 'api-key') return `API key ${entry.actor.replace(/^api-key:/, '')}`;
  return `${entry.actor} (${entry.actorRole})`;
}

export function valueText(key: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return 'none';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (key === 'reason' && typeof value === 'string') return REASON_LABELS[value as keyof typeof REASON_LABELS]?.replace(' (explain in the note)', '') ?? value;
  if (key === 'state' && typeof value === 'string') return humanize(value).toLowerCase();
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDay(value);
  if (typeof value === 'object' && 'amount' in (value as Plain)) return `${(value as Plain).amount} ${(value as Plain).currency ?? ''}`.trim();
  if (Array.isArray(value)) return value.map((item) => valueText(key, item)).join(', ') || 'none';
  if (typeof value === 'object') return Object.entries(value as Plain).map(([name, inner]) => `${humanize(name).toLowerCase()} ${valueText(name, inner)}`).join(', ');
  return String(value);
}

/** The fields a person decided, in the order they read best; the rest follow. */
const ORDER = ['reason', 'note', 'until', 'acceptedVariance', 'outcome'];

function label(key: string): string {
  return humanize(key.replace(/([a-z])([A-Z])/g, '$1 $2')).toLowerCase();
}

function fieldText(key: string, value: unknown): string {
  if (key === 'until') return value ? `until ${valueText(key, value)}` : 'no end date';
  if (key === 'acceptedVariance' && typeof value === 'number') return `accepted variance ${formatVariance(value)}`;
  if (key === 'outcome') return valueText(key, value);
  return `${label(key)} ${valueText(key, value)}`;
}

/** "reason Client owns the license; no end date" for a new thing, "note a → b" for a change, only the fields that differ. */
export function changeText(before: Plain | null, after: Plain | null, quiet: ReadonlySet<string> = QUIET): string {
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])].filter((key) => !quiet.has(key))
    .sort((a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99));
  const parts: string[] = [];
  const from = before?.fromQuantity ?? after?.fromQuantity;
  const to = before?.toQuantity ?? after?.toQuantity;
  if (typeof from === 'number' && typeof to === 'number') parts.push(`quantity ${from} → ${to}`);
  for (const key of keys) {
    if (key === 'fromQuantity' || key === 'toQuantity' || key === 'productName' || key === 'clientName') continue;
    const old = before?.[key];
    const now = after?.[key];
    if (JSON.stringify(old) === JSON.stringify(now)) continue;
    if (!before || old === undefined) parts.push(fieldText(key, now));
    else if (!after) parts.push(fieldText(key, old));
    else parts.push(`${label(key)} ${valueText(key, old)} → ${valueText(key, now)}`);
  }
  return before && !after && parts.length ? `was ${parts.join('; ')}` : parts.join('; ');
}

/** `productNames`: product id → name, so "on SentinelOne Control" instead of an id. */
export function auditSentence(entry: AuditEntry, productNames: ReadonlyMap<string, string> = new Map()): string {
  const what = WHAT[entry.type] ?? humanize(entry.type.replace('.', ' '));
  const productId = (entry.after?.productId ?? entry.before?.productId) as string | undefined;
  const product = (entry.after?.productName ?? entry.before?.productName ?? (productId && productNames.get(productId))) as string | undefined;
  // An action's verb already names its state.
  const change = changeText(entry.before, entry.after, entry.type.startsWith('action.') ? new Set([...QUIET, 'state']) : QUIET);
  return `${actorText(entry)} ${what}${product ? ` on ${product}` : ''}${change ? `: ${change}` : ''}.`;
}

export function renderAuditTrail(list: AuditList | undefined, state: 'pending' | 'error' | 'forbidden' | 'ready', retry: () => void, productNames: ReadonlyMap<string, string>): TemplateResult {
  return html`<section class="panel wide audit" part="section" aria-labelledby="audit-title">
    <h3 id="audit-title">Audit trail</h3>
    ${state === 'forbidden' ? html`<p class="muted">Only admins can see who changed what.</p>`
      : state === 'pending' && !list ? html`<p class="muted" role="status">Loading the audit trail…</p>`
      : state === 'error' ? html`<p class="error" role="alert">The audit trail could not be loaded. <button class="btn" @click=${retry}>Retry</button></p>`
      : !list?.items.length ? html`<p class="muted">No changes recorded for this client yet.</p>`
      : html`<ul class="audit-list" aria-label="Changes, newest first">${list.items.map((entry) => html`<li data-type=${entry.type}>
          <time datetime=${entry.at}>${formatDateTime(entry.at)}</time> <span class="sentence">${auditSentence(entry, productNames)}</span></li>`)}</ul>
        ${list.total > list.items.length ? html`<p class="muted">Showing the latest ${list.items.length} of ${list.total}.</p>` : nothing}`}
  </section>`;
}
