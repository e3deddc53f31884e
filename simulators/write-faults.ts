// Faults on writes (PUT /subscriptions/{id}), apart from the read faults: what a client that
// makes its own writes safe must survive is an answer lost AFTER the change was applied, which
// no read fault models. Decided per PUT by a script (the nth write) or by seeded probabilities;
// the same seed and call sequence give the same faults.
import { mulberry32, type Rng } from './random.js';

/** `forbidden` (a 403 in Pax8's error shape, nothing applied) is scripted only: no rate draws it. */
export const WRITE_FAULT_KINDS = ['none', 'rate429', 'rate429RetryAfter', 'rate5xx', 'dropBeforeApply', 'dropAfterApply', 'rate5xxAfterApply', 'forbidden'] as const;
export type WriteFaultKind = (typeof WRITE_FAULT_KINDS)[number];

export interface WriteFaults {
  /** Seed of the write-fault RNG; default the read faults' seed, else 1. */
  seed?: number;
  /** Fate of the nth PUT (0-based, counted from setFaults); after the script the rates decide. */
  script?: WriteFaultKind[];
  /** Probability of a 429 (nothing applied); `retryAfterRatio` of them carry Retry-After. */
  rate429?: number;
  retryAfterRatio?: number;
  retryAfterSeconds?: number;
  /** Probability of a 500/502/503/504 before anything is applied. */
  rate5xx?: number;
  /** Probability that the socket is destroyed before anything is applied. */
  dropBeforeApplyRate?: number;
  /** Probability that the change is applied and then the socket is destroyed (answer lost). */
  dropAfterApplyRate?: number;
  /** Probability that the change is applied and then answered with a 5xx (a gateway time-out). */
  rate5xxAfterApply?: number;
  /** Someone else changes the quantity right after a GET /subscriptions/{id} is answered. */
  bumpAfterReadRate?: number;
  /** Indexes (0-based, counted from setFaults) of the GET /subscriptions/{id} calls followed by a bump. */
  bumpAfterReads?: number[];
  /** How much a bump changes the quantity; default +1 (never below 1). */
  bumpBy?: number;
  /**
   * PanelOne PATCH only: probability that someone saves the addition in the PSA (a new version,
   * the same quantity) just before the PATCH is served, so its If-Match is stale: a 412.
   */
  staleVersionRate?: number;
}

export interface WriteDecision { kind: WriteFaultKind; status?: number; retryAfter?: number }

const FIVE_XX = [500, 502, 503, 504];
const PROBABILITIES = ['rate429', 'retryAfterRatio', 'rate5xx', 'dropBeforeApplyRate', 'dropAfterApplyRate', 'rate5xxAfterApply', 'bumpAfterReadRate', 'staleVersionRate'] as const;

export function validateWriteFaults(faults: WriteFaults): void {
  if (typeof faults !== 'object' || faults === null || Array.isArray(faults)) throw new Error('writes must be an object');
  for (const key of PROBABILITIES) {
    const v = faults[key];
    if (v !== undefined && !(typeof v === 'number' && v >= 0 && v <= 1)) throw new Error(`writes.${key} must be a probability`);
  }
  if (faults.script !== undefined && !(Array.isArray(faults.script) && faults.script.every((k) => (WRITE_FAULT_KINDS as readonly string[]).includes(k)))) {
    throw new Error(`writes.script must list fault kinds (${WRITE_FAULT_KINDS.join(', ')})`);
  }
  if (faults.bumpAfterReads !== undefined && !(Array.isArray(faults.bumpAfterReads) && faults.bumpAfterReads.every((n) => Number.isInteger(n) && n >= 0))) {
    throw new Error('writes.bumpAfterReads must list non-negative integers');
  }
  if (faults.bumpBy !== undefined && !(Number.isInteger(faults.bumpBy) && faults.bumpBy !== 0)) throw new Error('writes.bumpBy must be a non-zero integer');
}

export class WriteFaultEngine {
  private faults: WriteFaults = {};
  private rng: Rng = mulberry32(1);
  private writes = 0;
  private reads = 0;

  get current(): Readonly<WriteFaults> { return this.faults; }

  set(faults: WriteFaults | undefined, fallbackSeed?: number): void {
    if (faults !== undefined) validateWriteFaults(faults);
    this.faults = faults ? structuredClone(faults) : {};
    this.rng = mulberry32(this.faults.seed ?? fallbackSeed ?? 1);
    this.writes = 0;
    this.reads = 0;
  }

  /** The fate of one PUT. Always draws two numbers, so decisions stay aligned. */
  decideWrite(): WriteDecision {
    const f = this.faults;
    const u = this.rng();
    const detail = this.rng();
    const scripted = f.script?.[this.writes++];
    const kind = scripted ?? this.drawKind(u);
    switch (kind) {
      case 'rate429': return { kind, status: 429, retryAfter: scripted === undefined && detail < (f.retryAfterRatio ?? 0) ? (f.retryAfterSeconds ?? 1) : undefined };
      case 'rate429RetryAfter': return { kind, status: 429, retryAfter: f.retryAfterSeconds ?? 1 };
      case 'rate5xx':
      case 'rate5xxAfterApply': return { kind, status: FIVE_XX[Math.floor(detail * FIVE_XX.length)] };
      default: return { kind };
    }
  }

  /** After a GET /subscriptions/{id}: by how much someone else changes the quantity (0: nobody). */
  decideBump(): number {
    const f = this.faults;
    const index = this.reads++;
    const scripted = f.bumpAfterReads?.includes(index) ?? false;
    // Draw only when a rate is set, so that reads do not move the write decisions otherwise.
    const drawn = f.bumpAfterReadRate ? this.rng() < f.bumpAfterReadRate : false;
    return scripted || drawn ? (f.bumpBy ?? 1) : 0;
  }

  /** Before a PATCH of an addition: whether its version moves first (drawn only when the rate is set). */
  decideStale(): boolean {
    return this.faults.staleVersionRate ? this.rng() < this.faults.staleVersionRate : false;
  }

  private drawKind(u: number): WriteFaultKind {
    const f = this.faults;
    const bands: Array<[WriteFaultKind, number | undefined]> = [
      ['dropBeforeApply', f.dropBeforeApplyRate], ['dropAfterApply', f.dropAfterApplyRate], ['rate429', f.rate429],
      ['rate5xx', f.rate5xx], ['rate5xxAfterApply', f.rate5xxAfterApply],
    ];
    let edge = 0;
    for (const [kind, rate] of bands) if (u < (edge += rate ?? 0)) return kind;
    return 'none';
  }
}
