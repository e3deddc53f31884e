// PanelOne billing API of the simulator (docs/contracts-panelone.md, "Billing API"): agreements,
// their additions and the PSA catalog with the RMM API's cursor paging, and the one write,
// PATCH /api/v2/agreements/{agreementId}/additions/{additionId}:
// - If-Match: "<version>" is required (428 without); a version that no longer matches is a 412
//   with the current addition's ETag; nothing changes.
// - Idempotency-Key is required (400 without). A key is remembered once its change was applied:
//   the same key with the same body (and addition) answers the first answer again without
//   applying anything; the same key with another body is a 409. A refused request (4xx) does not
//   use its key up, so a caller may re-read and try again with it.
// - The body is { quantity, effectiveDate? }: quantity a whole number from 0 to MAX_QUANTITY,
//   effectiveDate a YYYY-MM-DD day; anything else is a 422 that changes nothing, as is a write
//   to a cancelled addition or to an agreement that is not ACTIVE.
// The read faults apply to every call; the write faults (write-faults.ts) to the PATCH, before
// the change (429, 5xx, drop) or after it (drop, 5xx: the answer is lost). Every PATCH lands in
// the write log.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Addition, Agreement, BillingWorld } from './billing-data.js';
import { answerApplied, answerBeforeApply, applyFault, readBody, sendJson, sendRaw, type FaultEngine, type StatsRecorder } from './http-kit.js';

export const MAX_ADDITION_QUANTITY = 100_000;

export type BillingWriteOutcome = 'applied' | 'replayed' | 'refused' | 'failed-before-apply' | 'dropped-after-apply' | 'failed-after-apply' | 'changed-out-of-band';

export interface BillingWriteLogEntry {
  seq: number;
  at: string;
  agreementId: string;
  additionId: string;
  idempotencyKey: string | null;
  ifMatch: string | null;
  body: unknown;
  outcome: BillingWriteOutcome;
  /** null when the socket was destroyed without an answer. */
  status: number | null;
  fault?: string;
  message?: string;
  quantityBefore: number | null;
  quantityAfter: number | null;
  versionBefore: number | null;
  versionAfter: number | null;
}

interface Remembered { fingerprint: string; status: number; body: string }

export const etagOf = (addition: Addition) => `"${addition.version}"`;

export class BillingBook {
  private log: BillingWriteLogEntry[] = [];
  private readonly keys = new Map<string, Remembered>();

  constructor(readonly world: BillingWorld, private readonly clock: () => number) {}

  entries(): BillingWriteLogEntry[] { return structuredClone(this.log); }
  clear(): void { this.log = []; }

  agreement(id: string): Agreement | undefined { return this.world.agreements.find((a) => a.id === id); }
  addition(agreementId: string, id: string): Addition | undefined {
    return this.world.additions.find((a) => a.id === id && a.agreementId === agreementId);
  }

  record(entry: Omit<BillingWriteLogEntry, 'seq' | 'at'>): void {
    this.log.push({ seq: this.log.length + 1, at: new Date(this.clock()).toISOString(), ...entry });
  }

  /** Someone else (a person in the PSA) changed the addition: a new version. */
  changeOutOfBand(addition: Addition, change: { quantity?: number }): void {
    const before = { quantity: addition.quantity, version: addition.version };
    if (change.quantity !== undefined) addition.quantity = change.quantity;
    addition.version++;
    this.record({
      agreementId: addition.agreementId, additionId: addition.id, idempotencyKey: null, ifMatch: null, body: change, outcome: 'changed-out-of-band', status: null,
      quantityBefore: before.quantity, quantityAfter: addition.quantity, versionBefore: before.version, versionAfter: addition.version,
    });
  }

  remembered(key: string): Remembered | undefined { return this.keys.get(key); }
  remember(key: string, value: Remembered): void { this.keys.set(key, value); }
}

/** What a repeated key must repeat: the addition written and the body, canonically. */
function fingerprint(agreementId: string, additionId: string, body: unknown): string {
  const canonical = (v: unknown): unknown => (Array.isArray(v) ? v.map(canonical)
    : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, canonical(x)])) : v);
  return createHash('sha256').update(JSON.stringify([agreementId, additionId, canonical(body)])).digest('hex');
}

class Refusal extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

function validate(body: unknown, addition: Addition, agreement: Agreement): { quantity: number; effectiveDate?: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Refusal(422, 'The body must be a JSON object { quantity, effectiveDate? }');
  const unknown = Object.keys(body).filter((k) => k !== 'quantity' && k !== 'effectiveDate');
  if (unknown.length) throw new Refusal(422, `${unknown.join(', ')} cannot be changed (only quantity and effectiveDate)`);
  const { quantity, effectiveDate } = body as { quantity?: unknown; effectiveDate?: unknown };
  if (!(typeof quantity === 'number' && Number.isInteger(quantity) && quantity >= 0 && quantity <= MAX_ADDITION_QUANTITY)) {
    throw new Refusal(422, `quantity must be a whole number from 0 to ${MAX_ADDITION_QUANTITY}`);
  }
  if (effectiveDate !== undefined && !(typeof effectiveDate === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(effectiveDate) && !Number.isNaN(Date.parse(effectiveDate)))) {
    throw new Refusal(422, 'effectiveDate must be a day (YYYY-MM-DD)');
  }
  if (addition.cancelledDate !== null) throw new Refusal(422, `The addition was cancelled on ${addition.cancelledDate} and cannot be changed`);
  if (agreement.status !== 'ACTIVE') throw new Refusal(422, `The agreement is ${agreement.status} and cannot be changed`);
  return { quantity, effectiveDate: effectiveDate as string | undefined };
}

export interface BillingWriteContext {
  engine: FaultEngine;
  stats: StatsRecorder;
  book: BillingBook;
  /** An error message when the bearer token does not authorise the call. */
  checkBearer(req: IncomingMessage): string | null;
  errorBody(status: number, message: string): unknown;
}

/** Serves one PATCH of an addition, and logs it. */
export async function servePatchAddition(
  ctx: BillingWriteContext, req: IncomingMessage, res: ServerResponse, agreementId: string, additionId: string, pathWithQuery: string,
): Promise<void> {
  const { engine, stats, book } = ctx;
  let raw = '';
  try { raw = await readBody(req, 100_000); } catch { raw = ''; }
  let body: unknown = raw;
  let parsed = true;
  try { body = JSON.parse(raw); } catch { parsed = false; }
  const addition = book.addition(agreementId, additionId);
  const agreement = book.agreement(agreementId);
  const header = (name: string) => { const v = req.headers[name]; return typeof v === 'string' ? v : null; };
  const key = header('idempotency-key');
  const ifMatch = header('if-match');
  const before = { quantity: addition?.quantity ?? null, version: addition?.version ?? null };
  const log = (outcome: BillingWriteOutcome, status: number | null, extra: { fault?: string; message?: string } = {}) => book.record({
    agreementId, additionId, idempotencyKey: key, ifMatch, body, outcome, status, ...extra,
    quantityBefore: before.quantity, quantityAfter: addition?.quantity ?? null, versionBefore: before.version, versionAfter: addition?.version ?? null,
  });
  const fail = (status: number, message: string, headers: Record<string, string> = {}) => {
    stats.status(status);
    sendJson(res, status, ctx.errorBody(status, message), headers);
    log('refused', status, { message });
  };

  const decision = engine.decide(pathWithQuery);
  if (await applyFault(decision, res, stats, ctx.errorBody, '{"id":"add-0')) {
    return log('failed-before-apply', decision.kind === 'drop' ? null : (decision.status ?? 200), { fault: decision.kind });
  }
  const authError = ctx.checkBearer(req);
  if (authError) return fail(401, authError);
  const fault = engine.writes.decideWrite();
  const stopped = answerBeforeApply(res, fault, stats, ctx.errorBody);
  if (stopped) return log(stopped.outcome, stopped.status, { fault: stopped.fault });
  if (!addition || !agreement) return fail(404, 'Addition not found');
  if (!key || key.trim() === '' || key.length > 255) return fail(400, 'Idempotency-Key header is required (at most 255 characters)');
  const print = fingerprint(agreementId, additionId, parsed ? body : raw);
  const seen = book.remembered(key);
  if (seen) {
    if (seen.fingerprint !== print) return fail(409, 'This Idempotency-Key was already used with another request');
    stats.status(seen.status);
    sendRaw(res, seen.status, seen.body, { etag: etagOf(addition), 'idempotent-replayed': 'true' });
    return log('replayed', seen.status);
  }
  if (!ifMatch) return fail(428, 'If-Match header is required (the addition\'s version, as its ETag)');
  if (!(req.headers['content-type'] ?? '').includes('application/json')) return fail(415, 'Content-Type must be application/json');
  if (!parsed) return fail(422, 'Malformed JSON body');
  let change: ReturnType<typeof validate>;
  try {
    change = validate(body, addition, agreement);
  } catch (err) {
    if (err instanceof Refusal) return fail(err.status, err.message);
    throw err;
  }
  // A save in the PSA racing this write (write-faults staleVersionRate): a new version, same quantity.
  if (engine.writes.decideStale()) book.changeOutOfBand(addition, {});
  const wanted = ifMatch.trim().replace(/^W\//, '');
  if (wanted !== etagOf(addition) && wanted !== '*') {
    return fail(412, `The addition changed since it was read (version ${addition.version} now)`, { etag: etagOf(addition) });
  }
  addition.quantity = change.quantity;
  if (change.effectiveDate) addition.effectiveDate = change.effectiveDate;
  addition.version++;
  const answer = JSON.stringify(addition);
  book.remember(key, { fingerprint: print, status: 200, body: answer });
  const sent = answerApplied(res, fault, stats, ctx.errorBody, answer, { etag: etagOf(addition) });
  log(sent.outcome, sent.status, sent.fault ? { fault: sent.fault } : {});
}
