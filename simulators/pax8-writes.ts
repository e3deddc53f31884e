// PUT /v1/subscriptions/{id} of the Pax8 simulator: the body is validated against the request
// schema of Pax8's OpenAPI document, then Pax8's rules on quantity changes apply, and every
// write, refused or not, lands in a log the tests read.
//
// Rules (docs/contracts-pax8.md, "The quantity write"):
// - The body must match the document's request schema (a writable Subscription with at least one
//   of price, billingTerm, quantity, startDate). Stricter than the document, so that a client
//   cannot come to rely on what Pax8 ignores: read-only and unknown fields are refused, and a
//   field other than quantity and price is taken only when it equals the current value.
// - quantity: a whole number from 1 to MAX_QUANTITY (a subscription ends by cancelling it).
// - Cancelled / PendingCancel subscriptions and those with a future startDate take no update.
// - Decreases: refused while a commitment term runs (commitmentTerm.endDate in the future, as
//   for Microsoft NCE annual terms); outside a commitment refused too for products whose
//   productMeta.decreaseThroughApi is false (most non-Microsoft products, as Pax8's developer
//   notes say). Increases are taken. Each refusal is a 422 in Pax8's error shape.
// - A change applies at once: partnerCost (and price, when it was the tier's suggested price)
//   follow the volume tier of the new quantity, and updatedDate moves.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dataset, Subscription } from './dataset.js';
import { answerApplied, answerBeforeApply, applyFault, readBody, type FaultEngine, type StatsRecorder } from './http-kit.js';

export const MAX_QUANTITY = 100_000;
const DOCUMENT = join('test', 'simulators', 'fixtures', 'partner-endpoints.openapi.json');
const SPEC_ID = 'https://sim.local/pax8-partner-request.json';
const FIXED_FIELDS = ['billingTerm', 'startDate', 'endDate', 'currencyCode', 'partnerCost'] as const;
const NO_UPDATE_STATUSES = ['Cancelled', 'PendingCancel'];

export type WriteOutcome = 'applied' | 'refused' | 'failed-before-apply' | 'dropped-after-apply' | 'failed-after-apply' | 'changed-out-of-band';

export interface WriteLogEntry {
  seq: number;
  /** Simulator time (ISO). */
  at: string;
  subscriptionId: string;
  /** The body as parsed, or its text when it is not JSON. */
  body: unknown;
  outcome: WriteOutcome;
  /** HTTP status answered; null when the socket was destroyed without an answer. */
  status: number | null;
  /** The injected fault, if one decided the call. */
  fault?: string;
  message?: string;
  /** null for an unknown subscription. */
  quantityBefore: number | null;
  quantityAfter: number | null;
}

export type Detail = { type?: string; message: string };

export class WriteRefusal extends Error {
  constructor(readonly status: number, message: string, readonly details: Detail[] = []) { super(message); }
}

/** Pax8's partner document, found from this file up (simulators/ or dist/simulators/). */
function loadPartnerDocument(): Record<string, any> {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++, dir = dirname(dir)) {
    const candidate = join(dir, DOCUMENT);
    if (existsSync(candidate)) return JSON.parse(readFileSync(candidate, 'utf8'));
  }
  throw new Error(`Pax8 simulator: ${DOCUMENT} not found`);
}

/** The schemas as a request sees them: no readOnly property, and no property the schema does not name. */
function writable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(writable);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = writable(v);
  if (out.properties && typeof out.properties === 'object') {
    out.properties = Object.fromEntries(Object.entries(out.properties as Record<string, { readOnly?: boolean }>).filter(([, v]) => !v?.readOnly));
    if (out.additionalProperties === undefined) out.additionalProperties = false;
  }
  return out;
}

let cachedValidator: ValidateFunction | undefined;

/** Validates a PUT body against the document's request schema (compiled once per process). */
export function requestValidator(): ValidateFunction {
  if (cachedValidator) return cachedValidator;
  const document = loadPartnerDocument();
  const schema = document.paths['/subscriptions/{subscriptionId}'].put.requestBody.content['application/json'].schema;
  const [subscriptionRef, ...rest] = schema.allOf as Array<Record<string, unknown>>;
  const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;
  const ajv = new Ajv({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  ajv.addSchema({ $id: SPEC_ID, components: writable(document.components) });
  // Only the Subscription part is closed: the anyOf branches name one field each.
  const request = { allOf: [{ $ref: `${SPEC_ID}${String(subscriptionRef.$ref)}` }, ...rest] };
  cachedValidator = ajv.compile(JSON.parse(JSON.stringify(request).replaceAll('"#/components/', `"${SPEC_ID}#/components/`)));
  return cachedValidator;
}

const UPDATABLE = ['price', 'billingTerm', 'quantity', 'startDate'];

function schemaDetails(errors: ErrorObject[] | null | undefined, body: unknown): Detail[] {
  // The anyOf branches each report their one missing field: say it once, and only when none was sent.
  const sentOne = typeof body === 'object' && body !== null && UPDATABLE.some((k) => k in body);
  const details = (errors ?? []).filter((e) => !(e.keyword === 'required' && e.schemaPath.includes('/anyOf/')) && !(e.keyword === 'anyOf' && sentOne)).map((e): Detail => {
    const field = e.instancePath.replace(/^\//, '').replaceAll('/', '.')
      || (e.params as { additionalProperty?: string; missingProperty?: string }).additionalProperty
      || (e.params as { missingProperty?: string }).missingProperty || 'body';
    if (e.keyword === 'anyOf') return { type: 'body', message: `at least one of ${UPDATABLE.join(', ')} is required` };
    return { type: field, message: `${field} ${e.keyword === 'additionalProperties' ? 'is not a field that can be updated' : (e.message ?? 'is invalid')}` };
  });
  return details.filter((d, i) => details.findIndex((o) => o.message === d.message) === i);
}

const isoTime = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString();

export class SubscriptionWrites {
  private log: WriteLogEntry[] = [];
  private validate = requestValidator();

  constructor(private readonly dataset: Dataset, private readonly clock: () => number) {}

  entries(): WriteLogEntry[] { return structuredClone(this.log); }

  clear(): void { this.log = []; }

  record(entry: Omit<WriteLogEntry, 'seq' | 'at'>): void {
    this.log.push({ seq: this.log.length + 1, at: isoTime(this.clock()), ...entry });
  }

  /** Throws a WriteRefusal for a body Pax8 would refuse; returns the new quantity and price. */
  check(subscription: Subscription, body: unknown): { quantity?: number; price?: number } {
    if (!this.validate(body)) {
      const details = schemaDetails(this.validate.errors, body);
      throw new WriteRefusal(422, `Invalid subscription update: ${details.map((d) => d.message).join('; ')}`, details);
    }
    const update = body as Record<string, unknown>;
    const quantity = update.quantity as number | undefined;
    if (quantity !== undefined && !(Number.isInteger(quantity) && quantity >= 1 && quantity <= MAX_QUANTITY)) {
      throw new WriteRefusal(422, `Invalid quantity ${quantity}`, [{ type: 'quantity', message: `quantity must be a whole number from 1 to ${MAX_QUANTITY}` }]);
    }
    const price = update.price as number | undefined;
    if (price !== undefined && price < 0) throw new WriteRefusal(422, `Invalid price ${price}`, [{ type: 'price', message: 'price must not be negative' }]);
    if (NO_UPDATE_STATUSES.includes(subscription.status)) throw new WriteRefusal(422, `Subscription is ${subscription.status} and cannot be updated`);
    const now = this.clock();
    if (Date.parse(subscription.startDate) > now) throw new WriteRefusal(422, 'Updates are not supported for subscriptions with a future start date');
    for (const field of FIXED_FIELDS) {
      if (update[field] !== undefined && update[field] !== subscription[field]) {
        throw new WriteRefusal(422, `Changing ${field} is not supported`, [{ type: field, message: `${field} can only be sent with its current value` }]);
      }
    }
    if (quantity !== undefined && quantity < subscription.quantity) this.checkDecrease(subscription, now);
    return { quantity, price };
  }

  private checkDecrease(subscription: Subscription, now: number): void {
    const commitment = subscription.commitmentTerm;
    if (commitment && Date.parse(commitment.endDate) > now) {
      throw new WriteRefusal(422, `Quantity decreases for commitment subscriptions are only possible at renewal (endDate ${commitment.endDate.slice(0, 10)})`,
        [{ type: 'quantity', message: `commitmentTerm ${commitment.term} ends ${commitment.endDate}` }]);
    }
    if (!(this.dataset.productMeta[subscription.productId]?.decreaseThroughApi ?? false)) {
      throw new WriteRefusal(422, `Quantity decreases for ${subscription.productName} are not possible through the API; make them in the Pax8 portal`,
        [{ type: 'quantity', message: 'this product takes quantity decreases only in the Pax8 portal' }]);
    }
  }

  apply(subscription: Subscription, change: { quantity?: number; price?: number }): void {
    const before = { quantity: subscription.quantity, price: subscription.price };
    if (change.quantity !== undefined && change.quantity !== subscription.quantity) {
      const tierOf = (q: number) => this.dataset.pricing[subscription.productId]?.find((p) => p.billingTerm === subscription.billingTerm)
        ?.rates.find((r) => q >= r.startQuantityRange && (r.endQuantityRange === undefined || q <= r.endQuantityRange));
      const oldTier = tierOf(subscription.quantity);
      const newTier = tierOf(change.quantity);
      subscription.quantity = change.quantity;
      if (newTier) {
        subscription.partnerCost = newTier.partnerBuyRate;
        if (oldTier && subscription.price === oldTier.suggestedRetailPrice) subscription.price = newTier.suggestedRetailPrice;
      }
    }
    if (change.price !== undefined) subscription.price = change.price;
    if (subscription.quantity !== before.quantity || subscription.price !== before.price) this.touch(subscription);
  }

  /** Someone else (the Pax8 portal, another tool) changed the quantity. */
  changeOutOfBand(subscription: Subscription, quantity: number, before = subscription.quantity): void {
    subscription.quantity = quantity;
    this.touch(subscription);
    this.record({ subscriptionId: subscription.id, body: { quantity }, outcome: 'changed-out-of-band', status: null, quantityBefore: before, quantityAfter: quantity });
  }

  private touch(subscription: Subscription): void {
    subscription.updatedDate = isoTime(Math.max(this.clock(), Date.parse(subscription.updatedDate) + 1000));
  }
}

export interface WriteContext {
  engine: FaultEngine;
  stats: StatsRecorder;
  writes: SubscriptionWrites;
  /** An error message when the bearer token does not authorise the call. */
  checkBearer(req: IncomingMessage): string | null;
  errorBody(status: number, message: string): unknown;
  malformed: string;
}

type Fail = (status: number, message: string, details?: Detail[]) => void;

/**
 * Serves one PUT and logs it. The read faults act first (nothing applied); the write faults
 * after the token check, before applying (429, 5xx, drop) or after it (drop, 5xx: answer lost).
 */
export async function serveWrite(
  ctx: WriteContext, req: IncomingMessage, res: ServerResponse,
  subscription: Subscription | undefined, id: string, pathWithQuery: string, fail: Fail,
): Promise<void> {
  const { engine, stats, writes } = ctx;
  let raw: string;
  try { raw = await readBody(req, 100_000); } catch { raw = ''; }
  let body: unknown = raw.trim() === '' ? null : raw;
  let parsed = true;
  try { if (raw.trim() !== '') body = JSON.parse(raw); } catch { parsed = false; }
  const quantityBefore = subscription?.quantity ?? null;
  const log = (outcome: WriteOutcome, status: number | null, extra: { fault?: string; message?: string } = {}) => writes.record({
    subscriptionId: id, body, outcome, status, ...extra, quantityBefore, quantityAfter: subscription?.quantity ?? null,
  });
  const decision = engine.decide(pathWithQuery);
  if (await applyFault(decision, res, stats, ctx.errorBody, ctx.malformed)) {
    return log('failed-before-apply', decision.kind === 'drop' ? null : (decision.status ?? 200), { fault: decision.kind });
  }
  const refuse: Fail = (status, message, details = []) => { log('refused', status, { message }); fail(status, message, details); };
  const authError = ctx.checkBearer(req);
  if (authError) return refuse(401, authError);
  const fault = engine.writes.decideWrite();
  if (fault.kind === 'forbidden') return refuse(403, 'The partner credentials are not allowed to update this subscription');
  const stopped = answerBeforeApply(res, fault, stats, ctx.errorBody);
  if (stopped) return log(stopped.outcome, stopped.status, { fault: stopped.fault });
  if (!subscription) return refuse(404, 'Subscription not found');
  if (!(req.headers['content-type'] ?? '').includes('application/json')) return refuse(415, 'Content-Type must be application/json');
  if (!parsed) return refuse(422, 'Malformed JSON body', [{ type: 'body', message: 'body is not JSON' }]);
  let change: ReturnType<SubscriptionWrites['check']>;
  try {
    change = writes.check(subscription, body);
  } catch (err) {
    if (err instanceof WriteRefusal) return refuse(err.status, err.message, err.details);
    throw err;
  }
  writes.apply(subscription, change);
  const sent = answerApplied(res, fault, stats, ctx.errorBody, JSON.stringify(subscription));
  log(sent.outcome, sent.status, sent.fault ? { fault: sent.fault } : {});
}
