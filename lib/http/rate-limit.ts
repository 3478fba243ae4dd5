// Rate limits per caller (token buckets): one budget for ingestion-type routes ("write") and one for
// everything else, per API key, per console session, or per client address when unauthenticated.
//
// Where the state lives: in this process's memory. That keeps the check free (no database round
// trip on the hottest path, ingestion) and means that with several instances behind a load balancer
// each instance enforces its own buckets: the effective limit for one key is N × instances. A
// restart refills every bucket. Limits are a guard against runaway clients, not a billing meter, so
// that trade is deliberate; put a shared limiter in the proxy in front if a hard global cap is needed.
import type { Access, Principal } from "@/lib/auth/principal";
import { ApiError } from "./errors";

export type Budget = "write" | "api";
export type Limit = { ratePerSec: number; burst: number };
export type Verdict = { ok: true } | { ok: false; retryAfterSec: number };

/** Generous defaults: tests and benchmarks on one machine never reach them. */
export const DEFAULT_LIMITS: Record<Budget, string> = {
  write: "5000/s burst 10000",
  api: "1000/s burst 2000",
};

const UNIT_SECONDS: Record<string, number> = { s: 1, sec: 1, second: 1, m: 60, min: 60, minute: 60, h: 3600, hour: 3600 };

/**
 * Parses "N/s burst M" (also "N/m", "N/h", "N/s" alone, or a bare "N" per second); the burst
 * defaults to one second's worth (at least 1). "0", "off" or "none" turn the budget off (null).
 * Anything unreadable is an error, so a typo in the environment is noticed at start.
 */
export function parseLimit(text: string): Limit | null {
  const t = text.trim().toLowerCase();
  if (t === "0" || t === "off" || t === "none" || t === "false") return null;
  const m = /^(\d+(?:\.\d+)?)\s*(?:\/\s*([a-z]+))?\s*(?:,?\s*burst\s*(\d+))?$/.exec(t);
  if (!m) throw new Error(`Unreadable rate limit "${text}": write it as "100/s burst 200", "600/m" or 0 for off`);
  const unit = m[2] ?? "s";
  const seconds = UNIT_SECONDS[unit];
  if (!seconds) throw new Error(`Unknown rate limit unit "${unit}" in "${text}": use s, m or h`);
  const ratePerSec = Number(m[1]) / seconds;
  if (ratePerSec <= 0) return null;
  const burst = m[3] !== undefined ? Number(m[3]) : Math.max(1, Math.ceil(ratePerSec));
  if (burst < 1) return null;
  return { ratePerSec, burst };
}

type Bucket = { tokens: number; at: number };

const MAX_BUCKETS = 100_000;

/** A set of token buckets for one budget. `now` is injectable so tests need no sleeping. */
export class TokenBuckets {
  private buckets = new Map<string, Bucket>();

  constructor(
    readonly limit: Limit,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes one token from the caller's bucket, or says how long until one is available. */
  take(caller: string, cost = 1): Verdict {
    const t = this.now();
    const { ratePerSec, burst } = this.limit;
    let b = this.buckets.get(caller);
    if (!b) {
      if (this.buckets.size >= MAX_BUCKETS) this.sweep(t);
      b = { tokens: burst, at: t };
      this.buckets.set(caller, b);
    } else {
      b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * ratePerSec);
      b.at = t;
    }
    if (b.tokens >= cost) {
      b.tokens -= cost;
      return { ok: true };
    }
    return { ok: false, retryAfterSec: Math.max(1, Math.ceil((cost - b.tokens) / ratePerSec)) };
  }

  get size() {
    return this.buckets.size;
  }

  /** Forgets buckets that have refilled (the same as absent); bounds memory under many callers. */
  private sweep(t: number) {
    const { ratePerSec, burst } = this.limit;
    for (const [k, b] of this.buckets) {
      if (b.tokens + ((t - b.at) / 1000) * ratePerSec >= burst) this.buckets.delete(k);
    }
    // Everybody is mid-burst (a flood of distinct callers): start over rather than grow without bound.
    if (this.buckets.size >= MAX_BUCKETS) this.buckets.clear();
  }
}

export type RateLimiter = { check(budget: Budget, caller: string): Verdict };

/** Builds the limiter from PATHWISE_RATE_LIMIT_WRITE and PATHWISE_RATE_LIMIT_API (or given texts). */
export function createRateLimiter(env: { write?: string; api?: string } = {}, now?: () => number): RateLimiter {
  const write = parseLimit(env.write ?? DEFAULT_LIMITS.write);
  const api = parseLimit(env.api ?? DEFAULT_LIMITS.api);
  const sets: Record<Budget, TokenBuckets | null> = {
    write: write ? new TokenBuckets(write, now) : null,
    api: api ? new TokenBuckets(api, now) : null,
  };
  return {
    check(budget, caller) {
      return sets[budget]?.take(caller) ?? { ok: true };
    },
  };
}

const holder = globalThis as unknown as { __pathwiseRateLimiter?: RateLimiter };

/** The process's limiter, read from the environment once. */
export function rateLimiter(): RateLimiter {
  holder.__pathwiseRateLimiter ??= createRateLimiter({
    write: process.env.PATHWISE_RATE_LIMIT_WRITE || undefined,
    api: process.env.PATHWISE_RATE_LIMIT_API || undefined,
  });
  return holder.__pathwiseRateLimiter;
}

/** Replaces the process's limiter (tests) or, with no argument, makes it re-read the environment. */
export function resetRateLimiter(limiter?: RateLimiter) {
  holder.__pathwiseRateLimiter = limiter;
}

export function budgetFor(access: Access): Budget {
  return access === "write" ? "write" : "api";
}

/**
 * The client's address for unauthenticated callers. X-Forwarded-For is what a proxy in front sets;
 * without one a client can forge it, which only lets it pick which anonymous bucket it drains.
 */
export function clientAddress(req: Request): string {
  const fwd = req.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return fwd || req.headers.get("x-real-ip")?.trim() || "local";
}

/** Whose bucket a request drains: its key, its console session, or (unauthenticated) its address. */
export function callerOf(req: Request, principal: Principal | null): string {
  if (!principal || principal.kind === "anonymous") return `ip:${clientAddress(req)}`;
  if (principal.kind === "session") return `session:${principal.account.sessionId}`;
  return `key:${principal.keyId}`;
}

/**
 * Throws 429 with Retry-After when the caller's budget for this route is spent. route() calls it for
 * every non-public route; a "public" route that authenticates by itself (ingestion reads the write
 * key from the body too) calls it with the principal it found, or null for an unknown caller.
 */
export function enforceRateLimit(req: Request, access: Access, principal: Principal | null) {
  const verdict = rateLimiter().check(budgetFor(access), callerOf(req, principal));
  if (!verdict.ok) {
    throw new ApiError(
      429,
      "rate_limited",
      `Too many requests; try again in ${verdict.retryAfterSec} second${verdict.retryAfterSec === 1 ? "" : "s"}`,
      [{ budget: budgetFor(access), retryAfter: verdict.retryAfterSec }],
      { "retry-after": String(verdict.retryAfterSec) },
    );
  }
}
